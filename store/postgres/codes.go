package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdoor-sspr/frontdoor/store"
)

type codes struct{ s *Store }

func (c codes) Put(ctx context.Context, code store.Code) error {
	if code.FlowID == "" || len(code.Hash) == 0 || code.ExpiresAt.IsZero() || code.TriesLeft < 1 {
		return fmt.Errorf("postgres: put code: FlowID, Hash, ExpiresAt and TriesLeft are required: %w", store.ErrInvalid)
	}
	// The insert selects from flows, so a missing flow inserts nothing; the
	// flow's row is locked (FOR KEY SHARE by the foreign key) until commit.
	// The upsert replaces hash, expiry and tries: the previous code of the
	// same flow, method and purpose is void from here on.
	tag, err := c.s.pool.Exec(ctx, `INSERT INTO codes (flow_id, method, purpose, hash, expires_at, tries_left)
		SELECT id, $2, $3, $4, $5, $6 FROM flows WHERE id = $1
		ON CONFLICT (flow_id, method, purpose) DO UPDATE SET
			hash = excluded.hash, expires_at = excluded.expires_at, tries_left = excluded.tries_left`,
		code.FlowID, code.Method, code.Purpose, code.Hash, code.ExpiresAt, code.TriesLeft)
	if err != nil {
		return dbError("put code", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: put code: %w", store.ErrNotFound)
	}
	return nil
}

func (c codes) Verify(ctx context.Context, flowID, method, purpose string, match func(hash []byte) bool) (store.CodeResult, error) {
	var res store.CodeResult
	key := keyArgs(flowID, method, purpose)
	const where = " WHERE flow_id = @flow AND method = @method AND purpose = @purpose"
	err := c.s.tx(ctx, func(tx pgx.Tx) error {
		var (
			hash    []byte
			expires time.Time
			tries   int
		)
		// FOR UPDATE makes parallel verifications of one code take turns:
		// the second sees the row deleted or its tries spent.
		err := tx.QueryRow(ctx, "SELECT hash, expires_at, tries_left FROM codes"+where+" FOR UPDATE", key).
			Scan(&hash, &expires, &tries)
		if noRows(err) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if !c.s.now().Before(expires) {
			return store.ErrExpired
		}
		if match(hash) {
			res = store.CodeResult{OK: true}
			_, err = tx.Exec(ctx, "DELETE FROM codes"+where, key)
			return err
		}
		res = store.CodeResult{TriesLeft: tries - 1}
		if res.TriesLeft <= 0 {
			_, err = tx.Exec(ctx, "DELETE FROM codes"+where, key)
			return err
		}
		key["tries"] = res.TriesLeft
		_, err = tx.Exec(ctx, "UPDATE codes SET tries_left = @tries"+where, key)
		return err
	})
	if err != nil {
		return store.CodeResult{}, dbError("verify code", err)
	}
	return res, nil
}

// keyArgs is the primary key of a code as query arguments.
func keyArgs(flowID, method, purpose string) pgx.NamedArgs {
	return pgx.NamedArgs{"flow": flowID, "method": method, "purpose": purpose}
}
