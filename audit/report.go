package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// Report writes the events that pass f as JSON lines, oldest first, for
// `frontdoor audit` and the tools an operator pipes it into.
func Report(ctx context.Context, w io.Writer, a store.Audit, f store.Filter) (int, error) {
	events, err := a.List(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("audit: %w", err)
	}
	enc := json.NewEncoder(w)
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		line := struct {
			Time      string            `json:"time"`
			Type      string            `json:"type"`
			Outcome   string            `json:"outcome,omitempty"`
			User      string            `json:"user,omitempty"`
			IP        string            `json:"ip,omitempty"`
			Flow      string            `json:"flow,omitempty"`
			RequestID string            `json:"request_id,omitempty"`
			Detail    map[string]string `json:"detail,omitempty"`
		}{e.Time.UTC().Format("2006-01-02T15:04:05Z"), e.Type, e.Outcome, e.User, e.IP, e.Flow, e.RequestID, e.Detail}
		if err := enc.Encode(line); err != nil {
			return 0, fmt.Errorf("audit: %w", err)
		}
	}
	return len(events), nil
}
