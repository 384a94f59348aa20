package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/store"
)

type audit struct{ s *Store }

func (a audit) Append(ctx context.Context, e store.Event) error {
	if e.Type == "" {
		return fmt.Errorf("postgres: audit append: Type is required: %w", store.ErrInvalid)
	}
	if e.Time.IsZero() {
		e.Time = a.s.now()
	}
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return dbError("audit append", err)
	}
	_, err = a.s.pool.Exec(ctx, `INSERT INTO audit_events
		(time, type, flow, user_ref, ip, request_id, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.Time, e.Type, e.Flow, e.User, e.IP, e.RequestID, e.Outcome, string(detail))
	if err != nil {
		return dbError("audit append", err)
	}
	return nil
}

func (a audit) List(ctx context.Context, f store.Filter) ([]store.Event, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if !f.Since.IsZero() {
		add("time >=", f.Since)
	}
	if !f.Until.IsZero() {
		add("time <", f.Until)
	}
	if f.User != "" {
		add("user_ref =", f.User)
	}
	if f.Type != "" {
		add("type =", f.Type)
	}
	if f.Flow != "" {
		add("flow =", f.Flow)
	}
	q := "SELECT id, time, type, flow, user_ref, ip, request_id, outcome, detail::text FROM audit_events"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY time DESC, id DESC"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += " LIMIT $" + strconv.Itoa(len(args))
	}
	rows, err := a.s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, dbError("audit list", err)
	}
	defer rows.Close()
	var events []store.Event
	for rows.Next() {
		var (
			e      store.Event
			detail string
		)
		if err := rows.Scan(&e.ID, &e.Time, &e.Type, &e.Flow, &e.User, &e.IP, &e.RequestID, &e.Outcome, &detail); err != nil {
			return nil, dbError("audit list", err)
		}
		e.Time = e.Time.UTC()
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			return nil, fmt.Errorf("postgres: audit list: event %d detail: %w", e.ID, err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("audit list", err)
	}
	return events, nil
}
