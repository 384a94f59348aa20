// Package server assembles frontdoor from its configuration: the store, the
// page renderer, the flows, the proxy in front of them, and the metrics
// listener; and runs it with graceful shutdown.
package server
