package notify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

type flakyMailer struct {
	mu    sync.Mutex
	fails int
	sent  []Message
	tries int
}

func (f *flakyMailer) Send(_ context.Context, m Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tries++
	if f.tries <= f.fails {
		return errors.New("relay down")
	}
	f.sent = append(f.sent, m)
	return nil
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestQueueRetries(t *testing.T) {
	m := &flakyMailer{fails: 2}
	q := NewQueue(m, quiet(), 1)
	q.retries = []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}
	done := make(chan error, 1)
	q.OnResult = func(_ Message, err error) { done <- err }
	q.Enqueue(Message{To: []string{"a@example.test"}, Kind: "code"})
	if err := <-done; err != nil {
		t.Fatalf("not sent after two failures: %v", err)
	}
	q.Close()
	if m.tries != 3 || len(m.sent) != 1 {
		t.Errorf("tries %d, sent %d", m.tries, len(m.sent))
	}
}

func TestQueueCloseDoesNotWaitOutRetries(t *testing.T) {
	m := &flakyMailer{fails: 1000}
	q := NewQueue(m, quiet(), 1)
	q.retries = []time.Duration{time.Hour}
	q.Enqueue(Message{To: []string{"a@example.test"}, Kind: "code"})
	for {
		m.mu.Lock()
		tried := m.tries
		m.mu.Unlock()
		if tried > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { q.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the hour between retries")
	}
}

// A request still running when the server stops may queue a message after
// Close: it is dropped, and neither Enqueue nor a second Close panics.
func TestQueueEnqueueAfterClose(t *testing.T) {
	m := &flakyMailer{}
	q := NewQueue(m, quiet(), 2)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				q.Enqueue(Message{To: []string{"a@example.test"}, Kind: "code"})
			}
		}()
	}
	q.Close()
	wg.Wait()
	q.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.sent) > 400 {
		t.Errorf("%d messages sent, more than were queued", len(m.sent))
	}
}

// TestQueueSkipsDecoys: a message without recipients is queued and never
// sent; the one after it is.
func TestQueueSkipsDecoys(t *testing.T) {
	m := &flakyMailer{}
	q := NewQueue(m, quiet(), 1)
	done := make(chan Message, 2)
	q.OnResult = func(msg Message, _ error) { done <- msg }
	q.Enqueue(Message{Kind: "code"})
	q.Enqueue(Message{To: []string{"a@example.test"}, Kind: "code"})
	if got := <-done; len(got.To) != 1 {
		t.Fatalf("result for %+v", got)
	}
	q.Close()
	if m.tries != 1 || len(m.sent) != 1 {
		t.Errorf("tries %d, sent %d; want the real message only", m.tries, len(m.sent))
	}
}

// refusingMailer refuses every message, quoting its recipient as relays do.
type refusingMailer struct{}

func (refusingMailer) Send(_ context.Context, m Message) error {
	return errors.New("550 5.1.1 <" + m.To[0] + ">: Recipient address rejected")
}

// TestQueueFailureHidesTextNumbers: a text for an email-to-SMS gateway that
// the relay refuses is logged without the number its address holds.
func TestQueueFailureHidesTextNumbers(t *testing.T) {
	var logs bytes.Buffer
	q := NewQueue(refusingMailer{}, slog.New(slog.NewTextHandler(&logs, nil)), 1)
	q.retries = nil
	done := make(chan error, 1)
	q.OnResult = func(_ Message, err error) { done <- err }
	q.Enqueue(Message{To: []string{"14155550101@sms.example.test"}, Kind: "text"})
	if err := <-done; err == nil {
		t.Fatal("refused, but no error")
	}
	q.Close()
	if !strings.Contains(logs.String(), "mail not sent") || strings.Contains(logs.String(), "4155550101") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// TestQueueReportsDropped: a message the queue cannot take is reported as
// ErrDropped, for the metrics; a decoy is not.
func TestQueueReportsDropped(t *testing.T) {
	q := NewQueue(&flakyMailer{}, quiet(), 1)
	var got []error
	q.OnResult = func(_ Message, err error) { got = append(got, err) }
	q.Close()
	q.Enqueue(Message{To: []string{"a@example.test"}, Kind: "code"})
	q.Enqueue(Message{Kind: "code"})
	if len(got) != 1 || !errors.Is(got[0], ErrDropped) {
		t.Errorf("reported %v, want one ErrDropped", got)
	}
}
