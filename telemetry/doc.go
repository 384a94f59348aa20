// Package telemetry exposes frontdoor's Prometheus metrics and its health
// endpoints (/metrics, /healthz, /readyz) on a listener of their own.
package telemetry
