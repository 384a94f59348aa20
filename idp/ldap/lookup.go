package ldap

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// maxLogin bounds the login a caller may look up (AD's UPN limit is 1024).
const maxLogin = 1024

// permanentLock is the pwdAccountLockedTime an administrator sets to lock an
// OpenLDAP account until they themselves unlock it.
const permanentLock = "000001010000Z"

// Active Directory account bits (userAccountControl and the computed value).
const (
	uacDisabled        = 0x2
	uacLockout         = 0x10
	uacPasswordExpired = 0x800000
)

// Lookup finds the one user whose login attributes equal login. Surrounding
// spaces are ignored, as the directory's matching rules do; a login with
// control characters or too long matches no one.
func (d *Directory) Lookup(ctx context.Context, login string) (idp.User, error) {
	login = strings.TrimSpace(login)
	if login == "" || len(login) > maxLogin || !utf8.ValidString(login) ||
		strings.IndexFunc(login, unicode.IsControl) >= 0 {
		return idp.User{}, fmt.Errorf("ldap: lookup: %w", idp.ErrNotFound)
	}
	var u idp.User
	err := d.read(ctx, "lookup", func(c *ldap.Conn) error {
		req := ldap.NewSearchRequest(d.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
			2, d.timeLimit(), false, d.loginFilter(login), d.attrs, nil)
		res, err := c.Search(req)
		switch {
		case ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded):
			return fmt.Errorf("ldap: lookup: %w", idp.ErrAmbiguous)
		case err != nil:
			return generic("lookup", err)
		case len(res.Entries) == 0:
			return fmt.Errorf("ldap: lookup: %w", idp.ErrNotFound)
		case len(res.Entries) > 1:
			return fmt.Errorf("ldap: lookup: %w", idp.ErrAmbiguous)
		}
		u = d.user(res.Entries[0])
		if d.dialect != ActiveDirectory && !u.MustChange {
			// An expired password must be changed too (AD folds its computed
			// expiry into MustChange the same way).
			u.MustChange = d.passwordExpired(c, res.Entries[0])
		}
		priv, err := d.privileged(c, res.Entries[0])
		u.Privileged = priv
		return err
	})
	if err != nil {
		return idp.User{}, err
	}
	return u, nil
}

// loginFilter matches login on every login attribute, within the user filter.
func (d *Directory) loginFilter(login string) string {
	v := ldap.EscapeFilter(login)
	var b strings.Builder
	b.WriteString("(&")
	b.WriteString(d.cfg.UserFilter)
	b.WriteString("(|")
	for _, a := range d.cfg.LoginAttributes {
		b.WriteString("(" + a + "=" + v + ")")
	}
	b.WriteString("))")
	return b.String()
}

func (d *Directory) timeLimit() int {
	return max(1, int(d.cfg.Timeout/time.Second))
}

// attributes lists what a lookup reads.
func (d *Directory) attributes() []string {
	a := d.cfg.Attributes
	out := append([]string{"cn", "memberOf", a.Mail, a.Mobile, a.Phone, a.GivenName, a.Surname,
		a.DisplayName}, d.cfg.LoginAttributes...)
	if d.dialect == ActiveDirectory {
		return append(out, "objectGUID", "userAccountControl", "msDS-User-Account-Control-Computed",
			"accountExpires", "pwdLastSet", "adminCount", "primaryGroupID")
	}
	return append(out, "entryUUID", "pwdAccountLockedTime", "pwdReset", "pwdEndTime", "pwdChangedTime", "pwdPolicySubentry")
}

// user maps an entry to an idp.User.
func (d *Directory) user(e *ldap.Entry) idp.User {
	a := d.cfg.Attributes
	u := idp.User{
		DN:          e.DN,
		Login:       e.GetAttributeValue(d.cfg.LoginAttributes[0]),
		DisplayName: e.GetAttributeValue(a.DisplayName),
		GivenName:   e.GetAttributeValue(a.GivenName),
		Surname:     e.GetAttributeValue(a.Surname),
		Emails:      e.GetAttributeValues(a.Mail),
		Mobile:      e.GetAttributeValue(a.Mobile),
		Phone:       e.GetAttributeValue(a.Phone),
		Groups:      e.GetAttributeValues("memberOf"),
	}
	if u.DisplayName == "" {
		u.DisplayName = e.GetAttributeValue("cn")
	}
	if d.dialect == ActiveDirectory {
		d.adState(e, &u)
	} else {
		d.openLDAPState(e, &u)
	}
	return u
}

func (d *Directory) openLDAPState(e *ldap.Entry, u *idp.User) {
	u.ID = e.GetAttributeValue("entryUUID")
	u.PasswordSet = e.GetAttributeValue("pwdChangedTime")
	lock := e.GetAttributeValue("pwdAccountLockedTime")
	u.Locked = lock != ""
	u.PermanentlyLocked = lock == permanentLock
	u.Disabled = u.PermanentlyLocked
	u.MustChange = strings.EqualFold(e.GetAttributeValue("pwdReset"), "TRUE")
	if end := e.GetAttributeValue("pwdEndTime"); end != "" {
		// Any GeneralizedTime form (fractions, offsets); one that does not
		// parse is taken as passed, so that such an account is not reset
		// or unlocked by self-service.
		t, err := ber.ParseGeneralizedTime([]byte(end))
		u.Expired = err != nil || !d.Now().Before(t)
	}
}

func (d *Directory) adState(e *ldap.Entry, u *idp.User) {
	u.ID = guid(e.GetRawAttributeValue("objectGUID"))
	u.PasswordSet = e.GetAttributeValue("pwdLastSet")
	uac, _ := strconv.ParseInt(e.GetAttributeValue("userAccountControl"), 10, 64)
	computed, _ := strconv.ParseInt(e.GetAttributeValue("msDS-User-Account-Control-Computed"), 10, 64)
	u.Disabled = uac&uacDisabled != 0
	u.Locked = computed&uacLockout != 0
	u.MustChange = e.GetAttributeValue("pwdLastSet") == "0" || computed&uacPasswordExpired != 0
	exp, err := strconv.ParseInt(e.GetAttributeValue("accountExpires"), 10, 64)
	if err == nil && exp > 0 && exp != 1<<63-1 {
		u.Expired = !d.Now().Before(fileTime(exp))
	}
}

// fileTime converts Windows FILETIME (100 ns since 1601) to time.
func fileTime(ft int64) time.Time {
	const epochDiff = 116444736000000000 // 1601 to 1970 in 100 ns
	t := ft - epochDiff
	return time.Unix(t/10_000_000, t%10_000_000*100)
}

// guid formats an objectGUID in its usual mixed-endian text form.
func guid(b []byte) string {
	if len(b) != 16 {
		return ""
	}
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", binary.LittleEndian.Uint32(b[0:4]),
		binary.LittleEndian.Uint16(b[4:6]), binary.LittleEndian.Uint16(b[6:8]), b[8:10], b[10:16])
}
