package idptest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Memory is a test double, not a backend: an in-memory directory for the
// flows' unit tests, which need no server. Users are keyed by their stable
// ID (idp.User.ID) and found by login or mail address, case-insensitively;
// they need no DN. Groups and containers are plain names the test chooses.
//
// Memory implements every idp capability. Its knobs inject the failures a
// real directory has (FailLookups, FailWrites) and it counts what it was
// asked to do (Calls), failed attempts included. Without returns the same
// directory with a capability hidden. It is safe for concurrent use.
type Memory struct {
	mu         sync.Mutex
	users      map[string]*memUser // by ID
	groups     map[string]map[string]bool
	containers map[string]map[string]bool
	lookupErr  error
	writeErr   error
	loseAnswer bool
	calls      Calls
	latency    time.Duration
	changes    int // password changes, for PasswordSet
}

type memUser struct {
	u        idp.User
	password string
}

// Calls counts the requests a Memory received, failed ones included.
type Calls struct {
	Lookups, SetPassword, ChangePassword, Unlock, EndSessions int
}

// Writes is the number of write attempts of every kind.
func (c Calls) Writes() int { return c.SetPassword + c.ChangePassword + c.Unlock }

var (
	_ idp.Directory       = (*Memory)(nil)
	_ idp.PasswordSetter  = (*Memory)(nil)
	_ idp.PasswordChanger = (*Memory)(nil)
	_ idp.Unlocker        = (*Memory)(nil)
	_ idp.GroupMember     = (*Memory)(nil)
	_ idp.GroupLister     = (*Memory)(nil)
	_ idp.Container       = (*Memory)(nil)
	_ idp.SessionEnder    = (*Memory)(nil)
)

// NewMemory returns a Memory holding users (see Add).
func NewMemory(users ...idp.User) *Memory {
	m := &Memory{users: map[string]*memUser{}, groups: map[string]map[string]bool{}, containers: map[string]map[string]bool{}}
	for _, u := range users {
		m.Add(u, "")
	}
	return m
}

// Add stores u with password, replacing the user of the same ID, and puts
// it in the groups listed in u.Groups. It panics on a user without an ID,
// which no backend returns.
func (m *Memory) Add(u idp.User, password string) {
	if u.ID == "" {
		panic("idptest: Memory.Add of a user without an ID")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users[u.ID] = &memUser{u: clone(u), password: password}
	for _, g := range u.Groups {
		m.addToGroup(g, u.ID)
	}
}

// Update changes the stored user of id with fn, as an administrator or
// another process would between two requests of a flow.
func (m *Memory) Update(id string, fn func(u *idp.User)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.users[id]
	if !ok {
		panic(fmt.Sprintf("idptest: Memory.Update of unknown user %q", id))
	}
	fn(&e.u)
	e.u.ID = id
}

// Remove deletes the user of id.
func (m *Memory) Remove(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.users, id)
}

// User returns the stored user of id and its password.
func (m *Memory) User(id string) (idp.User, string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.users[id]
	if !ok {
		return idp.User{}, "", false
	}
	return clone(e.u), e.password, true
}

// AddToGroup makes the users of ids members of group.
func (m *Memory) AddToGroup(group string, ids ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		m.addToGroup(group, id)
	}
}

func (m *Memory) addToGroup(group, id string) {
	if m.groups[group] == nil {
		m.groups[group] = map[string]bool{}
	}
	m.groups[group][id] = true
	if e, ok := m.users[id]; ok && !slices.Contains(e.u.Groups, group) {
		e.u.Groups = append(e.u.Groups, group)
	}
}

// RemoveFromGroup takes the users of ids out of group.
func (m *Memory) RemoveFromGroup(group string, ids ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		delete(m.groups[group], id)
		if e, ok := m.users[id]; ok {
			e.u.Groups = slices.DeleteFunc(e.u.Groups, func(g string) bool { return g == group })
		}
	}
}

// PutIn places the users of ids inside container (an OU, for Container).
func (m *Memory) PutIn(container string, ids ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.containers[container] == nil {
		m.containers[container] = map[string]bool{}
	}
	for _, id := range ids {
		m.containers[container][id] = true
	}
}

