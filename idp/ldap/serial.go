package ldap

import (
	"context"
	"strings"
	"sync"
)

// accountWrites serialises, in this process, the writes that touch one
// account's lockout. On OpenLDAP a reset reads pwdAccountLockedTime, sets
// the password (slapd then deletes the lockout) and writes the lockout back
// unless asked to clear it; an unlock run in between is undone, and the
// deletes of the two collide ("no such attribute"). Run one after the
// other, either order leaves the account as both asked.
type accountWrites struct {
	mu   sync.Mutex
	held map[string]*accountWrite
}

type accountWrite struct {
	turn    chan struct{} // holds one token while a write runs
	waiters int           // under accountWrites.mu
}

// lock waits for the writes to dn before it, or for ctx to end, and
// returns the function that lets the next one go.
func (a *accountWrites) lock(ctx context.Context, dn string) (unlock func(), err error) {
	key := strings.ToLower(dn)
	a.mu.Lock()
	if a.held == nil {
		a.held = make(map[string]*accountWrite)
	}
	w := a.held[key]
	if w == nil {
		w = &accountWrite{turn: make(chan struct{}, 1)}
		a.held[key] = w
	}
	w.waiters++
	a.mu.Unlock()
	leave := func() {
		a.mu.Lock()
		if w.waiters--; w.waiters == 0 {
			delete(a.held, key)
		}
		a.mu.Unlock()
	}
	select {
	case w.turn <- struct{}{}:
		return func() { <-w.turn; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}
