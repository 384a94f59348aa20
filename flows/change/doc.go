// Package change is "Change my password" for users who know it: signed in
// through the organisation's IdP (a recent sign-in, session.RequireRecent),
// with the current and a new password; and, without signing in, for an
// account whose directory says the password expired or must be changed (user
// ID, current and new password), since such a user cannot sign in upstream.
//
// Both check the new password against frontdoor's policy, then write as the
// user (idp.PasswordChanger), so the directory checks the current password
// and applies its own rules and history. Wrong current passwords count
// against the account (5 an hour, as the gates), and the expired form against
// the client address too; its answers are the same for unknown user IDs,
// accounts that may sign in normally and wrong passwords.
package change
