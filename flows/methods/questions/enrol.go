package questions

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Answer is one answer typed on the security info page.
type Answer struct {
	Question string // Question.ID
	Text     string
}

// EnrolError is why a set of answers cannot be registered. MessageID is a
// catalogue message for the page; Index is the answer it is about, or -1
// for the whole set.
type EnrolError struct {
	MessageID string
	Index     int
}

func (e *EnrolError) Error() string {
	return fmt.Sprintf("questions: %s (answer %d)", e.MessageID, e.Index)
}

// Reasons of EnrolError, as catalogue messages.
const (
	ErrCount             = "question.error.count"
	ErrUnknownQuestion   = "question.error.unknown"
	ErrDuplicateQuestion = "question.error.duplicate_question"
	ErrLength            = "question.error.length"
	ErrDuplicateAnswer   = "question.error.duplicate_answer"
	ErrPrivileged        = "question.error.privileged"
)

// Choices returns the questions a user may choose from.
func (m *Questions) Choices() []Question { return m.Catalog.All() }

// Count is how many questions a user registers.
func (m *Questions) Count() int { return m.Config.Register }

// Enroll registers answers for u, replacing any earlier set: exactly
// Count() answers to different offered questions, each 3-40 characters
// once normalised, no two the same. A refused set is an *EnrolError and
// nothing is stored.
func (m *Questions) Enroll(ctx context.Context, u idp.User, answers []Answer) (methods.Change, error) {
	if u.Privileged {
		return methods.Change{}, &EnrolError{MessageID: ErrPrivileged, Index: -1}
	}
	if len(answers) != m.Config.Register {
		return methods.Change{}, &EnrolError{MessageID: ErrCount, Index: -1}
	}
	var seenQ, seenA []string
	norm := make([]string, len(answers))
	for i, a := range answers {
		norm[i] = Normalize(a.Text)
		switch _, ok := m.Catalog.Get(a.Question); {
		case !ok:
			return methods.Change{}, &EnrolError{MessageID: ErrUnknownQuestion, Index: i}
		case slices.Contains(seenQ, a.Question):
			return methods.Change{}, &EnrolError{MessageID: ErrDuplicateQuestion, Index: i}
		case !validAnswer(norm[i]):
			return methods.Change{}, &EnrolError{MessageID: ErrLength, Index: i}
		case slices.Contains(seenA, norm[i]):
			return methods.Change{}, &EnrolError{MessageID: ErrDuplicateAnswer, Index: i}
		}
		seenQ, seenA = append(seenQ, a.Question), append(seenA, norm[i])
	}
	reg := Registration{At: m.Now().UTC()}
	for i, a := range answers {
		salt := make([]byte, saltLen)
		if _, err := rand.Read(salt); err != nil {
			return methods.Change{}, err
		}
		h, err := m.Hasher.Hash(ctx, norm[i], salt, OWASP)
		if err != nil {
			return methods.Change{}, err
		}
		reg.Answers = append(reg.Answers, StoredAnswer{Question: a.Question, Salt: salt, Hash: h, Params: OWASP})
	}
	// Kept in the catalogue's order, as decoys are, so that the order asked
	// tells nothing.
	slices.SortFunc(reg.Answers, func(a, b StoredAnswer) int { return m.Catalog.byID[a.Question] - m.Catalog.byID[b.Question] })
	_, had, err := m.registration(ctx, u.ID)
	if err != nil {
		return methods.Change{}, fmt.Errorf("questions: read registration: %w", err)
	}
	if err := m.Registrations.SetSection(ctx, u.ID, Name, reg); err != nil {
		return methods.Change{}, fmt.Errorf("questions: store registration: %w", err)
	}
	action := methods.ChangeRegistered
	if had {
		action = methods.ChangeReplaced
	}
	return methods.Change{Method: Name, UserID: u.ID, Action: action, At: reg.At}, nil
}

// Registered returns the questions u registered that are still offered,
// nil when none.
func (m *Questions) Registered(ctx context.Context, u idp.User) ([]Question, error) {
	reg, _, err := m.registration(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("questions: read registration: %w", err)
	}
	var out []Question
	for _, a := range m.usable(reg) {
		q, _ := m.Catalog.Get(a.Question)
		out = append(out, q)
	}
	return out, nil
}

// Remove deletes u's questions. ok is false when there were none (and the
// Change is then empty: nothing to notify).
func (m *Questions) Remove(ctx context.Context, u idp.User) (methods.Change, bool, error) {
	_, had, err := m.registration(ctx, u.ID)
	if err != nil || !had {
		return methods.Change{}, false, err
	}
	if err := m.Registrations.SetSection(ctx, u.ID, Name, nil); err != nil {
		return methods.Change{}, false, fmt.Errorf("questions: remove registration: %w", err)
	}
	return methods.Change{Method: Name, UserID: u.ID, Action: methods.ChangeRemoved, At: m.Now().UTC()}, true, nil
}
