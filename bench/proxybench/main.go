// Command proxybench compares frontdoor with other proxies in front of the
// same upstream, on loopback: a bare httputil.ReverseProxy, nginx with and
// without sub_filter, oauth2-proxy and frontdoor. It drives each with wrk in
// interleaved rounds, so that the machine's noise hits every target alike,
// and prints requests per second, p50 and p99 per target (medians over the
// rounds) and frontdoor's ratios. `make bench-proxy` builds what it needs and
// runs it; it never runs in `make test`.
//
//	proxybench run -frontdoor bin/frontdoor -oauth2-proxy bin/oauth2-proxy [-baseline OTHER-BUILD]
//	proxybench upstream -listen ADDR    (started by run)
//	proxybench bare -listen ADDR -upstream URL    (started by run)
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: proxybench run|upstream|bare [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runMain(os.Args[2:])
	case "upstream":
		err = upstreamMain(os.Args[2:])
	case "bare":
		err = bareMain(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxybench:", err)
		os.Exit(1)
	}
}
