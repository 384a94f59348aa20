package ldap

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// This file is the one place where the directories' answers are read and
// turned into the errors of package idp.

// isNetworkError tells whether err means the connection or the server failed,
// as opposed to an answer about the request.
func isNetworkError(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return ldap.IsErrorAnyOf(err, ldap.ErrorNetwork, ldap.LDAPResultBusy,
		ldap.LDAPResultUnavailable, ldap.LDAPResultServerDown, ldap.LDAPResultTimeout,
		ldap.LDAPResultConnectError, ldap.LDAPResultTimeLimitExceeded)
}

// generic classifies an error that no operation-specific rule claimed.
func generic(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, idp.ErrUnavailable):
		return fmt.Errorf("ldap: %s: %w", op, err)
	case isNetworkError(err):
		return fmt.Errorf("ldap: %s: %w: %w", op, idp.ErrUnavailable, err)
	case ldap.IsErrorAnyOf(err, ldap.LDAPResultInsufficientAccessRights,
		ldap.LDAPResultUnwillingToPerform, ldap.LDAPResultNoSuchObject):
		return fmt.Errorf("ldap: %s: %w: %w", op, idp.ErrRefused, err)
	}
	return fmt.Errorf("ldap: %s: %w", op, err)
}

// responseControls decodes the controls that came with an error response.
func responseControls(err error) []ldap.Control {
	var le *ldap.Error
	if !errors.As(err, &le) || le.Packet == nil || len(le.Packet.Children) < 3 {
		return nil
	}
	var out []ldap.Control
	for _, child := range le.Packet.Children[2].Children {
		if c, err := ldap.DecodeControl(child); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// ppolicyResult returns the ppolicy response control's error code, or -1.
func ppolicyResult(ctrls []ldap.Control) int8 {
	for _, c := range ctrls {
		if p, ok := c.(*ldap.ControlBeheraPasswordPolicy); ok {
			return p.Error
		}
	}
	return -1
}

// openLDAPWriteError classifies the answer to a Password Modify.
func openLDAPWriteError(op string, err error) error {
	if err == nil {
		return nil
	}
	code := ppolicyResult(responseControls(err))
	reason := idp.Reason("")
	switch code {
	case ldap.BeheraPasswordTooShort:
		reason = idp.ReasonTooShort
	case ldap.BeheraPasswordInHistory:
		reason = idp.ReasonHistory
	case ldap.BeheraInsufficientPasswordQuality:
		reason = idp.ReasonComplexity
	case ldap.BeheraPasswordTooYoung:
		reason = idp.ReasonTooYoung
	case ldap.BeheraAccountLocked:
		return fmt.Errorf("ldap: %s: %w: %w", op, idp.ErrLocked, err)
	case ldap.BeheraPasswordModNotAllowed, ldap.BeheraMustSupplyOldPassword:
		return fmt.Errorf("ldap: %s: %w: %w", op, idp.ErrRefused, err)
	default:
		if ldap.IsErrorWithCode(err, ldap.LDAPResultConstraintViolation) {
			reason = idp.ReasonOther
		}
	}
	if reason != "" {
		return &idp.PolicyError{Reasons: []idp.Reason{reason}, Err: fmt.Errorf("ldap: %s: %w", op, err)}
	}
	return generic(op, err)
}

// openLDAPBindError classifies a failed bind as a user.
func openLDAPBindError(op string, err error, ctrls []ldap.Control) error {
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		return generic(op, err)
	}
	if ppolicyResult(ctrls) == ldap.BeheraAccountLocked {
		return fmt.Errorf("ldap: %s: %w: %w", op, idp.ErrLocked, err)
	}
	return fmt.Errorf("ldap: %s: %w: %w", op, idp.ErrBadPassword, err)
}

// adCode is the Win32 error code that leads Active Directory's diagnostic
// message ("0000052D: ...").
var adCode = regexp.MustCompile(`^([0-9A-Fa-f]{8}):`)

func diagnostic(err error) string {
	var le *ldap.Error
	if errors.As(err, &le) && le.Err != nil {
		return le.Err.Error()
	}
	return ""
}

// adWriteError classifies the answer to a unicodePwd modify.
func adWriteError(op string, err error) error {
	if err == nil {
		return nil
	}
	msg := diagnostic(err)
	code := ""
	if m := adCode.FindStringSubmatch(msg); m != nil {
		code = strings.ToUpper(m[1])
	}
	switch {
	case code == "00000056" || code == "0000052E":
		return fmt.Errorf("ldap: %s: %w: %w", op, idp.ErrBadPassword, err)
	case code == "00000775":
		return fmt.Errorf("ldap: %s: %w: %w", op, idp.ErrLocked, err)
	case code == "0000052D":
		return &idp.PolicyError{Reasons: []idp.Reason{adReason(msg)}, Err: fmt.Errorf("ldap: %s: %w", op, err)}
	case ldap.IsErrorWithCode(err, ldap.LDAPResultConstraintViolation):
		return &idp.PolicyError{Reasons: []idp.Reason{idp.ReasonOther}, Err: fmt.Errorf("ldap: %s: %w", op, err)}
	}
	return generic(op, err)
}

// adReason reads the reason from the text that follows 0000052D. Windows DCs
// give none (ReasonOther); Samba names the rule that failed.
func adReason(msg string) idp.Reason {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "too short"):
		return idp.ReasonTooShort
	case strings.Contains(m, "history"):
		return idp.ReasonHistory
	case strings.Contains(m, "complexity"):
		return idp.ReasonComplexity
	case strings.Contains(m, "too recently"):
		return idp.ReasonTooYoung
	}
	return idp.ReasonOther
}
