// Package unlock is the "Unlock my account" flow, for users who know their
// password but were locked out by failed sign-ins. It runs the same identify
// and verification gates as the reset flow (package gate), then clears the
// lockout without touching the password.
//
// A permanent, administrative lock is never cleared: the user is sent to the
// administrator. Unlocks are capped per account per day (unlock.daily_cap),
// so that a guesser cannot earn fresh sign-in attempts forever; every unlock
// that passes the gates counts, locked or not, so the cap reveals nothing. In generic disclosure mode the
// flow never tells whether the account was locked: every verified user sees
// "if your account was locked, it is now unlocked".
//
// Every page offers "reset my password instead", which starts the reset flow
// with the same sign-in page to return to.
package unlock
