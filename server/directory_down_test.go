package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// ldapTap is an LDAP relay between frontdoor and the testenv slapd that a
// test can cut and mend: a real network failure, not a fake directory. It
// ends frontdoor's TLS with a certificate of its own (frontdoor trusts its
// CA, caFile), reads every request frontdoor sends as an LDAP message, and
// forwards it to slapd's plain listener. So the test sees which operations
// reached the wire, and can cut the line at an exact one.
type ldapTap struct {
	t      *testing.T
	addr   string
	caFile string
	target string
	tls    *tls.Config
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
	seen   []ldapOp
	cutOn  func(ldapOp) bool
	loseOn func(ldapOp) bool
}

// ldapOp is one request seen on the wire.
type ldapOp struct {
	Tag ber.Tag
	// Base is a search's base DN, Name an extended operation's OID.
	Base, Name string
	// Raw is the whole message, as sent.
	Raw []byte
}

func (o ldapOp) passwordModify() bool {
	return o.Tag == ldap.ApplicationExtendedRequest && o.Name == "1.3.6.1.4.1.4203.1.11.1"
}

func newLDAPTap(t *testing.T, target string) *ldapTap {
	tap := &ldapTap{t: t, target: target}
	tap.tls, tap.caFile = tapCertificate(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tap.addr = ln.Addr().String()
	tap.serve(ln)
	t.Cleanup(tap.cut)
	return tap
}

// tapCertificate makes a CA and a certificate for 127.0.0.1 it signed, and
// returns the server side and the CA's file.
func tapCertificate(t *testing.T) (*tls.Config, string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ldap tap CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "tap-ca.crt")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER}, PrivateKey: key}}}, caFile
}

func (tap *ldapTap) serve(ln net.Listener) {
	tap.mu.Lock()
	tap.ln = ln
	tap.mu.Unlock()
	go func() {
		for {
			raw, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", tap.target)
			if err != nil {
				raw.Close()
				continue
			}
			in := tls.Server(raw, tap.tls)
			tap.mu.Lock()
			tap.conns = append(tap.conns, in, out)
			tap.mu.Unlock()
			drop := new(atomic.Bool)
			go replies(in, out, drop)
			go tap.relay(in, out, drop)
		}
	}()
}

