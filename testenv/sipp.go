package testenv

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Phone is a sipp process playing the called phone with one scenario of
// testenv/sipp/, for one call.
type Phone struct {
	// Addr is where the phone takes SIP over UDP, "127.0.0.1:PORT".
	Addr string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

// SIPp starts sipp with scenario (a file name in testenv/sipp/) on free
// loopback ports, for one call. In the scenario, [sipp_pcap_dir] names
// sip-tester's RFC 2833 recordings and [NAME] is replaced by keys[NAME].
// The process is stopped when the test ends. Without sipp (testenv/up.sh
// sipp) the test fails in CI and is skipped elsewhere.
func SIPp(t testing.TB, scenario string, keys map[string]string) *Phone {
	t.Helper()
	env := Require(t, "sipp", "SIPP_BIN", "SIPP_PCAP_DIR")
	raw, err := os.ReadFile(filepath.Join(Root(), "sipp", scenario))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(raw), "[sipp_pcap_dir]", env[1])
	for k, v := range keys {
		text = strings.ReplaceAll(text, "["+k+"]", v)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, scenario)
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	// A port free a moment ago can be taken by another test's socket
	// before sipp binds it: then sipp ends at once, and starts again on
	// other ports.
	for attempt := 1; ; attempt++ {
		p, inUse := startSIPp(t, env[0], scenario, file)
		if p != nil {
			return p
		}
		if attempt == 5 {
			t.Fatalf("testenv: sipp found its ports taken 5 times: %s", inUse)
		}
	}
}

// startSIPp starts sipp on fresh ports and waits until it listens. When
// sipp could not bind its ports, it returns nil and sipp's output.
func startSIPp(t testing.TB, bin, scenario, file string) (*Phone, string) {
	t.Helper()
	dir := t.TempDir() // this attempt's logs
	port, media := sippPorts(t)
	p := &Phone{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "-sf", file, "-i", "127.0.0.1", "-p", strconv.Itoa(port),
		"-mi", "127.0.0.1", "-mp", strconv.Itoa(media), "-m", "1", "-nostdin",
		"-timeout", "90s", "-timeout_error", "-trace_err", "-trace_msg", "-message_file", filepath.Join(dir, "messages.log"), "-error_file", filepath.Join(dir, "errors.log"))
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("testenv: starting sipp: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		if p.err != nil {
			errs, _ := os.ReadFile(filepath.Join(dir, "errors.log"))
			if os.Getenv("SIPP_TRACE") != "" {
				msgs, _ := os.ReadFile(filepath.Join(dir, "messages.log"))
				errs = append(errs, msgs...)
			}
			p.err = fmt.Errorf("sipp %s: %w\n%s\n%s", scenario, p.err, p.out.String(), errs)
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	// sipp ended before it was ready: its ports were taken (try others), or
	// it failed.
	ended := func() (*Phone, string) {
		if out := p.out.String(); strings.Contains(out, "Address already in use") {
			return nil, out
		}
		t.Fatalf("testenv: sipp ended at start: %v", p.err)
		return nil, ""
	}
	// Ready when the port is taken.
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.ListenPacket("udp", p.Addr)
		if err != nil {
			break
		}
		c.Close()
		select {
		case <-p.done:
			return ended()
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("testenv: sipp did not listen within 10s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The port may be taken by another socket, and sipp about to end for
	// it (a media port taken ends it too): a moment to tell.
	select {
	case <-p.done:
		return ended()
	case <-time.After(200 * time.Millisecond):
	}
	return p, ""
}

// Wait waits for the phone's scenario to end and returns sipp's failure,
// with its output, if it did not run to its end.
func (p *Phone) Wait(timeout time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		return fmt.Errorf("sipp still running after %s:\n%s", timeout, p.out.String())
	}
}

// sippPorts returns a SIP port and a media port, both free a moment ago,
// the SIP port clear of the four sipp takes from the media port on (RTP
// and RTCP, for audio and video). Two calls of FreeUDPPort can return the
// same port: the first is closed before the second is taken.
func sippPorts(t testing.TB) (sip, media int) {
	t.Helper()
	for range 20 {
		a, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		b, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			a.Close()
			t.Fatal(err)
		}
		sip, media = a.LocalAddr().(*net.UDPAddr).Port, b.LocalAddr().(*net.UDPAddr).Port
		a.Close()
		b.Close()
		if sip < media || sip > media+3 {
			return sip, media
		}
	}
	t.Fatal("testenv: no SIP port clear of the media ports in 20 tries")
	return 0, 0
}

// FreeUDPPort returns a loopback UDP port that was free a moment ago.
func FreeUDPPort(t testing.TB) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
