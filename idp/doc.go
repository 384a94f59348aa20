// Package idp is the identity side of frontdoor: where users are looked up
// and where their passwords are set, changed and unlocked.
//
// A backend implements Directory and whichever capabilities it can
// (PasswordSetter, PasswordChanger, Unlocker, GroupMember); flows check a
// capability with a type assertion and offer only what the backend supports.
//
// Backends classify their errors once, into the sentinel errors and
// *PolicyError of this package, so that callers use errors.Is and errors.As
// and never inspect error text. The directory's own wording stays wrapped
// inside, for the log.
package idp
