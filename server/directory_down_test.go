package server

import (
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// cable is a TCP forwarder between frontdoor and the directory that a test can
// cut and mend: a real network failure, not a fake directory.
type cable struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newCable(t *testing.T, target string) *cable {
	c := &cable{t: t, target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = ln.Addr().String()
	c.serve(ln)
	t.Cleanup(c.cut)
	return c
}

func (c *cable) serve(ln net.Listener) {
	c.mu.Lock()
	c.ln = ln
	c.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", c.target)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
}

// cut closes the listener and every connection through it.
func (c *cable) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ln != nil {
		c.ln.Close()
		c.ln = nil
	}
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

// mend listens again on the same address.
func (c *cable) mend() {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		c.t.Fatal(err)
	}
	c.serve(ln)
}

// TestResetDirectoryDownAtWrite: when the directory cannot be reached at the
// write, the user is told to retry, nothing is consumed, and the retry
// succeeds once the directory is back.
func TestResetDirectoryDownAtWrite(t *testing.T) {
	ldaps := testenv.Require(t, "slapd", "SLAPD_LDAPS_URL")[0]
	u, _ := url.Parse(ldaps)
	wire := newCable(t, u.Host)
	cfg := testConfig(t)
	ldapConfig(cfg).URLs = []string{"ldaps://" + wire.addr}
	fd := startFrontdoor(t, cfg)
	login, mail, oldPassword := slapdUser(t)
	c, body := resetWalk(t, fd, login, mail)
	pw := "Unplugged-Cable-" + time.Now().Format("150405.000") + "!"

	wire.cut()
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if status != 503 || !strings.Contains(body, "couldn&#39;t reach the directory") {
		t.Fatalf("directory down: status %d\n%s", status, body)
	}
	if step := fd.flowStep(t, c, "reset"); step != "password" {
		t.Fatalf("after the failed write the flow is at %q, want password", step)
	}
	if err := slapdBind(t, login, oldPassword); err != nil {
		t.Fatalf("the old password no longer binds: %v", err)
	}

	wire.mend()
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("retry after the directory came back:\n%s", body)
	}
	if err := slapdBind(t, login, pw); err != nil {
		t.Fatalf("new password does not bind: %v", err)
	}
}
