package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/store"
)

var codeTests = []suiteTest{
	{"CodeSingleUse", testCodeSingleUse},
	{"CodeTries", testCodeTries},
	{"CodeResendVoids", testCodeResendVoids},
	{"CodeKeys", testCodeKeys},
	{"CodeExpiry", testCodeExpiry},
	{"CodePutInvalid", testCodePutInvalid},
	{"CodeParallelCorrect", testCodeParallelCorrect},
	{"CodeParallelWrong", testCodeParallelWrong},
}

// hashOf stands for the caller's hash: the suite only needs distinct bytes.
func hashOf(code string) []byte { return []byte("hash:" + code) }

func matching(code string) func([]byte) bool {
	return func(h []byte) bool { return bytes.Equal(h, hashOf(code)) }
}

func putCode(t *testing.T, s store.Store, flowID, method, purpose, code string, ttl time.Duration, tries int, now time.Time) {
	t.Helper()
	c := store.Code{FlowID: flowID, Method: method, Purpose: purpose, Hash: hashOf(code), ExpiresAt: now.Add(ttl), TriesLeft: tries}
	if err := s.Codes().Put(context.Background(), c); err != nil {
		t.Fatalf("Put() = %v", err)
	}
}

func verify(s store.Store, flowID, method, purpose, code string) (store.CodeResult, error) {
	return s.Codes().Verify(context.Background(), flowID, method, purpose, matching(code))
}

func testCodeSingleUse(t *testing.T, s store.Store, c *Clock) {
	f := mustFlow(t, s, c, 15*time.Minute)
	putCode(t, s, f.ID, "email", "gate1", "12345678", 10*time.Minute, 5, c.Now())
	var seen []byte
	res, err := s.Codes().Verify(context.Background(), f.ID, "email", "gate1", func(h []byte) bool {
		seen = h
		return bytes.Equal(h, hashOf("12345678"))
	})
	if err != nil || !res.OK {
		t.Fatalf("Verify(right code) = %+v, %v; want OK", res, err)
	}
	if !bytes.Equal(seen, hashOf("12345678")) {
		t.Errorf("match was given %q, want the stored hash", seen)
	}
	_, err = verify(s, f.ID, "email", "gate1", "12345678")
	wantErr(t, "Verify(same code again)", err, store.ErrNotFound)
}

func testCodeTries(t *testing.T, s store.Store, c *Clock) {
	f := mustFlow(t, s, c, 15*time.Minute)
	putCode(t, s, f.ID, "email", "gate1", "12345678", 10*time.Minute, 3, c.Now())
	for _, want := range []store.CodeResult{{TriesLeft: 2}, {TriesLeft: 1}, {TriesLeft: 0}} {
		res, err := verify(s, f.ID, "email", "gate1", "00000000")
		if err != nil || res != want {
			t.Fatalf("Verify(wrong code) = %+v, %v; want %+v", res, err, want)
		}
	}
	_, err := verify(s, f.ID, "email", "gate1", "12345678")
	wantErr(t, "Verify(right code) after the tries ran out", err, store.ErrNotFound)
}

func testCodeResendVoids(t *testing.T, s store.Store, c *Clock) {
	f := mustFlow(t, s, c, 15*time.Minute)
	putCode(t, s, f.ID, "email", "gate1", "11111111", 10*time.Minute, 2, c.Now())
	if res, err := verify(s, f.ID, "email", "gate1", "00000000"); err != nil || res.TriesLeft != 1 {
		t.Fatalf("Verify(wrong code) = %+v, %v; want 1 try left", res, err)
	}
	c.Advance(time.Minute)
	putCode(t, s, f.ID, "email", "gate1", "22222222", 10*time.Minute, 2, c.Now())
	// The resent code has fresh tries; the first code is void.
	res, err := verify(s, f.ID, "email", "gate1", "11111111")
	if err != nil || res.OK || res.TriesLeft != 1 {
		t.Fatalf("Verify(voided code) = %+v, %v; want a mismatch with 1 try left", res, err)
	}
	if res, err := verify(s, f.ID, "email", "gate1", "22222222"); err != nil || !res.OK {
		t.Fatalf("Verify(resent code) = %+v, %v; want OK", res, err)
	}
}

