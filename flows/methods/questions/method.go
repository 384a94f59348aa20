package questions

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// Name is the method's config name and its registration section.
const Name = "security_questions"

// challengeTTL is how long one challenge lives: a flow's lifetime.
const challengeTTL = 15 * time.Minute

// Registration is the registration section of a user: the questions chosen
// and their answers' hashes, never the answers.
type Registration struct {
	Answers []StoredAnswer `json:"answers"`
	At      time.Time      `json:"at"`
}

// StoredAnswer is one registered question with its answer's hash.
type StoredAnswer struct {
	Question string `json:"question"`
	Salt     []byte `json:"salt"`
	Hash     []byte `json:"hash"`
	Params   Params `json:"params"`
}

// Questions is the security_questions method.
type Questions struct {
	Registrations methods.Registrations
	Codes         store.Codes
	// Secret keys the digests that pick the questions asked.
	Secret  []byte
	Now     func() time.Time
	Config  config.SecurityQuestions
	Catalog *Catalogue
	Hasher  *Hasher
}

var (
	_ methods.Method    = (*Questions)(nil)
	_ methods.Presenter = (*Questions)(nil)
	_ methods.Weakness  = (*Questions)(nil)
)

// New builds the method from the shared environment.
func New(e methods.Env) *Questions {
	cfg := config.SecurityQuestions{}
	if e.Config != nil {
		cfg = e.Config.SecurityQuestions
	}
	cfg.ApplyDefaults()
	builtIn := cfg.BuiltIn == nil || *cfg.BuiltIn
	q := &Questions{Registrations: e.Registrations, Config: cfg,
		Catalog: NewCatalogue(builtIn, cfg.Custom), Hasher: NewHasher(cfg.HashesInFlight), Now: time.Now}
	if e.Codes != nil {
		q.Codes, q.Secret = e.Codes.Codes, e.Codes.Secret
		if e.Codes.Now != nil {
			q.Now = e.Codes.Now
		}
	}
	return q
}

// Name implements methods.Method.
func (*Questions) Name() string { return Name }

// Kind implements methods.Method.
func (*Questions) Kind() methods.Kind { return methods.KindQuestions }

// Weak implements methods.Weakness: answers can be found or guessed by
// people close to the user.
func (*Questions) Weak() bool { return true }

// Hint implements methods.Method: usable by an account that is not
// privileged and registered enough questions that are still offered.
func (m *Questions) Hint(ctx context.Context, u idp.User) (string, bool) {
	if u.Privileged || m.Registrations == nil {
		return "", false
	}
	reg, ok, err := m.registration(ctx, u.ID)
	if err != nil || !ok {
		return "", false
	}
	return "", len(m.usable(reg)) >= m.Config.Answer
}

func (m *Questions) registration(ctx context.Context, userID string) (Registration, bool, error) {
	var reg Registration
	ok, err := m.Registrations.Section(ctx, userID, Name, &reg)
	return reg, ok, err
}

// usable returns the registered answers whose question is still offered.
func (m *Questions) usable(reg Registration) []StoredAnswer {
	var out []StoredAnswer
	for _, a := range reg.Answers {
		if _, ok := m.Catalog.Get(a.Question); ok && len(a.Salt) > 0 && len(a.Hash) > 0 {
			out = append(out, a)
		}
	}
	return out
}

// Challenge is what the questions page shows.
type Challenge struct {
	Questions []Question
}

// Field is the form field of the answer to the i-th question asked.
func Field(i int) string { return "answer" + strconv.Itoa(i) }

// Start implements methods.Method: it opens a challenge of Config.Tries
// tries bound to the flow and gate. The questions asked follow from the
// flow, the gate and the account, so every replica shows the same ones.
func (m *Questions) Start(ctx context.Context, t methods.Target) error {
	err := m.Codes.Put(ctx, store.Code{FlowID: t.FlowID, Method: Name, Purpose: t.Purpose,
		Hash: m.digest("challenge", t.FlowID, t.Purpose), ExpiresAt: m.Now().Add(challengeTTL), TriesLeft: max(m.Config.Tries, 1)})
	if err != nil {
		return fmt.Errorf("questions: store challenge: %w", err)
	}
	return nil
}

