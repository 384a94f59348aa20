package questions

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// BuiltIn is how many built-in questions there are; their texts are the
// catalogue messages question.q01 to question.q35.
const BuiltIn = 35

// Question is one question a user may register.
type Question struct {
	// ID names the question in registrations: "q01".."q35" for the built-in
	// ones, "c" and 12 hex digits of the text's digest for custom ones (so
	// that reordering the configuration keeps registrations valid).
	ID string
	// MessageID is the catalogue message of a built-in question ("" for a
	// custom one): {{$.T .MessageID}}.
	MessageID string
	// Text is a custom question as the operator wrote it ("" for a built-in).
	Text string
}

// Catalogue is the set of questions the configuration offers.
type Catalogue struct {
	list []Question
	byID map[string]int
}

// NewCatalogue returns the built-in questions (when builtIn) followed by
// the custom ones.
func NewCatalogue(builtIn bool, custom []string) *Catalogue {
	c := &Catalogue{byID: map[string]int{}}
	if builtIn {
		for i := 1; i <= BuiltIn; i++ {
			id := fmt.Sprintf("q%02d", i)
			c.add(Question{ID: id, MessageID: "question." + id})
		}
	}
	for _, text := range custom {
		text = strings.TrimSpace(text)
		sum := sha256.Sum256([]byte(strings.ToLower(text)))
		c.add(Question{ID: "c" + hex.EncodeToString(sum[:6]), Text: text})
	}
	return c
}

func (c *Catalogue) add(q Question) {
	if _, dup := c.byID[q.ID]; dup {
		return
	}
	c.byID[q.ID] = len(c.list)
	c.list = append(c.list, q)
}

// All returns the questions in order.
func (c *Catalogue) All() []Question { return append([]Question(nil), c.list...) }

// Get returns the question called id.
func (c *Catalogue) Get(id string) (Question, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Question{}, false
	}
	return c.list[i], true
}

// Len is the number of questions.
func (c *Catalogue) Len() int { return len(c.list) }
