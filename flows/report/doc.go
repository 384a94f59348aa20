// Package report serves the audit log page, PREFIX/audit: the events
// frontdoor recorded in a period, newest first, filtered by type and
// account, with their count by type and outcome. Only members of the
// directory groups in audit.readers see it, with any live session (the
// sessions' lifetime; signin.max_age does not apply): the account and its
// membership are read from the directory on every request, so a reader
// taken out of the group, disabled, expired or locked loses the page at
// once. Each view, and the first refusal of an account in a window, is
// itself an audit event (audit.viewed). The page changes nothing but the
// reader's own session (its sign-out form).
package report