// Challenge implements methods.Presenter.
func (m *Questions) Challenge(ctx context.Context, t methods.Target) (any, error) {
	asked, err := m.asked(ctx, t)
	if err != nil {
		return nil, err
	}
	c := Challenge{}
	for _, a := range asked {
		q, _ := m.Catalog.Get(a.Question)
		c.Questions = append(c.Questions, q)
	}
	return c, nil
}

// Verify implements methods.Method. Every asked answer is hashed, right or
// wrong, known account or not; a wrong set spends one try of the challenge.
func (m *Questions) Verify(ctx context.Context, t methods.Target, form url.Values) error {
	asked, err := m.asked(ctx, t)
	if err != nil {
		return err
	}
	ok := t.User != nil
	for i, a := range asked {
		answer := Normalize(form.Get(Field(i)))
		match, err := m.Hasher.Matches(ctx, answer, a.Salt, a.Hash, sane(a.Params))
		if err != nil {
			return err
		}
		ok = ok && match && validAnswer(answer)
	}
	want := m.digest("challenge", t.FlowID, t.Purpose)
	return methods.Outcome(m.Codes.Verify(ctx, t.FlowID, Name, t.Purpose, func(h []byte) bool { return ok && hmac.Equal(h, want) }))
}

// asked returns the registered answers to ask for t: Config.Answer of the
// account's usable ones, picked by the flow and gate; or, for a target
// without an account, as many decoys.
func (m *Questions) asked(ctx context.Context, t methods.Target) ([]StoredAnswer, error) {
	var pool []StoredAnswer
	if t.User != nil && m.Registrations != nil {
		reg, _, err := m.registration(ctx, t.User.ID)
		if err != nil {
			return nil, fmt.Errorf("questions: read registration: %w", err)
		}
		pool = m.usable(reg)
	}
	if len(pool) < m.Config.Answer {
		pool = m.decoys(t.Key)
	}
	pick := m.shuffle(len(pool), "pick", t.FlowID, t.Purpose)[:min(m.Config.Answer, len(pool))]
	slices.Sort(pick) // in the order registered
	out := make([]StoredAnswer, len(pick))
	for i, p := range pick {
		out[i] = pool[p]
	}
	return out, nil
}

// decoys is what an account without a registration seems to have
// registered: Config.Register questions of the catalogue, with salts and
// hashes that no answer matches, all derived from key alone, so the same
// user ID always meets the same questions.
func (m *Questions) decoys(key string) []StoredAnswer {
	perm := m.shuffle(m.Catalog.Len(), "decoy", key)
	n := min(m.Config.Register, len(perm))
	out := make([]StoredAnswer, n)
	for i, p := range perm[:n] {
		out[i] = StoredAnswer{Question: m.Catalog.list[p].ID, Params: OWASP,
			Salt: m.digest("decoy salt", key, strconv.Itoa(i))[:saltLen],
			Hash: m.digest("decoy hash", key, strconv.Itoa(i))}
	}
	slices.SortFunc(out, func(a, b StoredAnswer) int { return m.Catalog.byID[a.Question] - m.Catalog.byID[b.Question] })
	return out
}

// shuffle returns a permutation of [0, n) drawn from the keyed digest of parts.
func (m *Questions) shuffle(n int, parts ...string) []int {
	var seed [32]byte
	copy(seed[:], m.digest(parts...))
	return rand.New(rand.NewChaCha8(seed)).Perm(n)
}

func (m *Questions) digest(parts ...string) []byte {
	h := hmac.New(sha256.New, m.Secret)
	h.Write([]byte("security questions"))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return h.Sum(nil)
}

// sane returns stored parameters, or OWASP's when they are missing or out
// of range (a damaged registration must not make the hash run away).
func sane(p Params) Params {
	if p.Memory < 8*1024 || p.Memory > 256*1024 || p.Time < 1 || p.Time > 10 || p.Threads < 1 || p.Threads > 4 {
		return OWASP
	}
	return p
}
