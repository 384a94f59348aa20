package ldap

import (
	"bytes"
	"errors"
	"log/slog"
	"slices"
	"strconv"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// errReused is the log detail of a history refusal made by frontdoor; it
// names neither the password nor the matching value.
var errReused = errors.New("ldap: set password: the password is the current one or in pwdHistory")

// refuseReuse refuses password, before anything is written, when it is the
// entry's current userPassword or one of the pwdHistory values its policy
// keeps, as far as the service account can read them. e is the entry as
// read with userPassword, pwdHistory and pwdPolicySubentry.
//
// slapd's ppolicy checks history itself on a reset by an ordinary account,
// and the recommended ACL (`=wx` on userPassword, no access to pwdHistory)
// leaves nothing to read here. The check matters where ppolicy skips every
// check for the writer: the rootdn, or an account with manage on
// userPassword (ppolicy's "password administrator" since 2.5). Such an
// account reads userPassword (manage includes read), so the current password
// is refused; history values only where an ACL lets it read pwdHistory. A
// value in a scheme that cannot be compared is skipped and the scheme logged
// at debug level.
func (d *Directory) refuseReuse(c *ldap.Conn, e *ldap.Entry, password string) error {
	stored := e.GetEqualFoldRawAttributeValues("userPassword")
	history := parseHistory(e.GetEqualFoldRawAttributeValues("pwdHistory"))
	if len(history) > 0 {
		if keep, ok := d.pwdInHistory(c, e.GetEqualFoldAttributeValue("pwdPolicySubentry")); ok {
			history = history[:min(keep, len(history))]
		}
	}
	var unknown []string
	for _, v := range append(stored, history...) {
		match, known := passwordMatch(string(v), password)
		if match {
			return &idp.PolicyError{Reasons: []idp.Reason{idp.ReasonHistory}, Err: errReused}
		}
		if !known {
			unknown = append(unknown, schemeName(v))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		log := d.Log
		if log == nil {
			log = slog.Default()
		}
		log.Debug("ldap: password values in schemes frontdoor cannot compare; slapd's own history check applies",
			"dn", e.DN, "schemes", slices.Compact(unknown))
	}
	return nil
}

// pwdInHistory reads pwdInHistory from the entry's own policy. Without
// pwdPolicySubentry (the overlay's default policy, whose DN is in slapd's
// configuration) or when the policy is unreadable, ok is false: every
// pwdHistory value counts, which is the policy's number, since slapd trims
// the history to it on every password change.
func (d *Directory) pwdInHistory(c *ldap.Conn, policy string) (keep int, ok bool) {
	if policy == "" {
		return 0, false
	}
	req := ldap.NewSearchRequest(policy, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1,
		d.timeLimit(), false, "(objectClass=*)", []string{"pwdInHistory"}, nil)
	res, err := c.Search(req)
	if err != nil || len(res.Entries) != 1 {
		return 0, false
	}
	v := res.Entries[0].GetEqualFoldAttributeValue("pwdInHistory")
	if v == "" {
		return 0, true // absent: ppolicy keeps no history
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// parseHistory returns the old userPassword values of pwdHistory, newest
// first. A value is generalizedTime#syntaxOID#length#value, where value (the
// old userPassword, which may itself hold '#') is length bytes long; values
// that do not parse are skipped, as slapd skips them.
func parseHistory(values [][]byte) [][]byte {
	type old struct {
		time  string
		value []byte
	}
	var olds []old
	// Backwards, so that of values written in the same second (the time has
	// no fraction) the later one, which slapd appended after, comes first.
	for _, v := range slices.Backward(values) {
		parts := bytes.SplitN(v, []byte("#"), 4)
		if len(parts) != 4 || len(parts[0]) == 0 {
			continue
		}
		n, err := strconv.Atoi(string(parts[2]))
		if err != nil || n != len(parts[3]) {
			continue
		}
		olds = append(olds, old{string(parts[0]), parts[3]})
	}
	// generalizedTime as slapd writes it (YYYYMMDDHHMMSSZ) sorts as text.
	slices.SortStableFunc(olds, func(a, b old) int { return -bytes.Compare([]byte(a.time), []byte(b.time)) })
	out := make([][]byte, len(olds))
	for i, o := range olds {
		out[i] = o.value
	}
	return out
}

// schemeName is the {SCHEME} of a stored value, for the log, or
// "cleartext"; never the value.
func schemeName(v []byte) string {
	if scheme, _, ok := splitScheme(string(v)); ok {
		return "{" + scheme + "}"
	}
	return "cleartext"
}
