package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

type options struct {
	frontdoor, baseline, oauth2Proxy, nginx, wrk string
	rounds, conns, portBase                      int
	duration                                     time.Duration
}

// scenario is one kind of request, as the issue measured them.
type scenario struct {
	name, path string
	headers    []string
}

var scenarios = []scenario{
	{"1 KiB pass-through", "/small", nil},
	{"50 KB sign-in page, gzip", "/login", []string{"Accept-Encoding: gzip"}},
	{"50 KB sign-in page, identity", "/login", nil},
}

// result is one wrk run: p50 and p99 in ms; allocs, the target process's
// allocations per request, for the Go targets (else -1).
type result struct{ rps, p50, p99, allocs float64 }

func runMain(args []string) error {
	var o options
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	fs.StringVar(&o.frontdoor, "frontdoor", "bin/frontdoor", "frontdoor binary")
	fs.StringVar(&o.baseline, "baseline", "", "another frontdoor binary (an earlier build, say) to run as one more target, configured as the first")
	fs.StringVar(&o.oauth2Proxy, "oauth2-proxy", "bin/oauth2-proxy", "oauth2-proxy binary")
	fs.StringVar(&o.nginx, "nginx", "nginx", "nginx binary")
	fs.StringVar(&o.wrk, "wrk", "wrk", "wrk binary")
	fs.IntVar(&o.rounds, "rounds", 3, "interleaved rounds")
	fs.IntVar(&o.conns, "c", 32, "connections")
	fs.IntVar(&o.portBase, "port-base", 28081, "first of twelve loopback ports")
	fs.DurationVar(&o.duration, "d", 4*time.Second, "duration of one wrk run")
	fs.Parse(args)
	dir, err := os.MkdirTemp("", "proxybench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p := newPorts(o.portBase)
	ts, err := startTargets(dir, o, p)
	defer stopTargets(ts)
	if err != nil {
		return err
	}
	ts = ts[1:] // the upstream is not a target
	if err := checkPages(ts); err != nil {
		return err
	}
	machine()
	fmt.Printf("wrk -t1 -c%d -d%s --latency, %d interleaved rounds; each figure is the median of the rounds\n\n", o.conns, o.duration, o.rounds)
	results := map[string]map[string][]result{}
	for _, t := range ts { // warm up: connections, pools, JIT-free but page caches and GC sizing
		for _, s := range scenarios {
			if _, err := runWrk(o, t, s, time.Second); err != nil {
				return err
			}
		}
		results[t.name] = map[string][]result{}
	}
	for r := 0; r < o.rounds; r++ {
		for _, s := range scenarios {
			for i := range ts {
				t := ts[(i+r)%len(ts)] // a different target goes first each round
				res, err := runWrk(o, t, s, o.duration)
				if err != nil {
					return err
				}
				results[t.name][s.name] = append(results[t.name][s.name], res)
			}
		}
		fmt.Fprintf(os.Stderr, "round %d of %d done\n", r+1, o.rounds)
	}
	printTable(ts, results)
	return nil
}

func machine() {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				model = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("machine: %s, %d CPUs, %s/%s, %s; load average at start %s\n", model, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), strings.Join(strings.Fields(string(load))[:3], " "))
}

func runWrk(o options, t *target, s scenario, d time.Duration) (result, error) {
	args := []string{"-t1", fmt.Sprintf("-c%d", o.conns), fmt.Sprintf("-d%ds", int(d.Seconds())), "--latency"}
	for _, h := range s.headers {
		args = append(args, "-H", h)
	}
	args = append(args, "http://"+t.addr+s.path)
	before, err := mallocs(t)
	if err != nil {
		return result{}, err
	}
	out, err := exec.Command(o.wrk, args...).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk %s: %w\n%s", t.name, err, out)
	}
	after, err := mallocs(t)
	if err != nil {
		return result{}, err
	}
	r, err := parseWrk(string(out))
	r.allocs = -1
	if t.metrics != "" && r.requests > 0 {
		r.allocs = float64(after-before-min(t.scrape, after-before)) / float64(r.requests)
	}
	return r.result, err
}

// mallocs is the target process's count of heap allocations so far, from
// go_memstats_mallocs_total (0 for a target that is not a Go program).
func mallocs(t *target) (uint64, error) {
	if t.metrics == "" {
		return 0, nil
	}
	resp, err := http.Get("http://" + t.metrics + "/metrics")
	if err != nil {
		return 0, fmt.Errorf("%s: metrics: %w", t.name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("%s: metrics: %w", t.name, err)
	}
	for _, l := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(l, "go_memstats_mallocs_total "); ok {
			var f float64
			if _, err := fmt.Sscan(v, &f); err != nil {
				return 0, fmt.Errorf("%s: go_memstats_mallocs_total %q: %w", t.name, v, err)
			}
			return uint64(f), nil
		}
	}
	return 0, fmt.Errorf("%s: no go_memstats_mallocs_total in its metrics", t.name)
}

// wrkReport is what parseWrk reads: the figures of a result, and the
// number of requests.
type wrkReport struct {
	result
	requests int64
}

