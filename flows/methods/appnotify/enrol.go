package appnotify

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Setup is what the security info page shows after Enroll.
type Setup struct {
	// Topic is the ntfy topic to subscribe to in the app (a 128-bit random
	// name: whoever knows it can read the pushes); "" for Duo.
	Topic string
	// SubscribeURL is the topic's address on the ntfy server; "" for Duo.
	SubscribeURL string
}

// Enroll registers u's phone with the configured provider, replacing an
// earlier registration. With Duo the account's Duo user name is its login,
// and Duo must say the user can receive pushes (ErrNotReady otherwise);
// with ntfy a new random topic is made, to subscribe to in the app.
func (m *AppNotify) Enroll(ctx context.Context, u idp.User) (Setup, methods.Change, error) {
	var s Setup
	ref := u.Login
	if m.Provider.CallsBack() {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return Setup{}, methods.Change{}, err
		}
		ref = "fd-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
		s.Topic = ref
		if n, ok := m.Provider.(*Ntfy); ok {
			s.SubscribeURL = strings.TrimSuffix(n.URL, "/") + "/" + ref
		}
	}
	if err := m.Provider.Ready(ctx, ref); err != nil {
		return Setup{}, methods.Change{}, err
	}
	old, err := m.registration(ctx, u.ID)
	if err != nil {
		return Setup{}, methods.Change{}, fmt.Errorf("appnotify: read registration: %w", err)
	}
	reg := Registration{Provider: m.ProviderName, Ref: ref, At: m.Now().UTC()}
	if err := m.Registrations.SetSection(ctx, u.ID, Name, reg); err != nil {
		return Setup{}, methods.Change{}, fmt.Errorf("appnotify: store registration: %w", err)
	}
	action := methods.ChangeRegistered
	if old.Ref != "" {
		action = methods.ChangeReplaced
	}
	return s, methods.Change{Method: Name, UserID: u.ID, Action: action, At: reg.At}, nil
}

// Remove deletes u's registration; ok is false when there was none.
func (m *AppNotify) Remove(ctx context.Context, u idp.User) (methods.Change, bool, error) {
	old, err := m.registration(ctx, u.ID)
	if err != nil || old.Ref == "" {
		return methods.Change{}, false, err
	}
	if err := m.Registrations.SetSection(ctx, u.ID, Name, nil); err != nil {
		return methods.Change{}, false, fmt.Errorf("appnotify: remove registration: %w", err)
	}
	return methods.Change{Method: Name, UserID: u.ID, Action: methods.ChangeRemoved, At: m.Now().UTC()}, true, nil
}

// Registered tells whether u has a phone registered, and since when.
func (m *AppNotify) Registered(ctx context.Context, u idp.User) (bool, time.Time, error) {
	reg, err := m.registration(ctx, u.ID)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("appnotify: read registration: %w", err)
	}
	return reg.Ref != "", reg.At, nil
}
