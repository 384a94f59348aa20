package text

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/phone"
)

// twilioFake is a contract fake of Twilio Programmable Messaging's Create
// Message endpoint, built from Twilio's documented contract:
// POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth with
// the account SID and auth token, a form with To, Body and From or
// MessagingServiceSid; 201 with the message resource (sid "SM...",
// status "queued"), 401 with error 20003 for bad credentials, 400 with
// error 21211 for an invalid To, 400 with error 21604 without a sender.
type twilioFake struct {
	sid, token string
	mu         sync.Mutex
	got        []map[string]string
}

func (f *twilioFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(status, code int, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg, "more_info": "https://www.twilio.com/docs/errors/" + itoa(code), "status": status})
	}
	if r.Method != http.MethodPost || r.URL.Path != "/2010-04-01/Accounts/"+f.sid+"/Messages.json" {
		fail(404, 20404, "The requested resource was not found")
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != f.sid || pass != f.token {
		fail(401, 20003, "Authenticate")
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		fail(400, 20001, "bad content type")
		return
	}
	_ = r.ParseForm()
	to := r.PostForm.Get("To")
	if !strings.HasPrefix(to, "+") {
		fail(400, 21211, "The 'To' number is not a valid phone number.")
		return
	}
	if r.PostForm.Get("From") == "" && r.PostForm.Get("MessagingServiceSid") == "" {
		fail(400, 21604, "A 'From' phone number is required.")
		return
	}
	f.mu.Lock()
	f.got = append(f.got, map[string]string{"To": to, "Body": r.PostForm.Get("Body"), "From": r.PostForm.Get("From"), "MessagingServiceSid": r.PostForm.Get("MessagingServiceSid")})
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"sid": "SM0123456789abcdef0123456789abcdef", "account_sid": f.sid,
		"to": to, "from": r.PostForm.Get("From"), "body": r.PostForm.Get("Body"), "status": "queued", "num_segments": "1",
		"direction": "outbound-api", "api_version": "2010-04-01", "error_code": nil, "error_message": nil})
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestTwilioAgainstTheContractFake(t *testing.T) {
	fake := &twilioFake{sid: "AC0123456789abcdef0123456789abcdef", token: "auth-token-secret"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	hc := &http.Client{Timeout: 5 * time.Second}
	to := phone.Number{E164: "+14155550101", Region: "US"}
	ctx := context.Background()

	tw := &Twilio{AccountSID: fake.sid, AuthToken: fake.token, From: "+14155550000", BaseURL: srv.URL, HTTP: hc}
	if err := tw.Send(ctx, to, "Your code is 123456"); err != nil {
		t.Fatal(err)
	}
	svc := &Twilio{AccountSID: fake.sid, AuthToken: fake.token, From: "MG0123456789abcdef0123456789abcdef", BaseURL: srv.URL, HTTP: hc}
	if err := svc.Send(ctx, to, "again"); err != nil {
		t.Fatal(err)
	}
	if len(fake.got) != 2 || fake.got[0]["To"] != "+14155550101" || fake.got[0]["Body"] != "Your code is 123456" ||
		fake.got[0]["From"] != "+14155550000" || fake.got[1]["MessagingServiceSid"] != svc.From || fake.got[1]["From"] != "" {
		t.Fatalf("Twilio received %+v", fake.got)
	}

	bad := &Twilio{AccountSID: fake.sid, AuthToken: "wrong-token", From: "+14155550000", BaseURL: srv.URL, HTTP: hc}
	err := bad.Send(ctx, to, "x")
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 401 || se.Code != 20003 || strings.Contains(err.Error(), "wrong-token") {
		t.Fatalf("bad credentials: %v", err)
	}
	if err := tw.Send(ctx, phone.Number{E164: "14155550101"}, "x"); !errors.As(err, &se) || se.Code != 21211 {
		t.Fatalf("invalid To: %v", err)
	}
}
