package call

import (
	"context"
	"log/slog"
	"regexp"
)

// digitRun matches what may be a phone number: 6 digits or more, with an
// optional +.
var digitRun = regexp.MustCompile(`\+?[0-9]{6,}`)

// redacted wraps the SIP stack's logger: only warnings and errors pass,
// with every run of digits that may be a phone number masked, in the
// message and in string values. The stack logs SIP URIs, which hold the
// number dialled.
type redacted struct{ h slog.Handler }

func newRedactedLogger(l *slog.Logger) *slog.Logger { return slog.New(redacted{l.Handler()}) }

func (r redacted) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= slog.LevelWarn && r.h.Enabled(ctx, level)
}

func (r redacted) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, mask(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r redacted) WithAttrs(as []slog.Attr) slog.Handler {
	for i := range as {
		as[i] = maskAttr(as[i])
	}
	return redacted{r.h.WithAttrs(as)}
}

func (r redacted) WithGroup(name string) slog.Handler { return redacted{r.h.WithGroup(name)} }

func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, mask(v.String()))
	case slog.KindGroup:
		as := v.Group()
		out := make([]any, len(as))
		for i, g := range as {
			out[i] = maskAttr(g)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		return slog.String(a.Key, mask(v.String()))
	}
	return a
}

func mask(s string) string { return digitRun.ReplaceAllString(s, "***") }

// Redact masks what may be phone numbers in s (an error's text) before it
// is logged.
func Redact(s string) string { return mask(s) }
