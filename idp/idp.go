package idp

import "context"

// Directory finds users. It is the one interface every backend implements;
// the others are capabilities that callers check with a type assertion.
type Directory interface {
	// Lookup returns the single user whose login attributes match login.
	// It fails with ErrNotFound when none does and ErrAmbiguous when more
	// than one does.
	Lookup(ctx context.Context, login string) (User, error)
}

// PasswordSetter sets a password without knowing the current one, as an
// administrator would after the user proved who they are.
type PasswordSetter interface {
	// SetPassword replaces the password of u. A rejection by the directory's
	// password policy is a *PolicyError. A lockout stays unless o.Unlock; an
	// administrative lock refuses the set with ErrLocked.
	SetPassword(ctx context.Context, u User, password string, o SetOptions) error
}

// PasswordChanger changes a password with the current one, as the user would.
type PasswordChanger interface {
	// ChangePassword replaces old by password. A wrong old password is
	// ErrBadPassword; a policy rejection is a *PolicyError.
	ChangePassword(ctx context.Context, u User, old, password string) error
}

// Unlocker clears a lockout caused by failed sign-ins, keeping the password.
type Unlocker interface {
	// Unlock clears the lockout of u. An administrative lock is never
	// cleared: it fails with ErrLocked and nothing is written.
	Unlock(ctx context.Context, u User) error
}

// SessionEnder ends a user's sign-in sessions. Backends whose SetPassword
// ends them after the write implement it, so that a write whose answer was
// lost, but which reading the account back shows carried out, can be
// finished.
type SessionEnder interface {
	EndSessions(ctx context.Context, u User) error
}

// GroupMember answers group questions used to scope who may use a flow.
type GroupMember interface {
	// IsMember reports whether u belongs to the group named by its DN,
	// directly or, where the directory supports it, through nested groups.
	IsMember(ctx context.Context, u User, group string) (bool, error)
}

// SetOptions qualifies an administrative password set.
type SetOptions struct {
	// Unlock also clears a failed-sign-in lockout, as a verified unlock.
	Unlock bool
	// MustChange makes the user change the password at the next sign-in,
	// whatever the backend's default.
	MustChange bool
}

// User is what a backend knows about one account. Callers treat ID and DN
// as opaque and pass the User back to the backend unchanged.
type User struct {
	// ID is the backend's stable identifier (entryUUID, objectGUID, ...).
	ID string
	// DN is the entry's distinguished name, for directories that have one.
	DN string
	// Login is the account's primary login name (uid, sAMAccountName).
	Login       string
	DisplayName string
	GivenName   string
	Surname     string
	// Emails holds every mail address of the entry, the primary one first.
	Emails []string
	Mobile string
	Phone  string
	// Groups holds the DNs of the groups the directory lists on the entry
	// (memberOf); it may be empty where the directory keeps none, so use
	// GroupMember for decisions.
	Groups []string

	// Locked means sign-in is refused after too many failed attempts.
	Locked bool
	// PermanentlyLocked means an administrator locked the account; frontdoor
	// never clears such a lock.
	PermanentlyLocked bool
	// Disabled means the account cannot sign in at all.
	Disabled bool
	// Expired means the account (not only its password) has expired.
	Expired bool
	// MustChange means the password must be changed at the next sign-in.
	MustChange bool
	// Privileged marks administrators (admin groups, adminCount=1), whose
	// passwords self-service must not touch.
	Privileged bool
	// PasswordSet marks the password's last change as the backend records
	// it (OpenLDAP pwdChangedTime, AD pwdLastSet, Keycloak the password
	// credential's creation time). It is only compared: a different value
	// means the password changed in between. Empty when none is recorded.
	PasswordSet string
}

// Email returns the primary mail address, or "" when there is none.
func (u User) Email() string {
	if len(u.Emails) == 0 {
		return ""
	}
	return u.Emails[0]
}

// GroupLister lists the members of a group, for mailing a helpdesk group.
type GroupLister interface {
	// GroupMembers returns at most limit members of the group.
	GroupMembers(ctx context.Context, group string, limit int) ([]User, error)
}

// Container tells whether an account sits under a container of the
// directory's tree (an OU in LDAP), for "managed elsewhere" rules.
type Container interface {
	// InContainer reports whether u is inside the container named by dn.
	InContainer(u User, dn string) bool
}

// RightsChecker tells whether the account frontdoor acts as holds more than
// it needs: an administrator's rights, which a service account that resets
// passwords must not have (a Domain Admin, a Keycloak realm administrator).
// check-config --connect and serve's start report it.
type RightsChecker interface {
	// ExcessRights describes what the service account holds beyond its
	// needs, or returns "" when it holds nothing more.
	ExcessRights(ctx context.Context) (string, error)
}
