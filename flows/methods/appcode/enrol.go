package appcode

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Errors of Confirm.
var (
	// ErrNoPending means there is no key waiting for confirmation (never
	// begun, or begun more than PendingTTL ago).
	ErrNoPending = errors.New("appcode: no key to confirm")
	// ErrTooMany means too many wrong codes were tried; wait and begin again.
	ErrTooMany = errors.New("appcode: too many wrong codes")
)

// PendingTTL is how long a key shown by Begin waits for its first code.
const PendingTTL = 15 * time.Minute

// Confirmation tries per account in a window, against guessing a code at
// the security info page (which needs a signed-in session already).
const (
	confirmMax    = 5
	confirmWindow = 15 * time.Minute
	qrSize        = 256
)

// Setup is what the security info page shows to add the app: the QR code
// and, for those who cannot scan it, the key as text.
type Setup struct {
	// URL is the otpauth:// URL the QR code holds; never put it in a log or
	// a URL: it is the key.
	URL string
	// Key is the base32 key in groups of four, to type in.
	Key string
	// PNG is the QR code, 256 pixels square.
	PNG []byte
	// DataURL is PNG as a data: URL for an img src (the pages' CSP allows
	// data: images); wrap it in template.URL to use it in html/template.
	DataURL string
}

// Begin makes a new key for u and keeps it pending until Confirm; a key
// already confirmed keeps working until then. The account name shown in
// the app is u's login.
func (a *AppCode) Begin(ctx context.Context, u idp.User) (Setup, error) {
	name := u.Login
	if name == "" {
		name = u.ID
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: a.Issuer, AccountName: name,
		Period: uint(Period / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Setup{}, fmt.Errorf("appcode: generate key: %w", err)
	}
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return Setup{}, fmt.Errorf("appcode: QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Setup{}, fmt.Errorf("appcode: QR code: %w", err)
	}
	reg, _, err := a.registration(ctx, u.ID)
	if err != nil {
		return Setup{}, fmt.Errorf("appcode: read registration: %w", err)
	}
	reg.Pending, reg.PendingAt = key.Secret(), a.Now().UTC()
	if err := a.Registrations.SetSection(ctx, u.ID, Name, reg); err != nil {
		return Setup{}, fmt.Errorf("appcode: store registration: %w", err)
	}
	return Setup{URL: key.URL(), Key: group(key.Secret()), PNG: buf.Bytes(),
		DataURL: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// group writes a key in groups of four characters.
func group(s string) string {
	var parts []string
	for len(s) > 4 {
		parts, s = append(parts, s[:4]), s[4:]
	}
	return strings.Join(append(parts, s), " ")
}

// Confirm checks the first code of the pending key; a right one makes the
// key u's (replacing an earlier one) and uses up its step. A wrong one is
// methods.ErrMismatch; more than confirmMax in confirmWindow ErrTooMany.
func (a *AppCode) Confirm(ctx context.Context, u idp.User, code string) (methods.Change, error) {
	reg, _, err := a.registration(ctx, u.ID)
	if err != nil {
		return methods.Change{}, fmt.Errorf("appcode: read registration: %w", err)
	}
	if reg.Pending == "" || a.Now().Sub(reg.PendingAt) > PendingTTL {
		return methods.Change{}, ErrNoPending
	}
	step, ok := Match(reg.Pending, code, a.Now())
	if ok {
		if ok, err = a.claim(ctx, u.ID, step); err != nil {
			return methods.Change{}, err
		}
	}
	if !ok {
		allowed, _, _, err := a.Limits.Hit(ctx, "app_code:confirm:"+u.ID, confirmWindow, confirmMax)
		if err != nil {
			return methods.Change{}, fmt.Errorf("appcode: rate limit: %w", err)
		}
		if !allowed {
			return methods.Change{}, ErrTooMany
		}
		return methods.Change{}, methods.ErrMismatch
	}
	action := methods.ChangeRegistered
	if reg.Secret != "" {
		action = methods.ChangeReplaced
	}
	now := a.Now().UTC()
	reg = Registration{Secret: reg.Pending, At: now}
	if err := a.Registrations.SetSection(ctx, u.ID, Name, reg); err != nil {
		return methods.Change{}, fmt.Errorf("appcode: store registration: %w", err)
	}
	return methods.Change{Method: Name, UserID: u.ID, Action: action, At: now}, nil
}

// Registered tells whether u has a confirmed key, and since when.
func (a *AppCode) Registered(ctx context.Context, u idp.User) (bool, time.Time, error) {
	reg, _, err := a.registration(ctx, u.ID)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("appcode: read registration: %w", err)
	}
	return reg.Secret != "", reg.At, nil
}

// Remove deletes u's key (and a pending one). ok is false when there was no
// confirmed key: nothing to notify.
func (a *AppCode) Remove(ctx context.Context, u idp.User) (methods.Change, bool, error) {
	reg, had, err := a.registration(ctx, u.ID)
	if err != nil || !had {
		return methods.Change{}, false, err
	}
	if err := a.Registrations.SetSection(ctx, u.ID, Name, nil); err != nil {
		return methods.Change{}, false, fmt.Errorf("appcode: remove registration: %w", err)
	}
	if reg.Secret == "" {
		return methods.Change{}, false, nil
	}
	return methods.Change{Method: Name, UserID: u.ID, Action: methods.ChangeRemoved, At: a.Now().UTC()}, true, nil
}
