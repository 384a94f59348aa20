package notify

import (
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// relay is an SMTP server in the test's process that counts the sessions
// opened to it and keeps the messages it accepted.
type relay struct {
	mu       sync.Mutex
	sessions int
	ended    int // sessions ended (QUIT or the connection closed)
	messages []string
	conns    []net.Conn
	srv      *smtp.Server
	addr     *net.TCPAddr
}

func startRelay(t *testing.T) *relay {
	t.Helper()
	r := &relay{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().(*net.TCPAddr)
	r.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		r.mu.Lock()
		r.sessions++
		r.mu.Unlock()
		return &relaySession{r: r}, nil
	}))
	r.srv.Domain = "relay.test"
	r.srv.AllowInsecureAuth = true
	go r.srv.Serve(&trackingListener{Listener: ln, r: r})
	t.Cleanup(func() { r.srv.Close() })
	return r
}

// dropConnections closes every connection from the server's side, as a
// relay does with sessions idle for too long.
func (r *relay) dropConnections() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		c.Close()
	}
	r.conns = nil
}

// endedSessions waits up to a second for n sessions to have ended, and
// returns how many did.
func (r *relay) endedSessions(n int) int {
	for deadline := time.Now().Add(time.Second); ; time.Sleep(10 * time.Millisecond) {
		r.mu.Lock()
		ended := r.ended
		r.mu.Unlock()
		if ended >= n || time.Now().After(deadline) {
			return ended
		}
	}
}

func (r *relay) counts() (sessions int, messages []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sessions, append([]string(nil), r.messages...)
}

type trackingListener struct {
	net.Listener
	r *relay
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.r.mu.Lock()
		l.r.conns = append(l.r.conns, c)
		l.r.mu.Unlock()
	}
	return c, err
}

type relaySession struct{ r *relay }

func (s *relaySession) Reset() {}
func (s *relaySession) Logout() error {
	s.r.mu.Lock()
	s.r.ended++
	s.r.mu.Unlock()
	return nil
}
func (s *relaySession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *relaySession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	s.r.messages = append(s.r.messages, string(b))
	s.r.mu.Unlock()
	return nil
}

func newTestSMTP(t *testing.T, r *relay) *SMTP { return newTestSMTPTimes(t, r, smtpTimeout, maxIdle) }

func newTestSMTPTimes(t *testing.T, r *relay, timeout, maxIdle time.Duration) *SMTP {
	t.Helper()
	m, err := newSMTP(config.Email{From: "frontdoor <no-reply@example.test>",
		SMTP: config.SMTP{Host: "127.0.0.1", Port: r.addr.Port, TLS: "none", Connections: 2}}, timeout, maxIdle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func sendNumbered(t *testing.T, m *SMTP, n int) {
	t.Helper()
	err := m.Send(context.Background(), Message{To: []string{"alice@example.test"}, Subject: "message " + strconv.Itoa(n),
		Text: "body " + strconv.Itoa(n), Kind: "test"})
	if err != nil {
		t.Fatalf("Send(%d) = %v", n, err)
	}
}

func TestSMTPKeepsItsSession(t *testing.T) {
	r := startRelay(t)
	m := newTestSMTP(t, r)
	for i := range 5 {
		sendNumbered(t, m, i)
	}
	sessions, messages := r.counts()
	if len(messages) != 5 {
		t.Fatalf("the relay got %d messages, want 5", len(messages))
	}
	if sessions != 1 {
		t.Errorf("5 messages one after the other opened %d sessions, want 1", sessions)
	}
}

func TestSMTPSessionClosedByTheRelay(t *testing.T) {
	r := startRelay(t)
	m := newTestSMTP(t, r)
	sendNumbered(t, m, 1)
	r.dropConnections()
	time.Sleep(50 * time.Millisecond) // the close reaches the client's socket
	sendNumbered(t, m, 2)
	sessions, messages := r.counts()
	if len(messages) != 2 || !strings.Contains(messages[1], "body 2") {
		t.Fatalf("the relay got %d messages (%q), want message 1 then 2, each once", len(messages), messages)
	}
	if sessions != 2 {
		t.Errorf("%d sessions, want 2: the closed one, then a new one", sessions)
	}
}

func TestSMTPSessionsAtOnce(t *testing.T) {
	r := startRelay(t)
	m := newTestSMTP(t, r)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { sendNumbered(t, m, i) })
	}
	wg.Wait()
	if _, messages := r.counts(); len(messages) != 8 {
		t.Fatalf("the relay got %d messages, want 8", len(messages))
	}
	// At most two sessions are kept (email.smtp.connections): the next
	// messages, one after the other, open none.
	before, _ := r.counts()
	for i := range 4 {
		sendNumbered(t, m, 10+i)
	}
	if after, _ := r.counts(); after != before {
		t.Errorf("4 messages after the burst opened %d more sessions, want 0", after-before)
	}
	if n := len(m.idle); n > 2 {
		t.Errorf("%d sessions kept, want at most 2", n)
	}
	m.Close()
	if n := len(m.idle); n != 0 {
		t.Errorf("Close left %d sessions", n)
	}
}

// A session idle for longer than one exchange may take is still used: the
// deadline of its last exchange is behind it.
func TestSMTPSessionKeptPastItsDeadline(t *testing.T) {
	r := startRelay(t)
	m := newTestSMTPTimes(t, r, 200*time.Millisecond, 10*time.Second)
	sendNumbered(t, m, 1)
	time.Sleep(400 * time.Millisecond)
	sendNumbered(t, m, 2)
	if sessions, messages := r.counts(); sessions != 1 || len(messages) != 2 {
		t.Errorf("%d sessions and %d messages, want 1 and 2", sessions, len(messages))
	}
}

// Sessions idle for too long, and those kept when the sender closes, end:
// the relay sees them go rather than a socket left open.
func TestSMTPEndsItsSessions(t *testing.T) {
	r := startRelay(t)
	m := newTestSMTPTimes(t, r, 200*time.Millisecond, 300*time.Millisecond)
	sendNumbered(t, m, 1)
	time.Sleep(500 * time.Millisecond)
	sendNumbered(t, m, 2)
	if got := r.endedSessions(1); got != 1 {
		t.Errorf("after a session idle past maxIdle, %d sessions ended, want 1", got)
	}
	m.Close()
	if got := r.endedSessions(2); got != 2 {
		t.Errorf("after Close, %d sessions ended, want 2", got)
	}
	if sessions, messages := r.counts(); sessions != 2 || len(messages) != 2 {
		t.Errorf("%d sessions and %d messages, want 2 and 2", sessions, len(messages))
	}
}
