// Package proxy is frontdoor's front door: a reverse proxy that passes every
// request to the upstream sign-in service untouched, except that
//
//   - paths under frontdoor's prefix, and the upstream paths it intercepts, are
//     answered by frontdoor's own handler, in every spelling a lenient upstream
//     would route the same way;
//   - sign-in pages get a "Forgot my password" link injected, streaming, after a
//     configured element, whatever their content encoding;
//   - requests that would make it an open proxy (absolute-form URLs, CONNECT,
//     h2c upgrades) are refused, request bodies are bounded in size and time,
//     and a chunked request closes its connection;
//   - X-Forwarded-* headers are believed only from trusted proxies, and headers
//     that override the path, method or client address never reach the upstream.
package proxy
