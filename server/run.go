package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Run serves the front door and the metrics listener until ctx is cancelled,
// then drains in-flight requests for up to 15 seconds.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen on server.listen: %w", err)
	}
	mln, err := net.Listen("tcp", s.cfg.Server.MetricsListen)
	if err != nil {
		ln.Close()
		return fmt.Errorf("listen on server.metrics_listen: %w", err)
	}
	return s.Serve(ctx, ln, mln)
}

// Serve is Run on listeners the caller opened (tests pass ":0" listeners).
func (s *Server) Serve(ctx context.Context, ln, metricsLn net.Listener) error {
	front := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	metrics := &http.Server{Handler: s.metrics.Handler(s.ready), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 2)
	go func() { errc <- front.Serve(ln) }()
	go func() { errc <- metrics.Serve(metricsLn) }()
	gcCtx, stopGC := context.WithCancel(ctx)
	gcDone := make(chan struct{})
	go func() { defer close(gcDone); s.collectGarbage(gcCtx) }()
	s.log.Info("frontdoor started", "listen", ln.Addr().String(), "metrics", metricsLn.Addr().String(),
		"upstream", s.cfg.Upstream.URL, "version", s.version)

	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	// Handlers drain first; only then do the store and the mail queue
	// close, so a request in flight finishes with every part it uses.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	front.Shutdown(shutdownCtx)
	metrics.Shutdown(shutdownCtx)
	stopGC()
	<-gcDone
	s.Close()
	s.log.Info("frontdoor stopped")
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
