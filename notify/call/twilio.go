package call

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// Twilio places calls through Twilio Programmable Voice: a POST to
// Calls.json with inline TwiML that speaks the prompt in a <Gather> of one
// key. Twilio reports the key to Handler, on frontdoor's public URL, and
// the call's end to it too; Handler checks X-Twilio-Signature and a
// single-use token of frontdoor's own in the URL, and puts the outcome in
// Results, where Call, on whichever replica placed the call, finds it.
type Twilio struct {
	AccountSID string
	AuthToken  string
	From       string
	BaseURL    string
	Timeout    time.Duration
	// CallbackURL is the absolute public URL Handler is mounted at.
	CallbackURL string
	// Secret keys the callback tokens.
	Secret []byte
	// Prompt returns the words of the prompt in lang (the catalogues'
	// call.prompt), spoken by Twilio's <Say>.
	Prompt  func(lang string) string
	Results Results
	Once    Once
	Client  *http.Client
	Now     func() time.Time
	// Poll is how often Call looks for the outcome (default 500ms).
	Poll time.Duration
	Log  *slog.Logger
}

var _ Caller = (*Twilio)(nil)

// NewTwilio builds the driver from a validated configuration; the caller
// sets CallbackURL, Secret, Prompt, Results and Once.
func NewTwilio(c config.CallTwilio) *Twilio {
	return &Twilio{AccountSID: c.AccountSID, AuthToken: c.AuthToken, From: c.From,
		BaseURL: strings.TrimSuffix(c.BaseURL, "/"), Timeout: c.Timeout.D()}
}

func (t *Twilio) now() time.Time {
	if t.Now == nil {
		return time.Now()
	}
	return t.Now()
}

func (t *Twilio) timeout() time.Duration {
	if t.Timeout == 0 {
		return config.DefaultCallTimeout
	}
	return t.Timeout
}

// twilioLanguages maps catalogue languages to <Say> languages.
var twilioLanguages = map[string]string{"en": "en-US", "fr": "fr-FR", "de": "de-DE", "es": "es-ES", "ar": "arb"}

// Call implements Caller.
func (t *Twilio) Call(ctx context.Context, to, lang string) (Outcome, error) {
	if err := checkE164(to); err != nil {
		return "", err
	}
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	sayLang, ok := twilioLanguages[base]
	if !ok {
		base, sayLang = "en", twilioLanguages["en"]
	}
	ref := randomRef()
	expires := t.now().Add(2*t.timeout() + 2*time.Minute)
	gather := t.callbackURL(ref, "gather", expires)
	status := t.callbackURL(ref, "status", expires)
	secs := strconv.Itoa(int(t.timeout().Seconds()))
	// finishOnKey="" makes # a key like any other, not the end of input;
	// actionOnEmptyResult reports silence to the action too.
	twiml := `<Response><Gather input="dtmf" numDigits="1" finishOnKey="" timeout="` + secs +
		`" actionOnEmptyResult="true" method="POST" action="` + xmlEscape(gather) + `"><Say language="` + sayLang + `">` +
		xmlEscape(t.Prompt(base)) + `</Say></Gather></Response>`
	form := url.Values{"To": {to}, "From": {t.From}, "Twiml": {twiml}, "Timeout": {secs},
		"StatusCallback": {status}, "StatusCallbackMethod": {"POST"}}
	if err := t.create(ctx, form); err != nil {
		return "", err
	}
	poll := t.Poll
	if poll == 0 {
		poll = 500 * time.Millisecond
	}
	deadline := time.NewTimer(2*t.timeout() + time.Minute)
	defer deadline.Stop()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		o, ok, err := t.Results.Get(ctx, ref)
		if err != nil {
			return "", fmt.Errorf("call: twilio outcome: %w", err)
		}
		if ok {
			return o, nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-deadline.C:
			return "", errors.New("call: twilio reported no outcome in time")
		case <-tick.C:
		}
	}
}

// create POSTs the call to Calls.json.
func (t *Twilio) create(ctx context.Context, form url.Values) error {
	u := t.BaseURL + "/2010-04-01/Accounts/" + url.PathEscape(t.AccountSID) + "/Calls.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.SetBasicAuth(t.AccountSID, t.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := t.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("call: twilio: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(body, &e)
		return fmt.Errorf("call: twilio refused the call: %d, error %d: %s", resp.StatusCode, e.Code, e.Message)
	}
	return nil
}

// callbackURL is CallbackURL with a token naming the call, the kind of
// callback and its expiry, signed with Secret.
func (t *Twilio) callbackURL(ref, kind string, expires time.Time) string {
	payload := ref + "." + kind + "." + strconv.FormatInt(expires.Unix(), 10)
	sep := "?"
	if strings.Contains(t.CallbackURL, "?") {
		sep = "&"
	}
	return t.CallbackURL + sep + "t=" + payload + "." + t.sign(payload)
}

func (t *Twilio) sign(payload string) string {
	m := hmac.New(sha256.New, t.Secret)
	m.Write([]byte("twilio-callback\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// token checks a callback token: its signature and expiry.
func (t *Twilio) token(tok string) (ref, kind string, ok bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 4 {
		return "", "", false
	}
	payload := strings.Join(parts[:3], ".")
	if !hmac.Equal([]byte(t.sign(payload)), []byte(parts[3])) {
		return "", "", false
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || t.now().Unix() > exp {
		return "", "", false
	}
	return parts[0], parts[1], parts[1] == "gather" || parts[1] == "status"
}

func randomRef() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("call: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}