func testCodeKeys(t *testing.T, s store.Store, c *Clock) {
	f := mustFlow(t, s, c, 15*time.Minute)
	g := mustFlow(t, s, c, 15*time.Minute)
	keys := []struct{ flow, method, purpose, code string }{
		{f.ID, "email", "gate1", "10000001"},
		{f.ID, "sms", "gate1", "10000002"},
		{f.ID, "email", "gate2", "10000003"},
		{g.ID, "email", "gate1", "10000004"},
	}
	for _, k := range keys {
		putCode(t, s, k.flow, k.method, k.purpose, k.code, 10*time.Minute, 5, c.Now())
	}
	for _, k := range keys {
		if res, err := verify(s, k.flow, k.method, k.purpose, k.code); err != nil || !res.OK {
			t.Errorf("Verify(%s/%s) = %+v, %v; want OK: codes of other keys must stay", k.method, k.purpose, res, err)
		}
	}
}

func testCodeExpiry(t *testing.T, s store.Store, c *Clock) {
	f := mustFlow(t, s, c, 15*time.Minute)
	putCode(t, s, f.ID, "email", "gate1", "12345678", 10*time.Minute, 5, c.Now())
	c.Advance(10 * time.Minute)
	_, err := verify(s, f.ID, "email", "gate1", "12345678")
	wantErr(t, "Verify() at expiry", err, store.ErrExpired)
	wantErr(t, "Verify() at expiry", err, store.ErrNotFound)
}

func testCodePutInvalid(t *testing.T, s store.Store, c *Clock) {
	f := mustFlow(t, s, c, 15*time.Minute)
	exp := c.Now().Add(time.Minute)
	tests := []struct {
		name string
		code store.Code
		want error
	}{
		{"no hash", store.Code{FlowID: f.ID, ExpiresAt: exp, TriesLeft: 5}, store.ErrInvalid},
		{"no expiry", store.Code{FlowID: f.ID, Hash: []byte("h"), TriesLeft: 5}, store.ErrInvalid},
		{"no tries", store.Code{FlowID: f.ID, Hash: []byte("h"), ExpiresAt: exp}, store.ErrInvalid},
		{"no flow ID", store.Code{Hash: []byte("h"), ExpiresAt: exp, TriesLeft: 5}, store.ErrInvalid},
		{"unknown flow", store.Code{FlowID: store.NewID(), Hash: []byte("h"), ExpiresAt: exp, TriesLeft: 5}, store.ErrNotFound},
	}
	for _, tt := range tests {
		if err := s.Codes().Put(context.Background(), tt.code); !errors.Is(err, tt.want) {
			t.Errorf("Put(%s) = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func testCodeParallelCorrect(t *testing.T, s store.Store, c *Clock) {
	f := mustFlow(t, s, c, 15*time.Minute)
	putCode(t, s, f.ID, "email", "gate1", "12345678", 10*time.Minute, 5, c.Now())
	results := make([]store.CodeResult, 20)
	errs := parallel(20, func(i int) error {
		var err error
		results[i], err = verify(s, f.ID, "email", "gate1", "12345678")
		return err
	})
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil && results[i].OK:
			ok++
		case !errors.Is(err, store.ErrNotFound):
			t.Errorf("verify %d = %+v, %v; want OK or ErrNotFound", i, results[i], err)
		}
	}
	if ok != 1 {
		t.Errorf("%d parallel correct verifications succeeded, want exactly 1", ok)
	}
}

// testCodeParallelWrong: 12 parallel wrong submissions against 5 tries; each
// try is spent exactly once.
func testCodeParallelWrong(t *testing.T, s store.Store, c *Clock) {
	f := mustFlow(t, s, c, 15*time.Minute)
	putCode(t, s, f.ID, "email", "gate1", "12345678", 10*time.Minute, 5, c.Now())
	results := make([]store.CodeResult, 12)
	errs := parallel(12, func(i int) error {
		var err error
		results[i], err = verify(s, f.ID, "email", "gate1", "00000000")
		return err
	})
	left := map[int]int{}
	gone := 0
	for i, err := range errs {
		switch {
		case err == nil && !results[i].OK:
			left[results[i].TriesLeft]++
		case errors.Is(err, store.ErrNotFound):
			gone++
		default:
			t.Errorf("verify %d = %+v, %v; want a mismatch or ErrNotFound", i, results[i], err)
		}
	}
	for n := range 5 {
		if left[n] != 1 {
			t.Errorf("%d verifications saw %d tries left, want 1 (all: %v)", left[n], n, left)
		}
	}
	if gone != 7 {
		t.Errorf("%d verifications found no code, want 7", gone)
	}
}