// SetLatency makes every Lookup and IsMember take d longer, as a slow or
// distant directory does (each is one round trip to a real one).
func (m *Memory) SetLatency(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.latency = d
}

// wait sleeps for the latency, outside the lock.
func (m *Memory) wait() {
	m.mu.Lock()
	d := m.latency
	m.mu.Unlock()
	time.Sleep(d)
}

// FailLookups makes every Lookup fail with err from now on; nil mends it.
// Pass idp.ErrUnavailable for a directory that cannot be reached.
func (m *Memory) FailLookups(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lookupErr = err
}

// FailWrites makes every write (SetPassword, ChangePassword, Unlock) fail
// with err from now on, writing nothing; nil mends it. Pass
// idp.ErrUnavailable, or a *idp.PolicyError for the directory's own policy.
func (m *Memory) FailWrites(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writeErr = err
}

// LoseAnswers makes SetPassword and ChangePassword carry out the write, and
// then fail with idp.ErrUnavailable, as when the line breaks before the
// answer comes.
func (m *Memory) LoseAnswers(lose bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.loseAnswer = lose
}

// EndSessions implements idp.SessionEnder; it only counts.
func (m *Memory) EndSessions(_ context.Context, u idp.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls.EndSessions++
	if _, ok := m.users[u.ID]; !ok {
		return fmt.Errorf("idptest: end sessions of %q: %w", u.ID, idp.ErrNotFound)
	}
	return nil
}

// Calls returns what the directory was asked so far.
func (m *Memory) Calls() Calls {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls
}

// Lookup implements idp.Directory: login matches a user's login or any of
// its mail addresses, ignoring case.
func (m *Memory) Lookup(_ context.Context, login string) (idp.User, error) {
	m.wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls.Lookups++
	if m.lookupErr != nil {
		return idp.User{}, fmt.Errorf("idptest: lookup %q: %w", login, m.lookupErr)
	}
	var found []*memUser
	for _, e := range m.users {
		if strings.EqualFold(e.u.Login, login) || slices.ContainsFunc(e.u.Emails, func(a string) bool { return strings.EqualFold(a, login) }) {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return idp.User{}, fmt.Errorf("idptest: lookup %q: %w", login, idp.ErrNotFound)
	case 1:
		return clone(found[0].u), nil
	}
	return idp.User{}, fmt.Errorf("idptest: lookup %q: %w", login, idp.ErrAmbiguous)
}

// entry returns the stored user u names, counting a write attempt with
// count; it fails as the knobs say.
func (m *Memory) entry(u idp.User, count *int) (*memUser, error) {
	*count++
	if m.writeErr != nil {
		return nil, fmt.Errorf("idptest: write %q: %w", u.ID, m.writeErr)
	}
	e, ok := m.users[u.ID]
	if !ok {
		return nil, fmt.Errorf("idptest: write %q: %w", u.ID, idp.ErrNotFound)
	}
	return e, nil
}

// SetPassword implements idp.PasswordSetter. An administrative lock refuses
// it with idp.ErrLocked.
func (m *Memory) SetPassword(_ context.Context, u idp.User, password string, o idp.SetOptions) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.entry(u, &m.calls.SetPassword)
	if err != nil {
		return err
	}
	if e.u.PermanentlyLocked {
		return fmt.Errorf("idptest: set password of %q: %w", u.ID, idp.ErrLocked)
	}
	e.password = password
	e.u.MustChange = o.MustChange
	m.stamp(e)
	if m.loseAnswer {
		// Carried out, the lockout left as it was: the steps after the
		// write never ran.
		return fmt.Errorf("idptest: set password of %q: answer lost: %w", u.ID, idp.ErrUnavailable)
	}
	if o.Unlock {
		e.u.Locked = false
	}
	return nil
}

// ChangePassword implements idp.PasswordChanger.
func (m *Memory) ChangePassword(_ context.Context, u idp.User, old, password string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.entry(u, &m.calls.ChangePassword)
	if err != nil {
		return err
	}
	switch {
	case e.u.Locked || e.u.PermanentlyLocked:
		return fmt.Errorf("idptest: change password of %q: %w", u.ID, idp.ErrLocked)
	case e.password != old:
		return fmt.Errorf("idptest: change password of %q: %w", u.ID, idp.ErrBadPassword)
	}
	e.password, e.u.MustChange = password, false
	m.stamp(e)
	if m.loseAnswer {
		return fmt.Errorf("idptest: change password of %q: answer lost: %w", u.ID, idp.ErrUnavailable)
	}
	return nil
}

