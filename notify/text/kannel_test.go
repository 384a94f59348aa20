package text

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/phone"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestKannelDeliversToTheSMSC sends through the testenv Kannel and reads the
// message where Kannel's test SMSC, fakesmsc, received it.
func TestKannelDeliversToTheSMSC(t *testing.T) {
	kn := testenv.RequireKannel(t)
	to := phone.Number{E164: "+1415555" + last4(), Region: "US"}
	k := &Kannel{URL: kn.SendSMSURL, Username: kn.Username, Password: kn.Password, From: "frontdoor", HTTP: &http.Client{Timeout: 10 * time.Second}}
	before := len(kn.Texts(t, to.E164))
	if err := k.Send(context.Background(), to, "Your code is 123456"); err != nil {
		t.Fatal(err)
	}
	got := kn.WaitText(t, to.E164, before)
	if got.Body != "Your code is 123456" || got.From != "frontdoor" {
		t.Fatalf("fakesmsc received %+v", got)
	}
	// Accents and other scripts go as UCS-2 and arrive intact.
	for i, body := range []string{"Votre code 654321 expire à 10 h", "رمز التحقق 654321"} {
		if err := k.Send(context.Background(), to, body); err != nil {
			t.Fatal(err)
		}
		if got := kn.WaitText(t, to.E164, before+1+i); got.Body != body {
			t.Errorf("fakesmsc received %q, want %q", got.Body, body)
		}
	}
}

func TestKannelRefusalHidesTheCredentials(t *testing.T) {
	kn := testenv.RequireKannel(t)
	k := &Kannel{URL: kn.SendSMSURL, Username: kn.Username, Password: "wrong-password-xyz", HTTP: &http.Client{Timeout: 10 * time.Second}}
	err := k.Send(context.Background(), phone.Number{E164: "+14155550199"}, "x")
	var se *StatusError
	if !errors.As(err, &se) || se.Status/100 != 4 {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-password") || strings.Contains(err.Error(), "4155550199") {
		t.Errorf("the error shows the password or the number: %v", err)
	}
	k.URL = "http://127.0.0.1:1/cgi-bin/sendsms"
	if err := k.Send(context.Background(), phone.Number{E164: "+14155550199"}, "x"); err == nil || strings.Contains(err.Error(), "wrong-password") || strings.Contains(err.Error(), "4155550199") {
		t.Errorf("unreachable gateway: %v", err)
	}
}

// last4 gives each run numbers of its own: the SMSC log is shared.
func last4() string {
	return time.Now().Format("0405")
}

// TestKannelKeepsSecretsOutOfTheURL: the password, the number and the text
// (the code) travel in the headers and the body, never in the URL that
// Kannel's access log and any proxy record.
func TestKannelKeepsSecretsOutOfTheURL(t *testing.T) {
	var seen *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, body = r, must(io.ReadAll(r.Body))
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	k := &Kannel{URL: srv.URL + "/cgi-bin/sendsms", Username: "fd", Password: "pw-secret-1", HTTP: srv.Client()}
	if err := k.Send(context.Background(), phone.Number{E164: "+14155550101"}, "code 123456"); err != nil {
		t.Fatal(err)
	}
	if u := seen.URL.String(); strings.Contains(u, "pw-secret-1") || strings.Contains(u, "4155550101") || strings.Contains(u, "123456") {
		t.Errorf("the URL holds a secret: %s", u)
	}
	if seen.Method != http.MethodPost || string(body) != "code 123456" || seen.Header.Get("X-Kannel-To") != "+14155550101" {
		t.Errorf("request %s, body %q, to %q", seen.Method, body, seen.Header.Get("X-Kannel-To"))
	}
}

func must[T any](v T, _ error) T { return v }