// replies copies slapd's answers to frontdoor until drop is set: then the
// next answer is thrown away and both sides of the line are closed, so that
// the request it answers was carried out but frontdoor never learns so.
func replies(in, out net.Conn, drop *atomic.Bool) {
	defer in.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := out.Read(buf)
		if n > 0 && drop.Load() {
			out.Close()
			return
		}
		if n > 0 {
			if _, werr := in.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// relay reads frontdoor's requests one message at a time and forwards
// them, unless the message is the one to cut at, or the one whose answer to
// lose.
func (tap *ldapTap) relay(in, out net.Conn, drop *atomic.Bool) {
	for {
		p, err := ber.ReadPacket(in)
		if err != nil {
			out.Close()
			return
		}
		op := ldapOp{Raw: p.Bytes()}
		if len(p.Children) >= 2 {
			req := p.Children[1]
			op.Tag = req.Tag
			if len(req.Children) > 0 {
				switch req.Tag {
				case ldap.ApplicationSearchRequest:
					op.Base = req.Children[0].Data.String()
				case ldap.ApplicationExtendedRequest:
					op.Name = req.Children[0].Data.String()
				}
			}
		}
		tap.mu.Lock()
		tap.seen = append(tap.seen, op)
		cut := tap.cutOn != nil && tap.cutOn(op)
		if cut {
			tap.cutOn = nil
		}
		lose := tap.loseOn != nil && tap.loseOn(op)
		if lose {
			tap.loseOn = nil
		}
		tap.mu.Unlock()
		if cut {
			out.Close()
			tap.cut()
			return
		}
		if lose {
			drop.Store(true) // slapd carries it out; replies drops the answer and closes the line
			out.Write(op.Raw)
			return
		}
		if _, err := out.Write(op.Raw); err != nil {
			out.Close()
			return
		}
	}
}

// loseAnswerAt makes the tap forward the next request for which at returns
// true, and then lose slapd's answer to it and close the connection it came
// on: the operation is done, and frontdoor sees only a broken line. The
// listener stays open.
func (tap *ldapTap) loseAnswerAt(at func(ldapOp) bool) {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	tap.loseOn = at
}

// cutAt makes the tap cut the line when it reads a request for which at
// returns true: that request goes no further.
func (tap *ldapTap) cutAt(at func(ldapOp) bool) {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	tap.cutOn = at
}

// seenSince returns the requests read after the first n.
func (tap *ldapTap) seenSince(n int) []ldapOp {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return append([]ldapOp(nil), tap.seen[n:]...)
}

// count returns the number of requests read so far.
func (tap *ldapTap) count() int {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return len(tap.seen)
}

// frontdoorBehindTap starts frontdoor (testConfig) with the testenv slapd
// reached through a new tap, logging to logw when it is not nil.
func frontdoorBehindTap(t *testing.T, logw io.Writer) (*frontdoor, *ldapTap) {
	t.Helper()
	u, err := url.Parse(testenv.Require(t, "slapd", "SLAPD_URL")[0])
	if err != nil {
		t.Fatal(err)
	}
	tap := newLDAPTap(t, u.Host)
	cfg := testConfig(t)
	lc := ldapConfig(cfg)
	lc.URLs, lc.CAFile = []string{"ldaps://" + tap.addr}, tap.caFile
	return startFrontdoorLogging(t, cfg, logw), tap
}

// passwordWritesSince counts the Password Modify requests read after the
// first n.
func (tap *ldapTap) passwordWritesSince(n int) int {
	writes := 0
	for _, op := range tap.seenSince(n) {
		if op.passwordModify() {
			writes++
		}
	}
	return writes
}

// cut closes the listener and every connection through it: the directory
// is unreachable until mend.
func (tap *ldapTap) cut() {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	if tap.ln != nil {
		tap.ln.Close()
		tap.ln = nil
	}
	for _, c := range tap.conns {
		c.Close()
	}
	tap.conns = nil
}

// mend listens again on the same address.
func (tap *ldapTap) mend() {
	ln, err := net.Listen("tcp", tap.addr)
	if err != nil {
		tap.t.Fatal(err)
	}
	tap.serve(ln)
}

// TestResetDirectoryDownAtWrite: the directory answers the re-read of the
// account and is cut during the password write itself, the Password Modify
// on the wire going no further. The user is told to retry, nothing is
// consumed, and the retry succeeds once the directory is back.
func TestResetDirectoryDownAtWrite(t *testing.T) {
	d := testenv.Require(t, "slapd", "SLAPD_URL", "SLAPD_BASE_DN")
	fd, tap := frontdoorBehindTap(t, nil)
	login, mail, oldPassword := slapdUser(t)
	c, body := resetWalk(t, fd, login, mail)
	pw := "Unplugged-Cable-" + time.Now().Format("150405.000") + "!"

	before := tap.count()
	tap.cutAt(ldapOp.passwordModify)
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if status != 503 || !strings.Contains(body, "couldn&#39;t reach the directory") {
		t.Fatalf("directory cut at the write: status %d\n%s", status, body)
	}
	ops := tap.seenSince(before)
	at := slices.IndexFunc(ops, ldapOp.passwordModify)
	if at < 0 {
		t.Fatalf("the write never reached the wire: requests %v", tags(ops))
	}
	// After it, frontdoor may read the account back (to learn whether the
	// write was carried out) on a pooled line not yet cut, but writes nothing.
	for _, op := range ops[at+1:] {
		if op.Tag == ldap.ApplicationExtendedRequest || op.Tag == ldap.ApplicationModifyRequest {
			t.Fatalf("a write after the cut one: requests %v", tags(ops))
		}
	}
	reread := false
	for _, op := range ops[:at] {
		reread = reread || (op.Tag == ldap.ApplicationSearchRequest && op.Base == d[1] && strings.Contains(string(op.Raw), login))
	}
	t.Logf("requests of the failed write: %v", tags(ops))
	if !reread {
		t.Fatalf("no re-read of the account before the write: requests %v", tags(ops))
	}
	if step := fd.flowStep(t, c, "reset"); step != "password" {
		t.Fatalf("after the failed write the flow is at %q, want password", step)
	}
	if err := slapdBind(t, login, oldPassword); err != nil {
		t.Fatalf("the old password no longer binds: %v", err)
	}

	tap.mend()
	before = tap.count()
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if !strings.Contains(body, "Your password has been reset") {
		t.Fatalf("retry after the directory came back:\n%s", body)
	}
	if ops := tap.seenSince(before); !slices.ContainsFunc(ops, ldapOp.passwordModify) {
		t.Fatalf("the retry wrote nothing through the tap: requests %v", tags(ops))
	}
	if err := slapdBind(t, login, pw); err != nil {
		t.Fatalf("new password does not bind: %v", err)
	}
}

// TestResetWriteAnswerLost: slapd carries out the Password Modify, but
// its answer is lost and the line breaks. frontdoor reads the account back,
// sees the password changed, and tells the user it was reset: not "try
// again", which would have them choose and write a second password.
func TestResetWriteAnswerLost(t *testing.T) {
	var logs syncBuffer
	fd, tap := frontdoorBehindTap(t, &logs)
	login, mail, _ := slapdUser(t)
	c, body := resetWalk(t, fd, login, mail)
	pw := "Lost-Answer-Lighthouse-" + time.Now().Format("150405.000") + "!"

	before := tap.count()
	tap.loseAnswerAt(ldapOp.passwordModify)
	status, _, body := page(t, c, "POST", fd.URL+"/.frontdoor/reset/password", url.Values{"csrf_token": {csrf(t, body)}, "password": {pw}, "confirm": {pw}})
	if status != 200 || !strings.Contains(body, "has been reset") {
		t.Fatalf("write carried out, answer lost: status %d, want the done page\n%s", status, body)
	}
	if writes := tap.passwordWritesSince(before); writes != 1 {
		t.Errorf("%d Password Modify requests, want 1", writes)
	}
	if !strings.Contains(logs.String(), "the answer to the password write was lost") {
		t.Error("no log line says the answer was lost")
	}
	if err := slapdBind(t, login, pw); err != nil {
		t.Errorf("new password does not bind: %v", err)
	}
	if step := fd.flowStep(t, c, "reset"); step != "done" {
		t.Errorf("the flow is at %q, want done", step)
	}
}

// tags names the requests for a failure message.
func tags(ops []ldapOp) []string {
	names := map[ber.Tag]string{ldap.ApplicationBindRequest: "bind", ldap.ApplicationSearchRequest: "search",
		ldap.ApplicationModifyRequest: "modify", ldap.ApplicationExtendedRequest: "extended", ldap.ApplicationUnbindRequest: "unbind"}
	var out []string
	for _, op := range ops {
		n, ok := names[op.Tag]
		if !ok {
			n = fmt.Sprintf("op%d", op.Tag)
		}
		out = append(out, n)
	}
	return out
}
