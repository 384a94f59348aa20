package ldap

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
)

// server is a real directory from testenv, with its administrator.
type server struct {
	cfg       Config
	adminDN   string
	adminPass string
}

// dialAdmin connects as the directory's administrator.
func (s server) dialAdmin(t *testing.T) *ldap.Conn {
	t.Helper()
	c, err := dialAs(s.cfg, s.adminDN, s.adminPass)
	if err != nil {
		t.Fatalf("bind as the directory administrator: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dialAs binds to the server's first URL, verifying TLS with its CA.
func dialAs(cfg Config, dn, password string) (*ldap.Conn, error) {
	pemBytes, err := os.ReadFile(cfg.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	c, err := ldap.DialURL(cfg.URLs[0], ldap.DialWithTLSConfig(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}))
	if err != nil {
		return nil, err
	}
	if err := c.Bind(dn, password); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// fixture builds the conformance fixture for a server.
func (s server) fixture(t *testing.T, newUser func(t *testing.T, login, mail, password string)) idptest.Fixture {
	t.Helper()
	d := newDirectory(t, s.cfg)
	unreachable := s.cfg
	unreachable.URLs = []string{"ldaps://" + closedAddr(t)}
	wrongCA := s.cfg
	wrongCA.CAFile = otherCA(t)
	return idptest.Fixture{
		Backend:     d,
		Unreachable: newDirectory(t, unreachable),
		WrongCA:     newDirectory(t, wrongCA),
		Bind: func(u idp.User, password string) error {
			c, err := dialAs(s.cfg, u.DN, password)
			if err == nil {
				c.Close()
			}
			return err
		},
		NewUser: newUser,
	}
}

func newDirectory(t *testing.T, cfg Config) *Directory {
	t.Helper()
	d, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// otherCA writes a CA certificate that signed nothing the servers use.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "not the directory's CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// testTransport checks what both dialects share: StartTLS, failover between
// URLs, refusal of a wrong service password, and the RootDSE dialect check.
func testTransport(t *testing.T, s server, plainURL string, other Dialect) {
	lookup := func(cfg Config) error {
		_, err := newDirectory(t, cfg).Lookup(t.Context(), "alice")
		return err
	}
	startTLS := s.cfg
	startTLS.URLs, startTLS.StartTLS = []string{plainURL}, true
	failover := s.cfg
	failover.URLs = []string{"ldaps://" + closedAddr(t), s.cfg.URLs[0]}
	badPassword := s.cfg
	badPassword.BindPassword = "not-the-service-password"
	wrongType := s.cfg
	wrongType.Dialect = other
	tests := []struct {
		name string
		cfg  Config
		want error // nil: the lookup succeeds
	}{
		{"StartTLS", startTLS, nil},
		{"failover to the second URL", failover, nil},
		{"wrong service password", badPassword, idp.ErrUnavailable},
		{"other directory type", wrongType, ErrDialect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := lookup(tt.cfg)
			if (tt.want == nil && err != nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Lookup = %v; want %v", err, tt.want)
			}
		})
	}
	t.Run("dropped connections", func(t *testing.T) { testDroppedConnections(t, s) })
	t.Run("Check", func(t *testing.T) {
		if err := newDirectory(t, s.cfg).Check(t.Context()); err != nil {
			t.Errorf("Check = %v", err)
		}
	})
}

// proxy forwards TCP connections to a real server and can cut them, to test
// what the pool does when connections die.
type proxy struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, target: target}
	go p.serve()
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(s, c); s.Close() }()
		go func() { _, _ = io.Copy(c, s); c.Close() }()
	}
}

// cut closes every connection made so far.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// stop refuses new connections and cuts the open ones.
func (p *proxy) stop() {
	p.l.Close()
	p.cut()
}

// testDroppedConnections cuts the pooled connections between operations,
// then takes the server away, then cancels a context.
func testDroppedConnections(t *testing.T, s server) {
	u, err := url.Parse(s.cfg.URLs[0])
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	cfg := s.cfg
	cfg.URLs = []string{"ldaps://" + p.l.Addr().String()}
	d := newDirectory(t, cfg)
	if _, err := d.Lookup(t.Context(), "alice"); err != nil {
		t.Fatalf("Lookup through the proxy: %v", err)
	}
	p.cut()
	if _, err := d.Lookup(t.Context(), "alice"); err != nil {
		t.Fatalf("Lookup after the pooled connection was cut: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := d.Lookup(ctx, "alice"); !errors.Is(err, idp.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("Lookup with a cancelled context = %v; want ErrUnavailable and context.Canceled", err)
	}
	p.stop()
	if _, err := d.Lookup(t.Context(), "alice"); !errors.Is(err, idp.ErrUnavailable) {
		t.Errorf("Lookup with the server gone = %v; want ErrUnavailable", err)
	}
}

// uniq returns prefix with a random suffix, for throwaway entries.
func uniq(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}
