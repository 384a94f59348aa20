package text

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/notify"
	"github.com/frontdoor-sspr/frontdoor/phone"
)

// verifySignature is what a receiver does: recompute the HMAC over the
// time and the body, compare in constant time, refuse old messages.
func verifySignature(secret []byte, header string, body []byte, now time.Time) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(unix, 0)).Abs() > 5*time.Minute {
		return false
	}
	want := Sign(secret, time.Unix(unix, 0), body)
	return hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig))
}

func TestWebhookSignedJSON(t *testing.T) {
	secret := []byte("0123456789abcdef-webhook")
	type received struct {
		ok   bool
		body map[string]string
	}
	got := make(chan received, 4)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]string
		_ = json.Unmarshal(b, &m)
		ok := r.Header.Get("Content-Type") == "application/json" && verifySignature(secret, r.Header.Get("X-Sms-Signature"), b, time.Now())
		got <- received{ok, m}
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()

	w, err := NewWebhook(srv.URL, secret, `{"recipient":{{.To}},"message":{{.Text}},"channel":"sms"}`, "X-Sms-Signature", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	body := `Code "123456" <ok> é`
	if err := w.Send(context.Background(), phone.Number{E164: "+14155550101"}, body); err != nil {
		t.Fatal(err)
	}
	r := <-got
	if !r.ok || r.body["recipient"] != "+14155550101" || r.body["message"] != body || r.body["channel"] != "sms" {
		t.Fatalf("received %+v", r)
	}

	// Another key: the receiver refuses, and Send reports the refusal.
	other, _ := NewWebhook(srv.URL, []byte("another-secret-0123456789"), `{"recipient":{{.To}},"message":{{.Text}}}`, "X-Sms-Signature", srv.Client())
	if err := other.Send(context.Background(), phone.Number{E164: "+14155550101"}, "x"); err == nil {
		t.Fatal("a wrongly signed message was accepted")
	}
	if r := <-got; r.ok {
		t.Fatal("the receiver accepted a wrong signature")
	}
	// An old signature is refused too.
	old, _ := NewWebhook(srv.URL, secret, `{"recipient":{{.To}},"message":{{.Text}}}`, "X-Sms-Signature", srv.Client())
	old.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	if err := old.Send(context.Background(), phone.Number{E164: "+14155550101"}, "x"); err == nil {
		t.Fatal("a replayed (old) message was accepted")
	}
	<-got

	if _, err := NewWebhook(srv.URL, secret, `{"to":{{.To}`, "X", srv.Client()); err == nil {
		t.Fatal("a broken template was accepted")
	}
	bad, _ := NewWebhook(srv.URL, secret, `not json {{.To}}`, "X", srv.Client())
	if err := bad.Send(context.Background(), phone.Number{E164: "+14155550101"}, "x"); err == nil || strings.Contains(err.Error(), "+1415") {
		t.Fatalf("a template that makes no JSON: %v", err)
	}
}

func TestEmailGateway(t *testing.T) {
	var sent []notify.Message
	g := &EmailGateway{Domain: "sms.example.com", Mail: func(m notify.Message) { sent = append(sent, m) }}
	if err := g.Send(context.Background(), phone.Number{E164: "+14155550101"}, "Your code is 123456"); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].To[0] != "14155550101@sms.example.com" || sent[0].Text != "Your code is 123456" || sent[0].Kind != "text" {
		t.Fatalf("mailed %+v", sent)
	}
}
