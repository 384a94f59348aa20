package ldap

import (
	"crypto/tls"
	"io"
	"net"
	"slices"
	"sync"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/idptest"
)

// Protocol operations of RFC 4511, as application tags.
const (
	opBind     = 0
	opSearch   = 3
	opModify   = 6
	opExtended = 23
)

// opCounter takes LDAPS connections, forwards them in plain LDAP to a
// server and records the protocol operation of every request the client
// sends. caFile is the certificate to trust it with.
type opCounter struct {
	l      net.Listener
	caFile string
	mu     sync.Mutex
	ops    []int
}

func newOpCounter(t *testing.T, target string) *opCounter {
	t.Helper()
	cert, caFile := idptest.LoopbackTLS(t)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	p := &opCounter{l: l, caFile: caFile}
	var conns sync.WaitGroup
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			conns.Add(2)
			go func() { defer conns.Done(); p.forward(c, s); s.Close() }()
			go func() { defer conns.Done(); _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
	t.Cleanup(func() { l.Close(); conns.Wait() })
	return p
}

// forward reads LDAPMessages (messageID, protocolOp, controls) from the
// client until it closes, and records each one's operation before passing it
// on, so that an operation is counted before its answer can arrive.
func (p *opCounter) forward(client io.Reader, server io.Writer) {
	for {
		msg, err := ber.ReadPacket(client)
		if err != nil {
			return
		}
		if len(msg.Children) >= 2 {
			p.mu.Lock()
			p.ops = append(p.ops, int(msg.Children[1].Tag))
			p.mu.Unlock()
		}
		if _, err := server.Write(msg.Bytes()); err != nil {
			return
		}
	}
}

// take returns the operations recorded since the last take, binds left out.
func (p *opCounter) take() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := slices.DeleteFunc(p.ops, func(op int) bool { return op == opBind })
	p.ops = nil
	return out
}

// TestOpenLDAPResetRoundTrips counts what a reset asks of slapd once the
// user has been looked up: one read of the entry (lock, current password and
// history together) and the Password Modify; a lockout kept through the
// reset adds the modify that writes it back.
func TestOpenLDAPResetRoundTrips(t *testing.T) {
	s, plainURL := slapd(t)
	u, err := net.ResolveTCPAddr("tcp", plainURL[len("ldap://"):])
	if err != nil {
		t.Fatal(err)
	}
	p := newOpCounter(t, u.String())
	cfg := s.cfg
	cfg.URLs, cfg.CAFile = []string{"ldaps://" + p.l.Addr().String()}, p.caFile
	d := newDirectory(t, cfg)

	login, _ := addPerson(t, s, "fdtrips", nil)
	locked, _ := addPerson(t, s, "fdtripslock", map[string]string{"pwdAccountLockedTime": "20260101000000Z"})
	tests := []struct {
		login string
		want  []int
	}{
		{login, []int{opSearch, opExtended}},
		{locked, []int{opSearch, opExtended, opModify}},
	}
	for _, tt := range tests {
		user, err := d.Lookup(t.Context(), tt.login)
		if err != nil {
			t.Fatal(err)
		}
		p.take()
		if err := d.SetPassword(t.Context(), user, "Round-Trip-2026!", idp.SetOptions{}); err != nil {
			t.Fatalf("reset %s: %v", tt.login, err)
		}
		if got := p.take(); !slices.Equal(got, tt.want) {
			t.Errorf("reset of %s sent operations %v; want %v (3 search, 6 modify, 23 extended)", tt.login, got, tt.want)
		}
	}
}
