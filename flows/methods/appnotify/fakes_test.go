package appnotify

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
)

// duoFake is a contract fake of the Duo Auth API v2, built from Duo's
// documentation: every request must carry a Date header and HTTP Basic
// credentials of the integration key and the hex HMAC of the canonical
// request (date, method, host, path, parameters), else 401 with code 40103.
// It knows three users: alice (a phone that takes pushes), nopush (a phone
// without pushes) and anyone else (not enrolled).
type duoFake struct {
	t          *testing.T
	srv        *httptest.Server
	ikey, skey string
	sha1       bool

	mu      sync.Mutex
	pushes  []url.Values // the auth requests
	results map[string]string
}

func newDuoFake(t *testing.T, useSHA1 bool) *duoFake {
	f := &duoFake{t: t, ikey: "DIWJ8X6AEYOR5OMC6TQ1", skey: "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep", sha1: useSHA1, results: map[string]string{}}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *duoFake) host() string { return f.srv.Listener.Addr().String() }

// provider is a Duo client of the fake.
func (f *duoFake) provider() *Duo {
	return &Duo{Host: f.host(), IntegrationKey: f.ikey, SecretKey: f.skey, SHA1: f.sha1, Client: f.srv.Client()}
}

func (f *duoFake) setResult(txid, result string) {
	f.mu.Lock()
	f.results[txid] = result
	f.mu.Unlock()
}

func (f *duoFake) lastPush() url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pushes) == 0 {
		return nil
	}
	return f.pushes[len(f.pushes)-1]
}

func (f *duoFake) fail(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"stat":"FAIL","code":%d,"message":%q}`, code, msg)
}

func (f *duoFake) ok(w http.ResponseWriter, response any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"stat": "OK", "response": response})
}

func (f *duoFake) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		f.fail(w, 400, 40000, "bad request")
		return
	}
	params := r.PostForm
	if r.Method == http.MethodGet {
		params = r.URL.Query()
	}
	if !f.signedBy(r, params) {
		f.fail(w, 401, 40103, "Invalid signature in request credentials")
		return
	}
	switch r.Method + " " + r.URL.Path {
	case "POST /auth/v2/preauth":
		switch params.Get("username") {
		case "alice":
			f.ok(w, map[string]any{"result": "auth", "status_msg": "Account is active",
				"devices": []map[string]any{{"device": "DPFZRS9FB0D46QFTM891", "type": "phone", "capabilities": []string{"auto", "push", "sms"}}}})
		case "nopush":
			f.ok(w, map[string]any{"result": "auth", "devices": []map[string]any{{"device": "DPFZRS9FB0D46QFTM892", "capabilities": []string{"sms"}}}})
		default:
			f.ok(w, map[string]any{"result": "enroll", "status_msg": "Enroll an authentication device to proceed"})
		}
	case "POST /auth/v2/auth":
		if params.Get("factor") != "push" || params.Get("async") != "1" || params.Get("username") != "alice" {
			f.fail(w, 400, 40002, "Invalid request parameters")
			return
		}
		f.mu.Lock()
		f.pushes = append(f.pushes, params)
		txid := fmt.Sprintf("45f7c92b-f45f-4862-8545-%012d", len(f.pushes))
		f.results[txid] = "waiting"
		f.mu.Unlock()
		f.ok(w, map[string]any{"txid": txid})
	case "GET /auth/v2/auth_status":
		f.mu.Lock()
		res, ok := f.results[params.Get("txid")]
		f.mu.Unlock()
		if !ok {
			f.fail(w, 400, 40002, "Invalid request parameters")
			return
		}
		f.ok(w, map[string]any{"result": res, "status": res})
	default:
		f.fail(w, 404, 40400, "Resource not found")
	}
}

// signedBy checks the request's credentials as Duo does, with an
// implementation of its own of the canonical form.
func (f *duoFake) signedBy(r *http.Request, params url.Values) bool {
	user, sig, ok := r.BasicAuth()
	date := r.Header.Get("Date")
	if !ok || user != f.ikey || date == "" {
		return false
	}
	var keys []string
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range params[k] {
			parts = append(parts, rfc3986(k)+"="+rfc3986(v))
		}
	}
	canon := date + "\n" + r.Method + "\n" + strings.ToLower(r.Host) + "\n" + r.URL.Path + "\n" + strings.Join(parts, "&")
	h := func() hash.Hash { return sha512.New() }
	if f.sha1 {
		h = sha1.New
	}
	m := hmac.New(h, []byte(f.skey))
	m.Write([]byte(canon))
	return hmac.Equal([]byte(sig), []byte(hex.EncodeToString(m.Sum(nil))))
}

func rfc3986(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ntfyFake is a contract fake of an ntfy server's JSON publishing: POST /
// with a JSON message naming its topic; with a token configured, requests
// without "Authorization: Bearer <token>" get 403.
type ntfyFake struct {
	srv   *httptest.Server
	token string

	mu   sync.Mutex
	msgs []ntfyMessage
}

func newNtfyFake(t *testing.T, token string) *ntfyFake {
	f := &ntfyFake{token: token}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/" {
			http.Error(w, `{"code":40401,"http":404,"error":"page not found"}`, 404)
			return
		}
		if f.token != "" && r.Header.Get("Authorization") != "Bearer "+f.token {
			http.Error(w, `{"code":40301,"http":403,"error":"forbidden"}`, 403)
			return
		}
		var m ntfyMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m.Topic == "" || len(m.Actions) > 3 {
			http.Error(w, `{"code":40001,"http":400,"error":"invalid request"}`, 400)
			return
		}
		f.mu.Lock()
		f.msgs = append(f.msgs, m)
		f.mu.Unlock()
		fmt.Fprintf(w, `{"id":"sPs71M8A2T","time":1700000000,"event":"message","topic":%q}`, m.Topic)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *ntfyFake) last(t *testing.T) ntfyMessage {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.msgs) == 0 {
		t.Fatal("nothing was published")
	}
	return f.msgs[len(f.msgs)-1]
}

func (f *ntfyFake) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.msgs) }
