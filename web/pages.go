package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
	"golang.org/x/text/language"
)

// Pages renders frontdoor's pages for requests: it picks the language (the
// switcher's choice, else Accept-Language), fills in the request ID, sets the
// security headers, and turns errors into the branded error page.
type Pages struct {
	Templates *templates.Set
	// Secure marks the language cookie Secure (public_url is https).
	Secure bool
	// Home is where the error page's link back goes; "/" when empty.
	Home string
	// Logger is used for requests whose context carries none: those passed
	// through, which RequestIDs.Stamp gave an ID but no logger (an error
	// page for one still logs, with that ID); slog.Default() when nil.
	Logger *slog.Logger
}

// logger returns the request's logger, or Pages.Logger with the request ID
// for a request that did not pass through RequestIDs.
func (p *Pages) logger(r *http.Request, id string) *slog.Logger {
	if l := contextLogger(r.Context()); l != nil {
		return l
	}
	l := p.Logger
	if l == nil {
		l = slog.Default()
	}
	return l.With("request_id", id)
}

// Render writes page name with status. View.Lang, when zero, is the
// request's (templates.Set.Lang: ?lang=, its cookie, Accept-Language), and a
// ?lang= choice is remembered in a cookie; View.Here, when empty, is the
// request's own query for a GET, so that the language switcher comes back to
// the same page; View.RequestID, when empty, is the request's ID. The page is
// rendered fully before anything is written; if it fails, the failure is
// logged and a bare 500 is sent instead.
func (p *Pages) Render(w http.ResponseWriter, r *http.Request, status int, name string, v templates.View) {
	if v.Lang == language.Und {
		v.Lang = p.Templates.Lang(r)
		if c := p.Templates.LangCookie(r); c != nil {
			c.Secure = p.Secure
			http.SetCookie(w, c)
		}
	}
	if v.Here == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		v.Here = "?" + r.URL.RawQuery // relative: the switcher never leaves the page's path
	}
	if v.RequestID == "" {
		v.RequestID = ensureRequestID(w, r)
	}
	var buf bytes.Buffer
	h := w.Header()
	scripts := h.Get("Content-Security-Policy") == ScriptContentSecurityPolicy // AllowScripts was called
	SetPageHeaders(h)
	if scripts {
		AllowScripts(h)
	}
	if err := p.Templates.Render(&buf, name, v); err != nil {
		p.logger(r, v.RequestID).Error("rendering a page failed", "page", name, "err", err)
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "Internal Server Error\nRequest ID: %s\n", v.RequestID)
		return
	}
	h.Del("Content-Encoding")
	h.Del("ETag")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Add("Vary", "Accept-Language, Cookie")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Error is the one place that turns an error into a response: it logs the
// error with the request ID, method and path (never the query, form or
// cookies, which may carry secrets), and renders the branded error page with
// the same request ID and a message for the status. A status of 0 is taken
// from the error (StatusOf). The user sees only the generic message for the
// status, never the error text. Error fits proxy.Options.ErrorPage.
func (p *Pages) Error(w http.ResponseWriter, r *http.Request, status int, err error) {
	if status == 0 {
		status = StatusOf(err)
	}
	id := ensureRequestID(w, r)
	level := slog.LevelWarn
	if status >= 500 {
		level = slog.LevelError
	}
	p.logger(r, id).Log(r.Context(), level, "request failed", "status", status, "method", r.Method, "path", r.URL.Path, "err", errText(err))
	kind := errorKind(status)
	if part := partDown(err); part != "" && kind == "unavailable" {
		kind += "_" + part
	}
	home := p.Home
	if home == "" {
		home = "/"
	}
	p.Render(w, r, status, "error", templates.View{RequestID: id, Data: templates.ErrorInfo{
		Status: status, Title: "error." + kind + ".title", Message: "error." + kind + ".message", Back: home,
	}})
}

// Page returns a handler that renders one fixed page, such as the
// placeholder or not_configured page, for GET and HEAD; other methods get the
// 405 error page.
func (p *Pages) Page(status int, name string, data any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			p.Error(w, r, http.StatusMethodNotAllowed, fmt.Errorf("%s on page %s", r.Method, name))
			return
		}
		p.Render(w, r, status, name, templates.View{Data: data})
	})
}

// HandlerFunc is a handler that may fail; Pages.Handle sends its error
// through Pages.Error.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handle adapts h to an http.Handler.
func (p *Pages) Handle(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			p.Error(w, r, 0, err)
		}
	})
}

// StatusError gives an error the HTTP status it should be answered with.
type StatusError struct {
	Status int
	Err    error
	// Part names what is down for a 503 (see Down), or is empty.
	Part string
}

func (e *StatusError) Error() string {
	if e.Err == nil {
		return http.StatusText(e.Status)
	}
	return e.Err.Error()
}

func (e *StatusError) Unwrap() error { return e.Err }

// Down wraps err, the failure of a part frontdoor depends on, as a 503 whose
// page names that part in the user's words: part is "directory" (the
// account directory) or "sign_in" (the sign-in page, the upstream).
func Down(part string, err error) error {
	return &StatusError{Status: http.StatusServiceUnavailable, Err: err, Part: part}
}

func partDown(err error) string {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Part
	}
	return ""
}

// WithStatus wraps err with an HTTP status.
func WithStatus(status int, err error) error {
	return &StatusError{Status: status, Err: err}
}

// StatusOf returns the status an error should be answered with: a
// StatusError's own, 403 for a CSRF failure, 413 for a body over the limit,
// 503 for a deadline or a store out of reach, otherwise 500.
func StatusOf(err error) int {
	var se *StatusError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &se):
		return se.Status
	case errors.Is(err, ErrCSRF):
		return http.StatusForbidden
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, store.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorKind names the catalog messages for a status.
func errorKind(status int) string {
	switch {
	case status == http.StatusForbidden:
		return "forbidden"
	case status == http.StatusNotFound:
		return "not_found"
	case status == http.StatusMethodNotAllowed:
		return "method"
	case status == http.StatusRequestEntityTooLarge:
		return "too_large"
	case status == http.StatusTooManyRequests:
		return "rate_limited"
	case status == http.StatusBadGateway, status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		return "unavailable"
	case status >= 400 && status < 500:
		return "bad_request"
	}
	return "internal"
}

// ensureRequestID returns the request's ID, or makes one and sets it on the
// response for a request that did not pass through RequestIDs.
func ensureRequestID(w http.ResponseWriter, r *http.Request) string {
	if id := RequestID(r.Context()); id != "" {
		return id
	}
	if id := w.Header().Get(RequestIDHeader); id != "" {
		return id
	}
	id := NewRequestID()
	w.Header().Set(RequestIDHeader, id)
	return id
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
