package notify

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"sync"
	"time"
)

// Queue sends messages in the background with a few retries, so a request
// never waits for (or reveals) a send. Messages still queued when the process
// stops are lost; the user can ask for a new code.
type Queue struct {
	mailer  Mailer
	log     *slog.Logger
	ch      chan Message
	closing chan struct{} // closed by Close: no more waiting between tries
	wg      sync.WaitGroup
	// mu guards closed: Enqueue never sends on the closed channel, even
	// from a request still running when the server stops.
	mu      sync.RWMutex
	closed  bool
	retries []time.Duration
	// OnResult, when set, is called after each message's last attempt, and
	// with ErrDropped for one the queue could not take (decoys excepted). Set
	// it before the first Enqueue.
	OnResult func(m Message, err error)
}

// NewQueue starts workers sending through mailer.
func NewQueue(mailer Mailer, log *slog.Logger, workers int) *Queue {
	q := &Queue{mailer: mailer, log: log, ch: make(chan Message, 1024), closing: make(chan struct{}),
		retries: []time.Duration{time.Second, 5 * time.Second, 30 * time.Second}}
	for range workers {
		q.wg.Add(1)
		go q.work()
	}
	return q
}

// ErrDropped is what OnResult is told of a message the queue could not take
// (full, or closed).
var ErrDropped = errors.New("notify: mail queue full or closed, message dropped")

// Enqueue queues m; when the queue is full or closed the message is
// dropped and logged. A message without recipients is a decoy (the same
// work as a real one on the request's path, see methods.Email): queued, and
// then skipped without a send.
func (q *Queue) Enqueue(m Message) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		q.log.Error("mail queue closed, message dropped", "kind", m.Kind)
		q.dropped(m)
		return
	}
	select {
	case q.ch <- m:
	default:
		if len(m.To) > 0 { // a decoy is dropped as quietly as it is skipped
			q.log.Error("mail queue full, message dropped", "kind", m.Kind)
			q.dropped(m)
		}
	}
}

func (q *Queue) dropped(m Message) {
	if q.OnResult != nil && len(m.To) > 0 {
		q.OnResult(m, ErrDropped)
	}
}

// Close stops accepting messages and waits while the queued ones get one
// last try each, without the pauses between retries.
func (q *Queue) Close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	close(q.closing)
	close(q.ch)
	q.mu.Unlock()
	q.wg.Wait()
}

func (q *Queue) work() {
	defer q.wg.Done()
	for m := range q.ch {
		if len(m.To) == 0 {
			continue // a decoy: queued as a message is, sent to nobody
		}
		err := q.send(m)
		if q.OnResult != nil {
			q.OnResult(m, err)
		}
	}
}

func (q *Queue) send(m Message) error {
	var err error
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = q.mailer.Send(ctx, m)
		cancel()
		if err == nil {
			q.log.Info("mail sent", "kind", m.Kind, "recipients", len(m.To))
			return nil
		}
		if attempt >= len(q.retries) {
			break
		}
		select {
		case <-q.closing:
			return q.fail(m, err)
		case <-time.After(q.retries[attempt]):
		}
	}
	return q.fail(m, err)
}

func (q *Queue) fail(m Message, err error) error {
	msg := err.Error()
	if m.Kind == "text" {
		// An email-to-SMS gateway's recipient is the phone number: a relay's
		// refusal that quotes it must not put it in the log.
		msg = digitRun.ReplaceAllString(msg, "***")
	}
	q.log.Error("mail not sent", "kind", m.Kind, "recipients", len(m.To), "err", msg)
	return err
}

// digitRun matches what may be a phone number: 6 digits or more.
var digitRun = regexp.MustCompile(`\+?[0-9]{6,}`)
