package server

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// tcpRelay forwards loopback connections to target until cut, which closes
// every connection and refuses new ones until restore.
type tcpRelay struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func newTCPRelay(t *testing.T, target string) *tcpRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &tcpRelay{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); r.cut() })
	go r.serve()
	return r
}

func (r *tcpRelay) serve() {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		down := r.down
		r.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", r.target)
		if err != nil {
			c.Close()
			continue
		}
		r.mu.Lock()
		r.conns = append(r.conns, c, up)
		r.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

func (r *tcpRelay) cut() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = true
	for _, c := range r.conns {
		c.Close()
	}
	r.conns = nil
}

func (r *tcpRelay) restore() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = false
}

// TestStoreDownFailsClosed: the PostgreSQL store goes away between the
// mailed code and its entry. The right code is answered with an error page
// (5xx), not the new-password form; the new password posted straight away
// is refused and written nowhere; /readyz says the store is down. With the
// store back, the same code, not consumed, opens the form.
func TestStoreDownFailsClosed(t *testing.T) {
	dsn := testenv.Require(t, "postgres", "POSTGRES_URL")[0]
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	relay := newTCPRelay(t, u.Host)
	u.Host = relay.ln.Addr().String()
	cfg := testConfig(t)
	cfg.Store.Driver, cfg.Store.DSN = "postgres", u.String()
	fd := startFrontdoor(t, cfg)
	login, mail, old := slapdUser(t)
	c := browser(t)
	body, code := fd.atCode(t, c, login, mail)
	token := csrf(t, body)

	relay.cut()
	status, _, errPage := page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {token}, "code": {code}})
	if status != http.StatusServiceUnavailable || strings.Contains(errPage, `name="confirm"`) {
		t.Errorf("the right code with the store down: status %d, want 503 and no new-password form\n%s", status, errPage)
	}
	pw := "Store-Down-Juniper-47"
	if status, _, _ := page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {token}, "password": {pw}, "confirm": {pw}}); status < 400 {
		t.Errorf("the new password with the store down: status %d, want an error", status)
	}
	resp, err := http.Get("http://" + fd.srv.cfg.Server.MetricsListen + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	ready, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(ready), "store") {
		t.Errorf("/readyz with the store down: %d %q, want 503 naming the store", resp.StatusCode, ready)
	}
	if err := slapdBind(t, login, pw); err == nil {
		t.Fatal("the new password binds: it was written with the store down")
	}
	if err := slapdBind(t, login, old); err != nil {
		t.Fatalf("the old password no longer binds: %v", err)
	}

	relay.restore()
	if _, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/verify", url.Values{"csrf_token": {token}, "code": {code}}); !strings.Contains(body, `name="confirm"`) {
		t.Errorf("the same code with the store back does not open the new-password form:\n%s", body)
	}
}
