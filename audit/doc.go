// Package audit records what happens in frontdoor's flows (flow started,
// method sent, passed or failed, blocked, password reset, unlocked, helpdesk
// request) in the store and as structured log lines. An event never holds a
// secret: no password, code, CAPTCHA answer or token.
package audit
