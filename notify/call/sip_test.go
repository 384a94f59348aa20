package call

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// newSIPTo builds a SIP driver whose trunk is the sipp phone.
func newSIPTo(t *testing.T, phone *testenv.Phone, timeout time.Duration) *SIP {
	t.Helper()
	s, err := NewSIP(config.CallSIP{Trunk: "sip:" + phone.Addr, From: "sip:frontdoor@127.0.0.1",
		Bind: "127.0.0.1", Timeout: config.Duration(timeout)}, slog.New(slog.NewTextHandler(testLogOut(), &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestSIPOutcomes calls SIPp playing the phone: only # confirms.
func TestSIPOutcomes(t *testing.T) {
	cases := []struct {
		scenario string
		want     Outcome
	}{
		{"answer_pound.xml", Confirmed},
		{"answer_one.xml", WrongKey},
		{"answer_hangup.xml", HungUp},
		{"answer_silent.xml", Silent},
		{"reject.xml", Rejected},
		{"ring_noanswer.xml", NoAnswer},
	}
	for _, c := range cases {
		t.Run(c.scenario, func(t *testing.T) {
			// The silent phone sends its media nowhere in particular.
			phone := testenv.SIPp(t, c.scenario, map[string]string{"rtp_port": strconv.Itoa(testenv.FreeUDPPort(t))})
			s := newSIPTo(t, phone, 5*time.Second)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			got, err := s.Call(ctx, "+14155550101", "en")
			if err != nil {
				t.Fatalf("Call: %v", err)
			}
			if got != c.want {
				t.Errorf("outcome %q, want %q", got, c.want)
			}
			if err := phone.Wait(30 * time.Second); err != nil {
				t.Errorf("the phone's scenario did not complete: %v", err)
			}
		})
	}
}

// TestSIPSendsPrompt: the answered call carries the prompt as G.711 RTP to
// the address the phone's SDP gave.
func TestSIPSendsPrompt(t *testing.T) {
	rtp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer rtp.Close()
	port := rtp.LocalAddr().(*net.UDPAddr).Port
	phone := testenv.SIPp(t, "answer_silent.xml", map[string]string{"rtp_port": strconv.Itoa(port)})
	s := newSIPTo(t, phone, 5*time.Second)

	type result struct {
		packets int
		audio   []byte
	}
	got := make(chan result, 1)
	go func() {
		var r result
		buf := make([]byte, 2048)
		for {
			_ = rtp.SetReadDeadline(time.Now().Add(8 * time.Second))
			n, _, err := rtp.ReadFrom(buf)
			if err != nil {
				got <- r
				return
			}
			if n > 12 && buf[0]>>6 == 2 && buf[1]&0x7f == 0 { // RTP version 2, PCMU
				r.packets++
				r.audio = append(r.audio, buf[12:n]...)
			}
		}
	}()
	outcome, err := s.Call(context.Background(), "+14155550101", "fr")
	if err != nil || outcome != Silent {
		t.Fatalf("Call: %q, %v; want silent", outcome, err)
	}
	r := <-got
	// 5 s of waiting at 50 packets a second: most of them carry the prompt.
	if r.packets < 100 {
		t.Fatalf("%d PCMU packets reached the phone, want the prompt's", r.packets)
	}
	if level := rms(r.audio); level < 300 {
		t.Errorf("the audio that reached the phone is silent (RMS %.0f)", level)
	}
	if err := phone.Wait(30 * time.Second); err != nil {
		t.Error(err)
	}
}

func TestSIPRefusesBadNumbers(t *testing.T) {
	s := &SIP{}
	for _, to := range []string{"", "14155550101", "+0123456789", "+1415555010a", "+1@evil", "+1234567890123456"} {
		if _, err := s.Call(context.Background(), to, "en"); err != ErrNumber {
			t.Errorf("Call(%q): %v, want ErrNumber", to, err)
		}
	}
}

func testLogOut() io.Writer {
	if os.Getenv("CALL_DEBUG") != "" {
		return os.Stderr
	}
	return io.Discard
}
