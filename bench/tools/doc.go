// Package tools holds no code: its go.mod pins oauth2-proxy, which
// `make bench-proxy` builds with `go -C bench/tools build`.
package tools
