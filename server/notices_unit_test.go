package server

import (
	"net/http/httptest"
	"testing"

	"golang.org/x/text/language"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// TestTellOwnerWithoutMail: a configuration without an email section (the
// flows use texts, calls or questions) tells nobody by mail after a reset,
// unlock or change, and does not fail the request that wrote the password.
func TestTellOwnerWithoutMail(t *testing.T) {
	s := &Server{} // no mail queue, no clock: nothing may be used
	u := idp.User{Login: "jdoe", ID: "42", Emails: []string{"jdoe@example.test"}}
	for _, notice := range []string{"reset_done", "unlock_done", "change_done"} {
		s.tellOwner(httptest.NewRequest("POST", "/", nil), u, notice, u.Emails, language.English)
	}
}
