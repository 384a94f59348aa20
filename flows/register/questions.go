package register

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// maxAnswerField bounds, in characters, what is kept of one typed answer
// (Enroll refuses more than 40 once normalised; the form is bounded too).
const maxAnswerField = 200

// QuestionsStatus is the overview's security questions section: how many
// the user registered (still offered) and how many are asked for.
type QuestionsStatus struct {
	Count, Need int
}

// QuestionsPage is the data of "register_questions": Need rows, each a
// question to pick and an answer to type.
type QuestionsPage struct {
	Choices []Choice
	Rows    []QuestionRow
	Error   string
}

// QuestionRow is one row of the form, as typed (kept on an error).
type QuestionRow struct {
	N        int // 1-based, for labels and field names
	Question string
	Answer   string
	Error    string
}

// questionsEdit shows the form that registers (or replaces) the questions.
func (f *Flow) questionsEdit(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	if u.Privileged {
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "question.error.privileged")
	}
	q := f.Methods.Questions
	p := QuestionsPage{Choices: q.Choices()}
	for i := range q.Count() {
		p.Rows = append(p.Rows, QuestionRow{N: i + 1})
	}
	return f.page(w, r, fl, http.StatusOK, "register_questions", p)
}

// questionsSave registers the typed answers; a refused set shows the form
// again as typed, the error next to its answer.
func (f *Flow) questionsSave(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	q := f.Methods.Questions
	p := QuestionsPage{Choices: q.Choices()}
	answers := make([]Answer, q.Count())
	for i := range answers {
		n := strconv.Itoa(i + 1)
		row := QuestionRow{N: i + 1, Question: r.PostFormValue("question" + n), Answer: r.PostFormValue("answer" + n)}
		if r := []rune(row.Answer); len(r) > maxAnswerField {
			row.Answer = string(r[:maxAnswerField])
		}
		answers[i] = Answer{Question: row.Question, Text: strings.TrimSpace(row.Answer)}
		p.Rows = append(p.Rows, row)
	}
	ch, err := q.Enroll(r.Context(), u, answers)
	var ee *AnswerError
	if errors.As(err, &ee) {
		f.methodFailed(r, u, fl, "security_questions", "refused")
		p.Error = ee.MessageID
		if ee.Index >= 0 && ee.Index < len(p.Rows) {
			p.Rows[ee.Index].Error = ee.MessageID
		}
		return f.page(w, r, fl, http.StatusUnprocessableEntity, "register_questions", p)
	}
	if err != nil {
		return err
	}
	if err := f.methodChanged(r, u, fl, ch); err != nil {
		return err
	}
	return f.done(w, r, fl, []string{stepOverview, stepVerify}, "register.saved.security_questions")
}
