package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/server"
)

// serveInProcess runs frontdoor from cfgPath in this process, as the binary
// does, so that its CPU and heap can be profiled.
func serveInProcess(cfgPath string, logw io.Writer) (stop func(), err error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg, server.NewLogger(cfg.Log, logw), "loadreset")
	if err != nil {
		cancel()
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			os.Stderr.WriteString("loadreset: frontdoor: " + err.Error() + "\n")
		}
	}, nil
}

// startProfile writes a CPU profile of the run to dir/cpu.pprof, the heap
// at its end to dir/heap.pprof, and, every 2 s during the run, the heap as
// of the last garbage collection to dir/heap-NNs.pprof (the largest is the
// peak's).
func startProfile(dir string) (stop func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, err
	}
	quit, snapped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(snapped)
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		start := time.Now()
		for {
			select {
			case <-quit:
				return
			case now := <-t.C:
				name := fmt.Sprintf("heap-%02.0fs.pprof", now.Sub(start).Seconds())
				if h, err := os.Create(filepath.Join(dir, name)); err == nil {
					pprof.WriteHeapProfile(h)
					h.Close()
				}
			}
		}
	}()
	return func() {
		close(quit)
		<-snapped
		pprof.StopCPUProfile()
		f.Close()
		runtime.GC()
		if h, err := os.Create(filepath.Join(dir, "heap.pprof")); err == nil {
			pprof.WriteHeapProfile(h)
			h.Close()
		}
	}, nil
}
