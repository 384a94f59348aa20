package call

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedactedLogger(t *testing.T) {
	var buf bytes.Buffer
	log := newRedactedLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log.Info("INVITE sip:+14155550101@pbx")
	log.With("to", "sip:+14155550101@pbx").Warn("call to sip:+14155550101@pbx failed",
		"err", errors.New("no route to +14155550101"), slog.Group("g", "uri", "14155550101"), "port", 5060)
	out := buf.String()
	if strings.Contains(out, "4155550101") || strings.Contains(out, "INVITE") {
		t.Errorf("the log holds the number or an info line:\n%s", out)
	}
	if !strings.Contains(out, "failed") || !strings.Contains(out, "port=5060") {
		t.Errorf("the warning is gone:\n%s", out)
	}
}
