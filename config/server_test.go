package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// withServer adds keys to the server section of the minimal file.
func withServer(keys string) string {
	return strings.Replace(minimal, "server:\n", "server:\n"+keys, 1)
}

func TestServerReadTimeoutAndHSTS(t *testing.T) {
	c, err := read(t, minimal, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Server
	if s.ReadTimeout.D() != 30*time.Second || !*s.HSTS.Enabled || s.HSTS.MaxAge.D() != 365*24*time.Hour || s.HSTS.IncludeSubdomains {
		t.Errorf("defaults: read_timeout %v, hsts %v %v %v", s.ReadTimeout.D(), *s.HSTS.Enabled, s.HSTS.MaxAge.D(), s.HSTS.IncludeSubdomains)
	}
	c, err = read(t, withServer("  read_timeout: 5s\n  hsts:\n    enabled: false\n    max_age: 3600\n    include_subdomains: true\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s = c.Server
	if s.ReadTimeout.D() != 5*time.Second || *s.HSTS.Enabled || s.HSTS.MaxAge.D() != time.Hour || !s.HSTS.IncludeSubdomains {
		t.Errorf("set: read_timeout %v, hsts %v %v %v", s.ReadTimeout.D(), *s.HSTS.Enabled, s.HSTS.MaxAge.D(), s.HSTS.IncludeSubdomains)
	}
	_, err = read(t, withServer("  read_timeout: -1s\n  hsts:\n    max_age: 500ms\n"), nil, nil)
	if got := problemPaths(t, err); !slices.Equal(got, []string{"server.read_timeout", "server.hsts.max_age"}) {
		t.Errorf("problems at %v", got)
	}
}

func TestServerMemoryLimit(t *testing.T) {
	c, err := read(t, minimal, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.MemoryLimit != "auto" {
		t.Errorf("default memory_limit %q, want auto", c.Server.MemoryLimit)
	}
	for in, want := range map[string]int64{"48MiB": 48 << 20, "64MB": 64e6, "1GiB": 1 << 30, "20000000": 20e6, "off": 0, "512 KiB": -1, "lots": -1, "-5MiB": -1, "0": -1} {
		got, auto, err := ParseMemoryLimit(in)
		if auto || (err != nil) != (want < 0) || (err == nil && got != want) {
			t.Errorf("%q: %d %v %v, want %d", in, got, auto, err, want)
		}
	}
	_, err = read(t, withServer("  memory_limit: 10MiB\n"), nil, nil)
	if got := problemPaths(t, err); !slices.Equal(got, []string{"server.memory_limit"}) {
		t.Errorf("problems at %v", got)
	}
}

func TestServerMaxConcurrent(t *testing.T) {
	c, err := read(t, minimal, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Server; s.MaxConcurrent != DefaultMaxConcurrent || s.QueueTimeout.D() != DefaultQueueTimeout {
		t.Errorf("defaults: max_concurrent %d, queue_timeout %v", s.MaxConcurrent, s.QueueTimeout.D())
	}
	c, err = read(t, withServer("  max_concurrent: 8\n  queue_timeout: 3s\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Server; s.MaxConcurrent != 8 || s.QueueTimeout.D() != 3*time.Second {
		t.Errorf("set: max_concurrent %d, queue_timeout %v", s.MaxConcurrent, s.QueueTimeout.D())
	}
	// A short read_timeout shortens the default wait: the body is read after it.
	c, err = read(t, withServer("  read_timeout: 4s\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if q := c.Server.QueueTimeout.D(); q != 2*time.Second {
		t.Errorf("queue_timeout with read_timeout 4s: %v, want 2s", q)
	}
	for _, keys := range []string{
		"  max_concurrent: -1\n  queue_timeout: -1s\n",
		"  max_concurrent: -5\n  read_timeout: 5s\n  queue_timeout: 5s\n",
	} {
		_, err = read(t, withServer(keys), nil, nil)
		if got := problemPaths(t, err); !slices.Equal(got, []string{"server.max_concurrent", "server.queue_timeout"}) {
			t.Errorf("%q: problems at %v", keys, got)
		}
	}
}
