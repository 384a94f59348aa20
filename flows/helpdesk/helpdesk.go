package helpdesk

import (
	"context"
	"crypto/rand"
	"net/http"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/captcha"
	"github.com/frontdoor-sspr/frontdoor/flows"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/returnto"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Steps of the flow.
const (
	stepForm = "form"
	stepSent = "sent"
)

// Limits of the form.
const (
	// MaxMessage is the longest message, in characters.
	MaxMessage   = 2000
	maxLoginLen  = 256
	maxFormBytes = 32 << 10
	ipMax        = 10 // posts per client address per ipWindow
	ipWindow     = time.Hour
	loginMax     = 3 // requests per user ID per loginWindow
	loginWindow  = 24 * time.Hour
)

// Request is one request for the helpdesk.
type Request struct {
	// Reference is the number the user and the helpdesk quote.
	Reference string
	// Login is the user ID as typed (normalised), Message the user's text.
	Login, Message string
	// IP is the client's address, RequestID the request's, Time when it came.
	IP, RequestID string
	Time          time.Time
}

// state is what the flow keeps between requests.
type state struct {
	ReturnTo  string            `json:"return_to,omitempty"`
	Captcha   captcha.Challenge `json:"captcha"`
	Reference string            `json:"reference,omitempty"`
}

// Deps are the parts the flow works with.
type Deps struct {
	Engine *flows.Engine
	CSRF   *web.CSRF
	Pages  *web.Pages
	Limits store.Limits
	Audit  *audit.Log
	// ClientIP returns the request's client address.
	ClientIP func(*http.Request) string
	// Recipients returns the helpdesk's addresses (one or more).
	Recipients func(ctx context.Context) ([]string, error)
	// Send queues req for the addresses; it must not block on the mail server.
	Send func(to []string, req Request)
	// Secret keys the digest that stands for a typed user ID that matches
	// no account in limits and audit events.
	Secret []byte
	// Directory, when set, finds the account a typed user ID names, so that
	// every spelling of one account ("dave", "dave@example.com") shares its
	// per-user limit. Without it the limit is per typed ID.
	Directory idp.Directory
}

// Options are the flow's settings.
type Options struct {
	Prefix    string
	PublicURL string
	// SignIn says which sign-in pages can be returned to, and the fallback.
	SignIn returnto.Targets
	// URL, when set, is a helpdesk portal: the page redirects there and no
	// form is shown.
	URL string
	// Captcha is false only when the configuration allows no CAPTCHA (tests).
	Captcha bool
	// CaptchaLength is the number of digits to type (captcha.length; 0: the default).
	CaptchaLength int
}

// Flow serves the helpdesk pages.
type Flow struct {
	Deps
	opt Options
}

// New returns the flow.
func New(opt Options, d Deps) *Flow { return &Flow{Deps: d, opt: opt} }

// Register mounts the flow's routes on mux, under the prefix.
func (f *Flow) Register(mux *http.ServeMux) {
	p := f.opt.Prefix + "helpdesk"
	h := f.Pages.Handle
	mux.Handle("GET "+p, h(f.start))
	if f.opt.URL != "" {
		return
	}
	mux.Handle("GET "+p+"/sent", h(f.sent))
	mux.Handle("GET "+p+"/captcha.png", h(f.captchaImage))
	mux.Handle("GET "+p+"/captcha.wav", h(f.captchaAudio))
	mux.Handle("POST "+p+"/send", h(f.limitForm(f.send)))
}

// limitForm bounds the form body and parses it before the step runs.
func (f *Flow) limitForm(next web.HandlerFunc) web.HandlerFunc {
	return web.LimitForm(maxFormBytes, next)
}

// referenceAlphabet leaves out letters and digits that read alike (0/O, 1/I).
const referenceAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewReference returns a random reference such as "K7QF-3MZP": short enough
// to read out on the phone, random enough (40 bits) not to be guessed.
func NewReference() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	out := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, referenceAlphabet[int(c)%len(referenceAlphabet)])
	}
	return string(out)
}
