package proxy

import (
	"log"
	"log/slog"
)

// slogErrorLog routes httputil.ReverseProxy's own messages to slog.
func slogErrorLog(l *slog.Logger) *log.Logger {
	return slog.NewLogLogger(l.Handler(), slog.LevelWarn)
}
