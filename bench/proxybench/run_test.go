package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A report of wrk 4.2 as runWrk gets it (--latency).
const wrkOutput = `Running 4s test @ http://127.0.0.1:28086/small
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.95ms  30.02ms   88.43%
    Req/Sec    15.25k     1.02k   16.80k    70.00%
  Latency Distribution
     50%    1.82ms
     75%    2.51ms
     90%    3.95ms
     99%    9.08ms
  60712 requests in 4.00s, 70.15MB read
Requests/sec:  15176.72
Transfer/sec:     17.53MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkOutput)
	if err != nil {
		t.Fatal(err)
	}
	if r.rps != 15176.72 || r.p50 != 1.82 || r.p99 != 9.08 || r.requests != 60712 {
		t.Errorf("parsed %+v, want 15176.72/s, p50 1.82 ms, p99 9.08 ms, 60712 requests", r)
	}
	if _, err := parseWrk(strings.Replace(wrkOutput, "60712 requests in", "requests in", 1)); err == nil {
		t.Error("a report without its request count: no error")
	}
	bad := strings.Replace(wrkOutput, "Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec", 1)
	if _, err := parseWrk(bad); err == nil || !strings.Contains(err.Error(), "Non-2xx") {
		t.Errorf("a run with non-2xx answers: err %v, want it refused", err)
	}
}

func TestMallocs(t *testing.T) {
	metrics := "# HELP go_memstats_mallocs_total Total number of heap objects allocated.\n" +
		"# TYPE go_memstats_mallocs_total counter\ngo_memstats_mallocs_total 1.234567e+06\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, metrics)
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	if got, err := mallocs(&target{name: "go", metrics: addr}); err != nil || got != 1234567 {
		t.Errorf("mallocs = %d, %v; want 1234567", got, err)
	}
	if got, err := mallocs(&target{name: "nginx"}); err != nil || got != 0 {
		t.Errorf("a target without metrics: %d, %v; want 0 and no error", got, err)
	}
	metrics = "go_goroutines 7\n"
	if _, err := mallocs(&target{name: "go", metrics: addr}); err == nil {
		t.Error("metrics without go_memstats_mallocs_total: no error")
	}
}

// TestMeasureScrape: what reading the counter allocates is the smaller of
// two idle differences.
func TestMeasureScrape(t *testing.T) {
	counts := []int{1000, 1350, 1650}
	i := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "go_memstats_mallocs_total %d\n", counts[min(i, len(counts)-1)])
		i++
	}))
	defer srv.Close()
	tg := &target{name: "go", metrics: strings.TrimPrefix(srv.URL, "http://")}
	if err := tg.measureScrape(); err != nil || tg.scrape != 300 {
		t.Errorf("scrape = %d, %v; want 300", tg.scrape, err)
	}
}
