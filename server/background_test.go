package server

import (
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
)

// TestInBackground: at most maxBackground alerts and notices run at once
// (the rest are dropped), Close waits for them, and nothing starts after.
func TestInBackground(t *testing.T) {
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	release := make(chan struct{})
	var ran atomic.Int32
	for range maxBackground + 5 {
		s.inBackground(func() { <-release; ran.Add(1) })
	}
	close(release)
	s.stopBackground()
	if n := ran.Load(); n != maxBackground {
		t.Fatalf("%d ran; want the first %d, the rest dropped, all done when stopBackground returns", n, maxBackground)
	}
	s.inBackground(func() { ran.Add(1) })
	s.stopBackground()
	if n := ran.Load(); n != maxBackground {
		t.Fatal("work started after the server closed")
	}
}
