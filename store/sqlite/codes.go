package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/frontdoor-sspr/frontdoor/store"
)

type codes struct{ s *Store }

const (
	flowExistsSQL = "SELECT COUNT(*) FROM flows WHERE id = ?"
	putCodeSQL    = `INSERT INTO codes (flow_id, method, purpose, hash, expires_at, tries_left)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (flow_id, method, purpose) DO UPDATE SET
			hash = excluded.hash, expires_at = excluded.expires_at, tries_left = excluded.tries_left`
	getCodeSQL = `SELECT hash, expires_at, tries_left FROM codes
		WHERE flow_id = ? AND method = ? AND purpose = ?`
	deleteCodeSQL = "DELETE FROM codes WHERE flow_id = ? AND method = ? AND purpose = ?"
	triesLeftSQL  = "UPDATE codes SET tries_left = ? WHERE flow_id = ? AND method = ? AND purpose = ?"
)

func (c codes) Put(ctx context.Context, code store.Code) error {
	if code.FlowID == "" || len(code.Hash) == 0 || code.ExpiresAt.IsZero() || code.TriesLeft < 1 {
		return fmt.Errorf("sqlite: put code: FlowID, Hash, ExpiresAt and TriesLeft are required: %w", store.ErrInvalid)
	}
	err := c.s.write(ctx, func(tx wtx) error {
		var n int
		err := tx.QueryRowContext(ctx, flowExistsSQL, code.FlowID).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		// The upsert replaces hash, expiry and tries: the previous code of
		// the same flow, method and purpose is void from here on.
		_, err = tx.ExecContext(ctx, putCodeSQL, code.FlowID, code.Method, code.Purpose, code.Hash, nanos(code.ExpiresAt), code.TriesLeft)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: put code: %w", err)
	}
	return nil
}

func (c codes) Verify(ctx context.Context, flowID, method, purpose string, match func(hash []byte) bool) (store.CodeResult, error) {
	var res store.CodeResult
	err := c.s.write(ctx, func(tx wtx) error {
		var (
			hash    []byte
			expires int64
			tries   int
		)
		key := []any{flowID, method, purpose}
		err := tx.QueryRowContext(ctx, getCodeSQL, key...).Scan(&hash, &expires, &tries)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if !c.s.now().Before(fromNanos(expires)) {
			return store.ErrExpired
		}
		if match(hash) {
			res = store.CodeResult{OK: true}
			_, err = tx.ExecContext(ctx, deleteCodeSQL, key...)
			return err
		}
		res = store.CodeResult{TriesLeft: tries - 1}
		if res.TriesLeft <= 0 {
			_, err = tx.ExecContext(ctx, deleteCodeSQL, key...)
			return err
		}
		_, err = tx.ExecContext(ctx, triesLeftSQL, append([]any{res.TriesLeft}, key...)...)
		return err
	})
	if err != nil {
		return store.CodeResult{}, fmt.Errorf("sqlite: verify code: %w", err)
	}
	return res, nil
}
