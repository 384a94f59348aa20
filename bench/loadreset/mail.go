package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// mailbox is the SMTP server the load test runs for frontdoor's mail: it
// keeps, for each recipient, the codes that arrived and not yet taken.
type mailbox struct {
	mu      sync.Mutex
	waiting map[string]chan string
	srv     *smtp.Server
	count   int
}

// codeRE finds the 8-digit code in a message's body.
var codeRE = regexp.MustCompile(`\b(\d{8})\b`)

func startMailbox(addr string) (*mailbox, error) {
	mb := &mailbox{waiting: map[string]chan string{}}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{mb: mb}, nil }))
	s.Domain = "loadreset.test"
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute
	s.MaxMessageBytes = 1 << 20
	s.AllowInsecureAuth = true
	mb.srv = s
	go s.Serve(ln)
	return mb, nil
}

func (mb *mailbox) box(rcpt string) chan string {
	rcpt = strings.ToLower(rcpt)
	mb.mu.Lock()
	defer mb.mu.Unlock()
	c, ok := mb.waiting[rcpt]
	if !ok {
		c = make(chan string, 16)
		mb.waiting[rcpt] = c
	}
	return c
}

// code waits for the next code sent to rcpt.
func (mb *mailbox) code(rcpt string, timeout time.Duration) (string, error) {
	select {
	case c := <-mb.box(rcpt):
		return c, nil
	case <-time.After(timeout):
		return "", errors.New("no code mailed within " + timeout.String())
	}
}

// drain drops the codes waiting for rcpt.
func (mb *mailbox) drain(rcpt string) {
	c := mb.box(rcpt)
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

func (mb *mailbox) deliver(rcpts []string, msg []byte) {
	_, body, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	m := codeRE.FindSubmatch(body)
	if m == nil {
		return
	}
	mb.mu.Lock()
	mb.count++
	mb.mu.Unlock()
	for _, r := range rcpts {
		select {
		case mb.box(r) <- string(m[1]):
		default: // nobody reads this box: drop
		}
	}
}

type session struct {
	mb    *mailbox
	rcpts []string
}

func (s *session) Reset()                               { s.rcpts = nil }
func (s *session) Logout() error                        { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	msg, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.deliver(s.rcpts, msg)
	return nil
}