// parseWrk reads requests per second and the 50 % and 99 % latencies from
// wrk's report; non-2xx answers or socket errors make it an error.
func parseWrk(out string) (wrkReport, error) {
	var r wrkReport
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			fmt.Sscan(f[1], &r.rps)
		case len(f) == 2 && f[0] == "50%":
			r.p50 = parseDuration(f[1])
		case len(f) == 2 && f[0] == "99%":
			r.p99 = parseDuration(f[1])
		case len(f) > 2 && f[1] == "requests" && f[2] == "in":
			fmt.Sscan(f[0], &r.requests)
		case strings.Contains(l, "Non-2xx"), strings.Contains(l, "Socket errors"):
			return r, fmt.Errorf("wrk: %s", strings.TrimSpace(l))
		}
	}
	if r.rps == 0 || r.requests == 0 {
		return r, errors.New("wrk: no Requests/sec or request count in its output:\n" + out)
	}
	return r, nil
}

// parseDuration reads wrk's "1.23ms", "850.00us", "1.02s" as milliseconds.
func parseDuration(s string) float64 {
	var v float64
	for _, u := range []struct {
		suffix string
		ms     float64
	}{{"us", 1e-3}, {"ms", 1}, {"s", 1e3}, {"m", 60e3}} {
		if strings.HasSuffix(s, u.suffix) {
			fmt.Sscan(strings.TrimSuffix(s, u.suffix), &v)
			return v * u.ms
		}
	}
	return 0
}

// checkPages makes sure every target serves the page, and that the two that
// inject put the link in (compressed when asked), before anything is timed.
func checkPages(ts []*target) error {
	for _, t := range ts {
		req, _ := http.NewRequest("GET", "http://"+t.addr+"/login", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Content-Encoding") != "gzip" {
			return fmt.Errorf("%s: sign-in page not gzip-compressed (status %d)", t.name, resp.StatusCode)
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		page, err := io.ReadAll(zr)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		injects := strings.HasPrefix(t.name, "frontdoor") || strings.Contains(t.name, "sub_filter")
		if got := bytes.Contains(page, []byte("Forgot my password")); got != injects {
			return fmt.Errorf("%s: link injected %v, want %v", t.name, got, injects)
		}
	}
	return nil
}

func median(rs []result, f func(result) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// printHeader prints a table's header: "target", then a column per
// scenario, its name followed by suffix.
func printHeader(suffix string) {
	fmt.Print("| target |")
	for _, s := range scenarios {
		fmt.Printf(" %s%s |", s.name, suffix)
	}
	fmt.Print("\n|---|")
	for range scenarios {
		fmt.Print("---|")
	}
	fmt.Println()
}

func printTable(ts []*target, results map[string]map[string][]result) {
	printHeader(": req/s, p50, p99")
	for _, t := range ts {
		fmt.Printf("| %s |", t.name)
		for _, s := range scenarios {
			rs := results[t.name][s.name]
			fmt.Printf(" %s, %.2f ms, %.2f ms |", thousands(median(rs, func(r result) float64 { return r.rps })),
				median(rs, func(r result) float64 { return r.p50 }), median(rs, func(r result) float64 { return r.p99 }))
		}
		fmt.Println()
	}
	fmt.Print("\nHeap allocations per request in the proxy's process (go_memstats_mallocs_total, less what reading it allocates; median of the rounds):\n\n")
	printHeader("")
	for _, t := range ts {
		if t.metrics == "" {
			continue
		}
		fmt.Printf("| %s |", t.name)
		for _, s := range scenarios {
			fmt.Printf(" %.1f |", median(results[t.name][s.name], func(r result) float64 { return r.allocs }))
		}
		fmt.Println()
	}
	rps := func(target, s string) float64 {
		return median(results[target][s], func(r result) float64 { return r.rps })
	}
	fd, bare, sub := "frontdoor", "bare httputil.ReverseProxy", "nginx sub_filter"
	fmt.Println()
	fmt.Printf("frontdoor / bare, pass-through: %.2f (goal 0.95)\n", rps(fd, scenarios[0].name)/rps(bare, scenarios[0].name))
	allocs := func(target string) float64 {
		return median(results[target][scenarios[0].name], func(r result) float64 { return r.allocs })
	}
	fmt.Printf("frontdoor, bare: allocations per pass-through request: %.1f, %.1f (goal: no more than bare)\n", allocs(fd), allocs(bare))
	fmt.Printf("frontdoor / bare, sign-in page gzip: %.2f (goal 0.6)\n", rps(fd, scenarios[1].name)/rps(bare, scenarios[1].name))
	fmt.Printf("frontdoor / nginx sub_filter, sign-in page gzip: %.2f (goal 1.0)\n", rps(fd, scenarios[1].name)/rps(sub, scenarios[1].name))
	fmt.Printf("frontdoor p99, sign-in page gzip: %.2f ms (goal under 10 ms)\n", median(results[fd][scenarios[1].name], func(r result) float64 { return r.p99 }))
	fz := "frontdoor compress_sign_in: false"
	fmt.Printf("%s / bare, sign-in page gzip: %.2f\n", fz, rps(fz, scenarios[1].name)/rps(bare, scenarios[1].name))
	fmt.Printf("%s / nginx sub_filter, sign-in page gzip: %.2f\n", fz, rps(fz, scenarios[1].name)/rps(sub, scenarios[1].name))
	fmt.Printf("%s p99, sign-in page gzip: %.2f ms\n", fz, median(results[fz][scenarios[1].name], func(r result) float64 { return r.p99 }))
	if _, ok := results[baselineName]; ok {
		for _, s := range scenarios {
			fmt.Printf("frontdoor / %s, %s: %.2f\n", baselineName, s.name, rps(fd, s.name)/rps(baselineName, s.name))
		}
	}
}

func thousands(v float64) string {
	s := fmt.Sprintf("%d", int64(v+0.5))
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// waitListening waits until addr accepts connections.
func waitListening(addr string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("nothing listening on %s after 30 s", addr)
}
