package appnotify

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Duo is the Duo Auth API v2 as a Provider.
type Duo struct {
	// Host is the API host name (api-XXXXXXXX.duosecurity.com).
	Host           string
	IntegrationKey string
	SecretKey      string
	// SHA1 signs with HMAC-SHA1 instead of HMAC-SHA512.
	SHA1 bool
	// Client makes the requests; Scheme is "https" unless a test says so.
	Client *http.Client
	Scheme string
	Now    func() time.Time
}

var _ Provider = (*Duo)(nil)

// CallsBack implements Provider: Duo's outcome is polled.
func (*Duo) CallsBack() bool { return false }

// Ready implements Provider with preauth: the user must be enrolled
// ("auth") with a device that takes pushes.
func (d *Duo) Ready(ctx context.Context, ref string) error {
	var res struct {
		Result  string `json:"result"`
		Devices []struct {
			Capabilities []string `json:"capabilities"`
		} `json:"devices"`
	}
	if err := d.call(ctx, http.MethodPost, "/auth/v2/preauth", url.Values{"username": {ref}}, &res); err != nil {
		return err
	}
	if res.Result != "auth" {
		return fmt.Errorf("%w: duo preauth says %q", ErrNotReady, res.Result)
	}
	for _, dev := range res.Devices {
		if slices.Contains(dev.Capabilities, "push") {
			return nil
		}
	}
	return fmt.Errorf("%w: no duo device takes pushes", ErrNotReady)
}

// Send implements Provider: preauth, then auth with factor push, async.
func (d *Duo) Send(ctx context.Context, p Push) (string, error) {
	if err := d.Ready(ctx, p.Ref); err != nil {
		return "", err
	}
	info := url.Values{"number": {strconv.Itoa(p.Number)}}
	params := url.Values{"username": {p.Ref}, "factor": {"push"}, "device": {"auto"}, "async": {"1"},
		"pushinfo": {info.Encode()}}
	if p.Title != "" {
		params.Set("type", p.Title) // the push's first line
	}
	var res struct {
		TxID string `json:"txid"`
	}
	if err := d.call(ctx, http.MethodPost, "/auth/v2/auth", params, &res); err != nil {
		return "", err
	}
	if res.TxID == "" {
		return "", fmt.Errorf("appnotify: duo auth returned no txid")
	}
	return res.TxID, nil
}

// Status implements Provider with auth_status.
func (d *Duo) Status(ctx context.Context, txid string) (Outcome, error) {
	var res struct {
		Result string `json:"result"`
	}
	if err := d.call(ctx, http.MethodGet, "/auth/v2/auth_status", url.Values{"txid": {txid}}, &res); err != nil {
		return Pending, err
	}
	switch res.Result {
	case "allow":
		return Approved, nil
	case "deny":
		return Denied, nil
	case "waiting":
		return Pending, nil
	}
	return Pending, fmt.Errorf("appnotify: duo auth_status result %q", res.Result)
}

// call makes one signed request and decodes the "response" member of a
// {"stat": "OK"} answer into out.
func (d *Duo) call(ctx context.Context, method, path string, params url.Values, out any) error {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	date := now().UTC().Format(time.RFC1123Z)
	scheme := d.Scheme
	if scheme == "" {
		scheme = "https"
	}
	body := CanonParams(params)
	u := scheme + "://" + d.Host + path
	var rd io.Reader
	if method == http.MethodGet {
		u += "?" + body
	} else {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Date", date)
	req.SetBasicAuth(d.IntegrationKey, Sign(d.SecretKey, d.SHA1, date, method, d.Host, path, params))
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("appnotify: duo %s: %w", path, err)
	}
	defer resp.Body.Close()
	var env struct {
		Stat     string          `json:"stat"`
		Code     int             `json:"code"`
		Message  string          `json:"message"`
		Response json.RawMessage `json:"response"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&env); err != nil {
		return fmt.Errorf("appnotify: duo %s: status %d: %w", path, resp.StatusCode, err)
	}
	if env.Stat != "OK" {
		return fmt.Errorf("appnotify: duo %s: %d %s", path, env.Code, env.Message)
	}
	return json.Unmarshal(env.Response, out)
}

// Sign returns the hex HMAC (SHA-512, or SHA-1) of Duo's canonical request:
// the date, the upper-case method, the lower-case host, the path and the
// canonical parameters, one per line.
func Sign(secret string, useSHA1 bool, date, method, host, path string, params url.Values) string {
	canon := strings.Join([]string{date, strings.ToUpper(method), strings.ToLower(host), path, CanonParams(params)}, "\n")
	h := sha512.New
	if useSHA1 {
		h = func() hash.Hash { return sha1.New() }
	}
	m := hmac.New(h, []byte(secret))
	m.Write([]byte(canon))
	return hex.EncodeToString(m.Sum(nil))
}

// CanonParams encodes params as Duo canonicalises them: keys sorted, each
// key and value percent-encoded (RFC 3986: space as %20, "~" kept), joined
// with "&".
func CanonParams(params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		vs := slices.Clone(params[k])
		slices.Sort(vs)
		for _, v := range vs {
			parts = append(parts, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(parts, "&")
}

func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
