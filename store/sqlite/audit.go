package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/store"
)

type audit struct{ s *Store }

const appendEventSQL = `INSERT INTO audit_events
	(time, type, flow, user_ref, ip, request_id, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

func (a audit) Append(ctx context.Context, e store.Event) error {
	if e.Type == "" {
		return fmt.Errorf("sqlite: audit append: Type is required: %w", store.ErrInvalid)
	}
	if e.Time.IsZero() {
		e.Time = a.s.now()
	}
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return fmt.Errorf("sqlite: audit append: %w", err)
	}
	err = a.s.write(ctx, func(tx wtx) error {
		_, err := tx.ExecContext(ctx, appendEventSQL, nanos(e.Time), e.Type, e.Flow, e.User, e.IP, e.RequestID, e.Outcome, string(detail))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: audit append: %w", err)
	}
	return nil
}

func (a audit) List(ctx context.Context, f store.Filter) ([]store.Event, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if !f.Since.IsZero() {
		add("time >= ?", nanos(f.Since))
	}
	if !f.Until.IsZero() {
		add("time < ?", nanos(f.Until))
	}
	if f.User != "" {
		add("user_ref = ?", f.User)
	}
	if f.Type != "" {
		add("type = ?", f.Type)
	}
	if f.Flow != "" {
		add("flow = ?", f.Flow)
	}
	q := "SELECT id, time, type, flow, user_ref, ip, request_id, outcome, detail FROM audit_events"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY time DESC, id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := a.s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit list: %w", err)
	}
	defer rows.Close()
	var events []store.Event
	for rows.Next() {
		var (
			e      store.Event
			t      int64
			detail string
		)
		if err := rows.Scan(&e.ID, &t, &e.Type, &e.Flow, &e.User, &e.IP, &e.RequestID, &e.Outcome, &detail); err != nil {
			return nil, fmt.Errorf("sqlite: audit list: %w", err)
		}
		e.Time = fromNanos(t)
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			return nil, fmt.Errorf("sqlite: audit list: event %d detail: %w", e.ID, err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: audit list: %w", err)
	}
	return events, nil
}
