package testenv

import (
	"bufio"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// Kannel is the testenv SMS gateway: Kannel's smsbox with its HTTP sendsms
// interface, in front of Kannel's test SMSC, fakesmsc, whose log of the
// messages it received the tests read. Every package's tests share one
// Kannel, so tests should text numbers of their own.
type Kannel struct {
	// SendSMSURL is smsbox's sendsms address, for the code under test.
	SendSMSURL string
	Username   string
	Password   string
	// Messages is the file fakesmsc logs every received message to.
	Messages string
}

// Text is one message as fakesmsc received it.
type Text struct {
	From, To, Body string
}

// RequireKannel returns the testenv Kannel, or stops the test as Require does.
func RequireKannel(t testing.TB) Kannel {
	t.Helper()
	v := Require(t, "kannel", "KANNEL_SENDSMS_URL", "KANNEL_USERNAME", "KANNEL_PASSWORD", "KANNEL_MESSAGES")
	k := Kannel{SendSMSURL: v[0], Username: v[1], Password: v[2], Messages: v[3]}
	if _, err := os.Stat(k.Messages); err != nil {
		msg := "testenv: kannel's message log is missing; start it with `testenv/up.sh kannel`: " + err.Error()
		if InCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return k
}

// gotMessage is fakesmsc's line for a message: "Got message N: <FROM TO
// text BODY>", or "ucs-2 BODY" with BODY the URL-encoded UTF-16 bytes.
var gotMessage = regexp.MustCompile(`Got message \d+: <(\S+) (\S+) (text|ucs-2) (.*)>$`)

// fakesmscBody decodes a message body as fakesmsc logs it.
func fakesmscBody(coding, body string) string {
	if coding == "text" {
		return body
	}
	raw, err := url.QueryUnescape(body)
	if err != nil || len(raw)%2 != 0 {
		return body
	}
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
	}
	return string(utf16.Decode(u))
}

// Texts returns every message fakesmsc has received for to (E.164), oldest
// first.
func (k Kannel) Texts(t testing.TB, to string) []Text {
	t.Helper()
	f, err := os.Open(k.Messages)
	if err != nil {
		t.Fatalf("testenv: reading kannel messages: %v", err)
	}
	defer f.Close()
	var out []Text
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := gotMessage.FindStringSubmatch(strings.TrimRight(sc.Text(), "\r"))
		if m != nil && m[2] == to {
			out = append(out, Text{From: m[1], To: m[2], Body: fakesmscBody(m[3], m[4])})
		}
	}
	return out
}

// WaitText waits up to 15 s for the message to number to past the first
// skip ones (the count of Texts before the action) and returns it.
func (k Kannel) WaitText(t testing.TB, to string, skip int) Text {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if ts := k.Texts(t, to); len(ts) > skip {
			return ts[skip]
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: no text message to %s reached fakesmsc within 15s", to)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
