package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"
)

// PostgresDB creates a uniquely named, empty database through the admin
// connection, drops it when the test ends, and returns its URL.
func PostgresDB(tb testing.TB) string {
	tb.Helper()
	vals := Require(tb, "postgres", "POSTGRES_URL")
	admin := vals[0]
	if a, ok := Lookup("POSTGRES_ADMIN_URL"); ok && a != "" {
		admin = a
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("connect %s: %v", admin, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 8)
	rand.Read(b)
	name := "frontdoor_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			tb.Errorf("connect to drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(vals[0])
	if err != nil {
		tb.Fatalf("POSTGRES_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
