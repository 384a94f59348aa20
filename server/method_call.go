package server

import (
	"io"
	"net/http"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	// The phone-call methods, mobile_call and office_call.
	_ "github.com/frontdoor-sspr/frontdoor/flows/methods/call"
)

// callbacker is a method whose gateway calls back (Twilio's voice
// callbacks); Callback is nil when its gateway does not.
type callbacker interface {
	Callback() http.Handler
}

// mountCallbacks mounts the gateways' callbacks under the prefix, at
// call/METHOD. They carry their own authentication (signatures, single-use
// tokens); no CSRF token or flow cookie comes with them. Methods that hold
// resources (calls in progress, a SIP listener) are closed with the server,
// before the store.
func (s *Server) mountCallbacks(ms []methods.Method) {
	for _, m := range ms {
		if cb, ok := m.(callbacker); ok && cb.Callback() != nil {
			s.own.Handle("POST "+s.cfg.Server.Prefix+"call/"+m.Name(), cb.Callback())
		}
		if c, ok := m.(io.Closer); ok {
			s.closers = append(s.closers, c.Close)
		}
	}
}
