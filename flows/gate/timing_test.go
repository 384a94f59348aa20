package gate_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/internal/flowtest"
	"github.com/frontdoor-sspr/frontdoor/internal/timingtest"
)

// Samples of the timing tests: 200 per kind of user ID, as SECURITY-TESTS
// A-4 asks, after 30 pairs to warm up (and fill the adaptive floor).
const (
	timingSamples = 200
	timingWarmup  = 30
)

// TestTimingKnownVsUnknown (SECURITY-TESTS ): identify and the
// sending of a code take as long for a known account as for an unknown user
// ID, by the Kolmogorov–Smirnov test on interleaved samples, with the
// directory answering at once and with a slow directory, where a known
// account costs a second round trip (its group membership) that an
// unknown ID does not.
func TestTimingKnownVsUnknown(t *testing.T) {
	if testing.Short() {
		t.Skip("the timing test takes a few seconds")
	}
	for _, tc := range []struct {
		name    string
		latency time.Duration
		groups  bool
	}{
		{"directory at once", 0, false},
		{"slow directory, group policy", 4 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := flowtest.NewInMemory(t)
			rc := config.Reset{}
			if tc.groups {
				rc = config.Reset{Enabled: config.EnabledGroups, Groups: []string{"staff"}}
			}
			// One known account has used up its sends: the refusal costs
			// what a send does.
			busy := env.AddUser("busy")
			env.Dir.AddToGroup("staff", busy.ID)
			env.Dir.SetLatency(tc.latency)
			env.Reset(rc)

			// Each sample is a new browser from an address of its own (the
			// per-client limits stay out of the way) and, for a known
			// account, an account of its own (so do its send limits).
			var next atomic.Int64
			run := func(kind string) (identify, send time.Duration) {
				seq := next.Add(1)
				b := env.Browser()
				b.IP = fmt.Sprintf("198.%d.%d.%d", 18+seq/62500, seq/250%250, seq%250)
				b.NoRedirects()
				p := b.Get(flowtest.Prefix + "reset")
				login := "busy"
				switch kind {
				case "known":
					login = fmt.Sprintf("k%d", seq)
					env.Dir.AddToGroup("staff", env.AddUser(login).ID)
				case "unknown":
					login = fmt.Sprintf("nobody%d", seq)
				}
				began := time.Now()
				q := b.Submit(p, "reset/identify", "login", login)
				identify = time.Since(began)
				if q.Status != 303 {
					t.Fatalf("identify %s: status %d", login, q.Status)
				}
				m := b.Get(flowtest.Prefix + "reset/step")
				began = time.Now()
				q = b.Submit(m, "reset/method", "method", "email")
				send = time.Since(began)
				if q.Status != 303 {
					t.Fatalf("send for %s: status %d", login, q.Status)
				}
				return identify, send
			}
			for range 10 {
				run("over its limit")
			}
			// One walk times both steps. With the slow directory only identify
			// is compared: the directory is not asked again when the code is
			// sent.
			steps := []string{"identify", "code send"}
			if tc.groups {
				steps = steps[:1]
			}
			timingtest.CompareSteps(t, steps, timingWarmup, timingSamples, [2]string{"known", "unknown"}, func(kind string) []time.Duration {
				d, s := run(kind)
				return []time.Duration{d, s}[:len(steps)]
			})
			if len(env.Mail()) == 0 || env.Decoys() == 0 {
				t.Fatalf("%d codes sent, %d decoys: the test did not walk both paths", len(env.Mail()), env.Decoys())
			}
			if tc.groups {
				return
			}
			timingtest.Compare(t, "code send over the limit", timingWarmup, timingSamples/2, [2]string{"over its limit", "unknown"}, func(kind string) time.Duration {
				_, s := run(kind)
				return s
			})
		})
	}
}
