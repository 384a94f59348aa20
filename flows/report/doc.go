// Package report serves the audit log page, PREFIX/audit: the events
// frontdoor recorded in a period, newest first, filtered by type and
// account, with their count by type and outcome. Only members of the
// directory groups in audit.readers see it, signed in (signin.max_age
// applies); membership is read from the directory on every request, so a
// reader taken out of the group loses the page at once. Each view, and
// each refusal, is itself an audit event (audit.viewed). The page only
// reads: it has no form that changes anything.
package report
