package registration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"

	"github.com/frontdoor-sspr/frontdoor/store"
)

// updateTries is how many times an update reads again after losing a
// compare-and-swap to a concurrent write.
const updateTries = 8

// Store reads and writes users' registrations in a store.Registrations,
// sealed with a Keyring. It implements methods.Registrations.
type Store struct {
	Regs store.Registrations
	Keys *Keyring
	// Log reports documents that could not be re-sealed under the primary
	// key; slog.Default() when nil.
	Log *slog.Logger
}

// document is a user's registration, decrypted: sections by name.
type document map[string]json.RawMessage

// userAAD binds a document to its user.
func userAAD(userID string) string { return "user\x00" + userID }

// load reads and opens userID's document; a user without one gets an
// empty document at Version 0.
func (s *Store) load(ctx context.Context, userID string) (document, store.Registration, string, error) {
	reg, err := s.Regs.Get(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return document{}, store.Registration{User: userID}, s.Keys.Primary(), nil
	}
	if err != nil {
		return nil, reg, "", err
	}
	plain, keyID, err := s.Keys.Open(userAAD(userID), reg.Data)
	if err != nil {
		return nil, reg, keyID, fmt.Errorf("registration of %s: %w", userID, err)
	}
	doc := document{}
	if err := json.Unmarshal(plain, &doc); err != nil {
		return nil, reg, keyID, fmt.Errorf("registration of %s: %w", userID, err)
	}
	return doc, reg, keyID, nil
}

// save seals doc and writes it over reg if reg's Version is still current.
func (s *Store) save(ctx context.Context, reg store.Registration, doc document) error {
	plain, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	reg.Data = s.Keys.Seal(userAAD(reg.User), plain)
	return s.Regs.Put(ctx, reg)
}

// Section decodes the section name of userID's registration into v and
// reports whether there is one. A document sealed under an older key is
// sealed again under the primary key, so that the old key can be retired.
func (s *Store) Section(ctx context.Context, userID, name string, v any) (bool, error) {
	doc, reg, keyID, err := s.load(ctx, userID)
	if err != nil {
		return false, err
	}
	if reg.Version > 0 && keyID != s.Keys.Primary() {
		if err := s.save(ctx, reg, doc); err != nil && !errors.Is(err, store.ErrConflict) {
			s.log().Warn("re-sealing a registration under the primary key failed", "user", userID, "key", keyID, "err", err)
		}
	}
	raw, ok := doc[name]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("registration of %s: section %s: %w", userID, name, err)
	}
	return true, nil
}

// SetSection replaces the section name of userID's registration with v;
// nil removes it.
func (s *Store) SetSection(ctx context.Context, userID, name string, v any) error {
	return s.modify(ctx, userID, func(doc document) error {
		if v == nil {
			delete(doc, name)
			return nil
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		doc[name] = raw
		return nil
	})
}

// Update reads the section name of userID into v (a pointer, zeroed
// first), calls fn with whether the section was there, and writes v back,
// all as one compare-and-swap on the document: when another write comes
// between, it reads again and calls fn again. An error from fn aborts the
// update. A v that encodes as null removes the section.
func (s *Store) Update(ctx context.Context, userID, name string, v any, fn func(found bool) error) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("registration: Update needs a non-nil pointer")
	}
	return s.modify(ctx, userID, func(doc document) error {
		rv.Elem().SetZero()
		raw, found := doc[name]
		if found {
			if err := json.Unmarshal(raw, v); err != nil {
				return fmt.Errorf("registration of %s: section %s: %w", userID, name, err)
			}
		}
		if err := fn(found); err != nil {
			return err
		}
		out, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if string(out) == "null" {
			delete(doc, name)
		} else {
			doc[name] = out
		}
		return nil
	})
}

// modify is the optimistic update loop of a document.
func (s *Store) modify(ctx context.Context, userID string, fn func(document) error) error {
	if userID == "" {
		return fmt.Errorf("registration: no user ID: %w", store.ErrInvalid)
	}
	for range updateTries {
		doc, reg, _, err := s.load(ctx, userID)
		if err != nil {
			return err
		}
		if err := fn(doc); err != nil {
			return err
		}
		err = s.save(ctx, reg, doc)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("registration of %s: %w", userID, err)
		}
		return nil
	}
	return fmt.Errorf("registration of %s: %w", userID, store.ErrConflict)
}

func (s *Store) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