// stamp marks e's password as just changed, as a directory's change time
// does; under m.mu.
func (m *Memory) stamp(e *memUser) {
	m.changes++
	e.u.PasswordSet = strconv.Itoa(m.changes)
}

// Unlock implements idp.Unlocker. An administrative lock is kept and
// refused with idp.ErrLocked.
func (m *Memory) Unlock(_ context.Context, u idp.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.entry(u, &m.calls.Unlock)
	if err != nil {
		return err
	}
	if e.u.PermanentlyLocked {
		return fmt.Errorf("idptest: unlock %q: %w", u.ID, idp.ErrLocked)
	}
	e.u.Locked = false
	return nil
}

// IsMember implements idp.GroupMember.
func (m *Memory) IsMember(_ context.Context, u idp.User, group string) (bool, error) {
	m.wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lookupErr != nil {
		return false, fmt.Errorf("idptest: is member: %w", m.lookupErr)
	}
	return m.groups[group][u.ID], nil
}

// GroupMembers implements idp.GroupLister, sorted by login.
func (m *Memory) GroupMembers(_ context.Context, group string, limit int) ([]idp.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lookupErr != nil {
		return nil, fmt.Errorf("idptest: group members: %w", m.lookupErr)
	}
	var us []idp.User
	for id := range m.groups[group] {
		if e, ok := m.users[id]; ok {
			us = append(us, clone(e.u))
		}
	}
	slices.SortFunc(us, func(a, b idp.User) int { return cmp.Compare(a.Login, b.Login) })
	return us[:min(limit, len(us))], nil
}

// InContainer implements idp.Container: u is inside the containers PutIn
// placed it in.
func (m *Memory) InContainer(u idp.User, container string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.containers[container][u.ID]
}

// Without returns m seen through idp.Directory with the capability named by
// hide left out ("unlock": no idp.Unlocker; "groups": no idp.GroupMember),
// for a backend that lacks it. Every other capability stays.
func (m *Memory) Without(hide string) idp.Directory {
	switch hide {
	case "unlock":
		return noUnlocker{m}
	case "groups":
		return noGroups{m}
	}
	panic("idptest: Memory.Without(" + hide + "): unknown capability")
}

// noUnlocker is a Memory that cannot unlock.
type noUnlocker struct{ m *Memory }

func (d noUnlocker) Lookup(ctx context.Context, login string) (idp.User, error) {
	return d.m.Lookup(ctx, login)
}

func (d noUnlocker) SetPassword(ctx context.Context, u idp.User, pw string, o idp.SetOptions) error {
	return d.m.SetPassword(ctx, u, pw, o)
}

func (d noUnlocker) ChangePassword(ctx context.Context, u idp.User, old, pw string) error {
	return d.m.ChangePassword(ctx, u, old, pw)
}

func (d noUnlocker) IsMember(ctx context.Context, u idp.User, group string) (bool, error) {
	return d.m.IsMember(ctx, u, group)
}

func (d noUnlocker) GroupMembers(ctx context.Context, group string, limit int) ([]idp.User, error) {
	return d.m.GroupMembers(ctx, group, limit)
}

func (d noUnlocker) InContainer(u idp.User, container string) bool {
	return d.m.InContainer(u, container)
}

// noGroups is a Memory that cannot tell group membership.
type noGroups struct{ m *Memory }

func (d noGroups) Lookup(ctx context.Context, login string) (idp.User, error) {
	return d.m.Lookup(ctx, login)
}

func (d noGroups) SetPassword(ctx context.Context, u idp.User, pw string, o idp.SetOptions) error {
	return d.m.SetPassword(ctx, u, pw, o)
}

func (d noGroups) Unlock(ctx context.Context, u idp.User) error { return d.m.Unlock(ctx, u) }

func clone(u idp.User) idp.User {
	u.Emails = slices.Clone(u.Emails)
	u.Groups = slices.Clone(u.Groups)
	return u
}
