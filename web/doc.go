// Package web holds what frontdoor's own pages need around each request:
//
//   - RequestIDs, middleware giving every request a random 128-bit ID in
//     X-Request-Id (Stamp), and the requests that need them the ID
//     (RequestID) and a logger carrying it (Logger) in their context (Scope);
//   - SecurityHeaders and SetPageHeaders: a Content-Security-Policy without
//     any script, Referrer-Policy no-referrer, nosniff, no framing,
//     Cross-Origin-Opener-Policy and Cache-Control no-store;
//   - CSRF, stateless anti-forgery tokens bound to a browser cookie and to
//     the server-side flow step a form belongs to;
//   - Pages, which renders a templates page for a request (language from
//     Accept-Language, request ID, headers) and is the one place where an
//     error becomes a status, a branded error page and a log line that share
//     the request ID (Pages.Error, Pages.Handle, StatusOf).
//
// A handler that returns an error wrapped with WithStatus gets that status;
// ErrCSRF gives 403. Error texts go to the log, never to the user, so they
// must not carry secrets; Error itself logs only method, path, status and
// the error.
package web
