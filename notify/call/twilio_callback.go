package call

import (
	"net/http"
	"strings"
	"time"
)

// hangup is the TwiML that ends the call.
const hangup = `<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>`

// Handler answers Twilio's callbacks: the <Gather> action (the key, or
// none) and the status callback (the call's end). A callback passes only
// with a valid X-Twilio-Signature over CallbackURL and its form, our own
// signed token of the right kind, not expired, and never seen before;
// anything else is 403 and changes nothing.
func (t *Twilio) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		// The URL Twilio signed is the public one it was given; behind a
		// proxy the request's own Host may differ.
		full := t.CallbackURL
		if q := r.URL.RawQuery; q != "" {
			full = strings.SplitN(full, "?", 2)[0] + "?" + q
		}
		ref, kind, ok := t.token(r.URL.Query().Get("t"))
		if !ok || r.PostForm.Get("AccountSid") != t.AccountSID ||
			!validTwilioSignature(t.AuthToken, full, r.PostForm, r.Header.Get("X-Twilio-Signature")) {
			t.refuse(w, r, "bad signature or token")
			return
		}
		first, err := t.Once.First(r.Context(), "twilio:"+ref+":"+kind, 2*t.timeout()+5*time.Minute)
		if err != nil {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		if !first {
			t.refuse(w, r, "replayed")
			return
		}
		if o, ok := outcomeOf(kind, r.PostForm.Get("Digits"), r.PostForm.Get("CallStatus")); ok {
			if err := t.Results.Put(r.Context(), ref, o); err != nil {
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write([]byte(hangup))
	})
}

func (t *Twilio) refuse(w http.ResponseWriter, r *http.Request, why string) {
	if t.Log != nil {
		t.Log.Warn("twilio callback refused", "reason", why, "ip", r.RemoteAddr)
	}
	http.Error(w, "forbidden", http.StatusForbidden)
}

// outcomeOf reads a callback. The action reports the key (none: silence);
// the status callback reports how a call ended that never reached the
// action: unanswered, refused, or hung up during the prompt.
func outcomeOf(kind, digits, status string) (Outcome, bool) {
	if kind == "gather" {
		switch {
		case digits == "#":
			return Confirmed, true
		case digits == "":
			return Silent, true
		}
		return WrongKey, true
	}
	switch status {
	case "completed":
		return HungUp, true // after an action's outcome, ignored: the first wins
	case "busy":
		return Rejected, true
	case "no-answer", "canceled", "failed":
		return NoAnswer, true
	}
	return "", false
}
