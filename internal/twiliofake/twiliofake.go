// Package twiliofake is a contract fake of Twilio Programmable Voice for
// tests, built from Twilio's documented request and response shapes; it
// signs its callbacks as Twilio does, with a signer of its own.
package twiliofake

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"sort"

	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Server is a contract fake of Twilio Programmable Voice, built from
// Twilio's documented request and response shapes: Calls.json with basic
// auth and form parameters (To, From, Twiml, StatusCallback), a 201 JSON
// call resource, error bodies {code, message, status}; then the callee's
// behaviour played through the inline TwiML's <Gather> as Twilio does
// (finishOnKey defaults to #, which then ends input instead of being
// reported; actionOnEmptyResult), each callback signed with
// X-Twilio-Signature.
type Server struct {
	// URL is the API root to give the driver as base_url.
	URL string
	// SID and Token are the account's credentials.
	SID, Token string
	srv        *httptest.Server
	mu         sync.Mutex
	behave     map[string]string
	sent       []Callback
	wg         sync.WaitGroup
	lastForm   url.Values
}

// Callback is one callback the fake made, kept for replay tests.
type Callback struct {
	URL       string
	Form      url.Values
	Signature string
	Status    int
}

// New starts the fake until the test ends.
func New(t testing.TB) *Server {
	f := &Server{SID: "AC" + strings.Repeat("0123456789abcdef", 2), Token: "fake-auth-token", behave: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	t.Cleanup(func() { f.wg.Wait(); f.srv.Close() })
	return f
}

// Behave sets what the phone at number does when called: "#", "1" (or any
// key), "silent", "hangup", "busy" or "no-answer".
func (f *Server) Behave(number, what string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.behave[number] = what
}

// LastCall returns the form of the last Calls.json request.
func (f *Server) LastCall() url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastForm
}

func (f *Server) fail(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg, "status": status})
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/2010-04-01/Accounts/"+f.SID+"/Calls.json" {
		f.fail(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	if user, pass, ok := r.BasicAuth(); !ok || user != f.SID || pass != f.Token {
		f.fail(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if err := r.ParseForm(); err != nil {
		f.fail(w, http.StatusBadRequest, 21100, "bad form")
		return
	}
	f.mu.Lock()
	f.lastForm = r.PostForm
	f.mu.Unlock()
	to, from, twiml := r.PostForm.Get("To"), r.PostForm.Get("From"), r.PostForm.Get("Twiml")
	if to == "" {
		f.fail(w, http.StatusBadRequest, 21201, "No 'To' number is specified")
		return
	}
	if from == "" || twiml == "" {
		f.fail(w, http.StatusBadRequest, 21205, "Url or Twiml parameter is required")
		return
	}
	var doc struct {
		Gather struct {
			Action              string  `xml:"action,attr"`
			NumDigits           string  `xml:"numDigits,attr"`
			FinishOnKey         *string `xml:"finishOnKey,attr"`
			ActionOnEmptyResult string  `xml:"actionOnEmptyResult,attr"`
			Say                 string  `xml:"Say"`
		} `xml:"Gather"`
	}
	if err := xml.Unmarshal([]byte(twiml), &doc); err != nil {
		f.fail(w, http.StatusBadRequest, 12100, "Document parse failure")
		return
	}
	callSid := "CA" + strings.Repeat("f", 32)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"sid": callSid, "account_sid": f.SID, "to": to, "from": from,
		"status": "queued", "uri": "/2010-04-01/Accounts/" + f.SID + "/Calls/" + callSid + ".json"})

	base := url.Values{"AccountSid": {f.SID}, "CallSid": {callSid}, "To": {to}, "From": {from},
		"Direction": {"outbound-api"}, "ApiVersion": {"2010-04-01"}}
	status := r.PostForm.Get("StatusCallback")
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		g := doc.Gather
		emptyAction := g.ActionOnEmptyResult == "true"
		f.mu.Lock()
		b := f.behave[to]
		f.mu.Unlock()
		switch b {
		case "busy", "no-answer":
			f.callback(status, With(base, "CallStatus", b))
			return
		case "hangup":
		case "silent":
			if emptyAction {
				f.callback(g.Action, With(base, "CallStatus", "in-progress", "Digits", ""))
			}
		default: // a key
			digits := b
			if (g.FinishOnKey == nil && b == "#") || (g.FinishOnKey != nil && *g.FinishOnKey == b) {
				digits = "" // the finish key ends input and is not reported
			}
			if digits != "" || emptyAction {
				f.callback(g.Action, With(base, "CallStatus", "in-progress", "Digits", digits, "FinishedOnKey", ""))
			}
		}
		f.callback(status, With(base, "CallStatus", "completed", "CallDuration", "7"))
	}()
}

// callback POSTs form to u, signed as Twilio signs.
func (f *Server) callback(u string, form url.Values) {
	sig := Sign(f.Token, u, form)
	code := Post(u, form, sig)
	f.mu.Lock()
	f.sent = append(f.sent, Callback{URL: u, Form: form, Signature: sig, Status: code})
	f.mu.Unlock()
}

// Post sends a callback as Twilio does and returns the status answered.
func Post(u string, form url.Values, sig string) int {
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Callbacks waits for the calls in progress and returns every callback
// made.
func (f *Server) Callbacks() []Callback {
	f.wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Callback(nil), f.sent...)
}

// With returns a copy of base with the pairs of kv set.
func With(base url.Values, kv ...string) url.Values {
	v := url.Values{}
	for k, vs := range base {
		v[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// Sign is Twilio's X-Twilio-Signature, written here again on the fake's
// side: base64 of HMAC-SHA1, keyed with the auth token, over the URL and
// then each parameter's name and value, names in order and a repeated
// name's distinct values in order.
func Sign(token, u string, form url.Values) string {
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(u)
	for _, k := range names {
		vs := append([]string(nil), form[k]...)
		sort.Strings(vs)
		for i, v := range vs {
			if i == 0 || v != vs[i-1] {
				b.WriteString(k + v)
			}
		}
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
