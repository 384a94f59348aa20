package call

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/internal/loopback"
	tollbudget "github.com/frontdoor-sspr/frontdoor/notify/budget"
	notifycall "github.com/frontdoor-sspr/frontdoor/notify/call"
	phonenum "github.com/frontdoor-sspr/frontdoor/phone"
)

func init() {
	for name, needs := range map[string]string{
		"mobile_call": "a mobile number on the account (the directory's mobile attribute)",
		"office_call": "an office number on the account (the directory's telephoneNumber attribute)",
	} {
		methods.Register(methods.Spec{Name: name, Kind: methods.KindKeypress, Needs: needs, Check: check,
			New: func(e methods.Env) methods.Method { return build(name, e) }})
	}
}

// check refuses a flow offering a call method without a call section.
func check(cfg *config.Config) config.Problems {
	if cfg.Call == nil {
		return config.Problems{{Path: "call", Message: "is required when a flow offers mobile_call or office_call"}}
	}
	if cfg.Call.Provider == "twilio" && !httpsOrLoopback(cfg.Server.PublicURL) {
		return config.Problems{{Path: "server.public_url", Message: "must be https:// for Twilio's call callbacks"}}
	}
	return nil
}

// build makes the method and its gateway from the configuration, which
// check and config.Validate have accepted.
func build(name string, e methods.Env) methods.Method {
	m := New(name)
	m.Codes, m.Limits, m.Secret, m.Now = e.Codes.Codes, e.Codes.Limits, e.Codes.Secret, e.Codes.Now
	m.Audit, m.Log = e.Audit, slog.Default()
	m.Registrations, m.Sources = e.Registrations, methods.Sources(e.Config)
	parser := phonenum.NewParser(e.Config.Phone)
	m.Normalize = func(raw string) (string, error) {
		n, err := parser.Parse(raw)
		return n.E164, err
	}
	m.Match = func(typed, e164 string) bool {
		n, err := parser.Parse(e164)
		return err == nil && parser.Matches(typed, n)
	}
	if e.Budget != nil {
		m.Budget = spend{e.Budget, parser}
	}
	c := e.Config.Call
	switch c.Provider {
	case "sip":
		m.Timeout = c.SIP.Timeout.D()
		sip, err := notifycall.NewSIP(*c.SIP, m.Log)
		if err != nil {
			m.Caller = broken{err}
			break
		}
		m.Caller = sip
	case "twilio":
		m.Timeout = c.Twilio.Timeout.D()
		tw := notifycall.NewTwilio(*c.Twilio)
		tw.CallbackURL = strings.TrimSuffix(e.Config.Server.PublicURL, "/") + e.Config.Server.Prefix + CallbackPath(name)
		tw.Secret, tw.Prompt, tw.Log = e.Codes.Secret, notifycall.PromptText, m.Log
		res := &notifycall.StoreResults{Limits: e.Codes.Limits}
		tw.Results, tw.Once = res, res
		m.Caller, m.callback = tw, tw.Handler()
	}
	return m
}

// CallbackPath is where, under the prefix, the Twilio callbacks of method
// name are taken.
func CallbackPath(name string) string { return "call/" + name }

// Callback returns the handler of the gateway's callbacks (Twilio's), to
// mount at CallbackPath; nil when the gateway has none.
func (m *Method) Callback() http.Handler { return m.callback }

// spend makes the toll-fraud budget the one the text method spends from.
type spend struct {
	b      *tollbudget.Budget
	parser phonenum.Parser
}

func (s spend) AllowCall(ctx context.Context, account, number string) (bool, error) {
	n, err := s.parser.Parse(number)
	if err != nil {
		return false, nil
	}
	// The account as the text method names it ("id:" and the stable ID), so
	// that texts and calls spend from one per-account budget.
	switch err := s.b.Spend(ctx, tollbudget.Call, "id:"+account, n); {
	case errors.Is(err, tollbudget.ErrTripped):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// Idle implements Idler.
func (s spend) Idle(ctx context.Context, flowID string) error { return s.b.Idle(ctx, flowID) }

// broken is a gateway that could not be built; every call fails with why.
type broken struct{ err error }

func (b broken) Call(context.Context, string, string) (notifycall.Outcome, error) {
	return "", errors.Join(errors.New("call: gateway not available"), b.err)
}

// httpsOrLoopback accepts an https URL, and http on a loopback address,
// which Twilio cannot reach but a developer's test can.
func httpsOrLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	return u.Scheme == "http" && loopback.Host(u.Hostname())
}
