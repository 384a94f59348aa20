package gate

import (
	"net/http"

	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
)

// maxAnswer bounds what an Asker is given; a phone number is much shorter.
const maxAnswer = 64

// answer takes the answer to an Asker's question (the full phone number)
// and starts the method with it. Whatever was typed, the user lands on the
// same code page after the same work: only the method knows whether a
// message went out.
func (g *Gate) answer(w http.ResponseWriter, r *http.Request) error {
	var s State
	fl, ok, err := g.LoadPost(w, r, &s)
	if !ok || err != nil {
		return err
	}
	if fl.Step != StepAsk {
		return g.StepError(w, r, flows.ErrWrongStep)
	}
	m := g.method(s.Method)
	if m == nil {
		return g.methodGone(w, r, fl)
	}
	if _, asks := m.(methods.Asker); !asks {
		return g.methodGone(w, r, fl)
	}
	typed := r.PostFormValue("answer")
	if len(typed) > maxAnswer {
		typed = ""
	}
	fl, err = flows.Advance(r.Context(), g.Engine, fl, []string{StepAsk}, func(*State) (string, error) { return StepVerify, nil })
	if err != nil {
		return g.StepError(w, r, err)
	}
	return g.send(w, r, fl, &s, m, typed)
}
