package call

import (
	"encoding/json"
	"encoding/xml"

	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// twilioFake is a contract fake of Twilio Programmable Voice, built from
// Twilio's documented request and response shapes: Calls.json with basic
// auth and form parameters (To, From, Twiml, StatusCallback), a 201 JSON
// call resource, error bodies {code, message, status}; then the callee's
// behaviour played through the inline TwiML's <Gather> as Twilio does
// (finishOnKey defaults to #, which then ends input instead of being
// reported; actionOnEmptyResult), each callback signed with
// X-Twilio-Signature.
type twilioFake struct {
	t        *testing.T
	srv      *httptest.Server
	sid      string
	token    string
	behave   map[string]string // To -> "#", "1", "silent", "hangup", "busy", "no-answer"
	mu       sync.Mutex
	sent     []sentCallback
	wg       sync.WaitGroup
	lastForm url.Values
}

// sentCallback is one callback the fake made, kept for replay tests.
type sentCallback struct {
	URL       string
	Form      url.Values
	Signature string
	Status    int
}

func newTwilioFake(t *testing.T) *twilioFake {
	f := &twilioFake{t: t, sid: "AC" + strings.Repeat("0123456789abcdef", 2), token: "fake-auth-token", behave: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() { f.wg.Wait(); f.srv.Close() })
	return f
}

func (f *twilioFake) fail(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg, "status": status})
}

func (f *twilioFake) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/2010-04-01/Accounts/"+f.sid+"/Calls.json" {
		f.fail(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	if user, pass, ok := r.BasicAuth(); !ok || user != f.sid || pass != f.token {
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
	_ = json.NewEncoder(w).Encode(map[string]any{"sid": callSid, "account_sid": f.sid, "to": to, "from": from,
		"status": "queued", "uri": "/2010-04-01/Accounts/" + f.sid + "/Calls/" + callSid + ".json"})

	base := url.Values{"AccountSid": {f.sid}, "CallSid": {callSid}, "To": {to}, "From": {from},
		"Direction": {"outbound-api"}, "ApiVersion": {"2010-04-01"}}
	status := r.PostForm.Get("StatusCallback")
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		g := doc.Gather
		emptyAction := g.ActionOnEmptyResult == "true"
		switch b := f.behave[to]; b {
		case "busy", "no-answer":
			f.callback(status, with(base, "CallStatus", b))
			return
		case "hangup":
		case "silent":
			if emptyAction {
				f.callback(g.Action, with(base, "CallStatus", "in-progress", "Digits", ""))
			}
		default: // a key
			digits := b
			if (g.FinishOnKey == nil && b == "#") || (g.FinishOnKey != nil && *g.FinishOnKey == b) {
				digits = "" // the finish key ends input and is not reported
			}
			if digits != "" || emptyAction {
				f.callback(g.Action, with(base, "CallStatus", "in-progress", "Digits", digits, "FinishedOnKey", ""))
			}
		}
		f.callback(status, with(base, "CallStatus", "completed", "CallDuration", "7"))
	}()
}

// callback POSTs form to u, signed as Twilio signs.
func (f *twilioFake) callback(u string, form url.Values) {
	sig := TwilioSignature(f.token, u, form)
	code := post(u, form, sig)
	f.mu.Lock()
	f.sent = append(f.sent, sentCallback{URL: u, Form: form, Signature: sig, Status: code})
	f.mu.Unlock()
}

func post(u string, form url.Values, sig string) int {
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

func (f *twilioFake) callbacks() []sentCallback {
	f.wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentCallback(nil), f.sent...)
}

func with(base url.Values, kv ...string) url.Values {
	v := url.Values{}
	for k, vs := range base {
		v[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}
