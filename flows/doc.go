// Package flows runs frontdoor's flows (reset, unlock, helpdesk, ...) as
// persisted state machines. A flow lives in the store, not in the process: any
// replica can continue it and a restart loses none.
//
// The Engine binds a flow to its cookie and to a CSRF token derived from it,
// refuses every step that is not the next allowed one, and saves each step
// with compare-and-swap, so of two parallel requests for the same step exactly
// one wins. Each flow package (flows/reset, ...) holds its steps and pages.
package flows
