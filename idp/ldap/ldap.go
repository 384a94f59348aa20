package ldap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// Dialect names the directory product, which decides how passwords are
// written and how account state is read.
type Dialect string

// The supported dialects, as spelled in the configuration's directory.type.
const (
	OpenLDAP        Dialect = "openldap"
	ActiveDirectory Dialect = "activedirectory"
)

// ErrDialect means the server is not the product the configuration names.
var ErrDialect = errors.New("ldap: the server is not the configured directory type")

// Compile-time checks of the capabilities Directory offers.
var (
	_ idp.Directory       = (*Directory)(nil)
	_ idp.PasswordSetter  = (*Directory)(nil)
	_ idp.PasswordChanger = (*Directory)(nil)
	_ idp.Unlocker        = (*Directory)(nil)
	_ idp.GroupMember     = (*Directory)(nil)
	_ idp.GroupLister     = (*Directory)(nil)
	_ idp.Container       = (*Directory)(nil)
	_ idp.Closer          = (*Directory)(nil)
)

// Directory is an OpenLDAP or Active Directory server reached as a service
// account. It is safe for concurrent use.
type Directory struct {
	dialect Dialect
	cfg     Config
	t       *transport
	pool    *pool
	attrs   []string
	// Now is the clock used for account expiry; tests may replace it.
	Now func() time.Time
	// Log receives debug detail that is no error (never a password or a
	// hash); nil means slog's default logger.
	Log *slog.Logger

	// writes serialises the writes to one account's lockout (serial.go).
	writes accountWrites

	mu   sync.Mutex
	root *rootDSE
	// policies caches OpenLDAP password policies' pwdMaxAge (expiry.go).
	policies policyCache
}

// rootDSE is what frontdoor needs from the server's root entry.
type rootDSE struct {
	dialect     Dialect
	policyHints string // OID of the policy hints control to send, or ""
	// adminGroups are the groups whose members are privileged: AD's
	// administrators' groups (found by SID) and the configured ones.
	adminGroups []string
	// domain is AD's defaultNamingContext, the root of the domain.
	domain string
}

// New returns a Directory for cfg. It does not contact the server; the first
// operation (or Check) connects and verifies the server's type.
func New(cfg Config) (*Directory, error) {
	d := &Directory{dialect: cfg.Dialect, Now: time.Now}
	if d.dialect != OpenLDAP && d.dialect != ActiveDirectory {
		return nil, fmt.Errorf("ldap: unknown directory type %q", cfg.Dialect)
	}
	if cfg.BindDN == "" || cfg.BindPassword == "" || cfg.BaseDN == "" {
		return nil, errors.New("ldap: bind_dn, bind_password and base_dn are required")
	}
	if cfg.RootDN != "" && strings.EqualFold(normDN(cfg.RootDN), normDN(cfg.BindDN)) {
		return nil, errors.New("ldap: bind_dn is the rootdn, which bypasses the password policy")
	}
	cfg.ApplyDefaults()
	t, err := newTransport(cfg.URLs, cfg.StartTLS, cfg.CAFile, cfg.Timeout)
	if err != nil {
		return nil, err
	}
	d.cfg, d.t = cfg, t
	d.pool = newPool(t, cfg.BindDN, cfg.BindPassword, cfg.PoolSize)
	d.attrs = d.attributes()
	return d, nil
}

func normDN(dn string) string {
	if p, err := ldap.ParseDN(dn); err == nil {
		return p.String()
	}
	return strings.ReplaceAll(dn, " ", "")
}

// Dialect returns the configured directory type.
func (d *Directory) Dialect() Dialect { return d.dialect }

// Check connects, binds as the service account and verifies that the server
// is the configured type. It suits a readiness probe.
func (d *Directory) Check(ctx context.Context) error {
	c, _, err := d.conn(ctx)
	if err != nil {
		return err
	}
	d.pool.put(c, nil)
	return nil
}

// PolicyHints returns the OID of the policy hints control that Active
// Directory resets carry, or "" when none is sent (OpenLDAP, policy_hints
// false, or a DC that does not offer it: then resets skip password history).
// It is known after the first operation or Check.
func (d *Directory) PolicyHints() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.root == nil {
		return ""
	}
	return d.root.policyHints
}

// Close closes the idle pooled connections.
func (d *Directory) Close() error {
	d.pool.close()
	return nil
}

// conn returns a pooled service connection to a server of the right type,
// and tells whether it was reused.
func (d *Directory) conn(ctx context.Context) (*ldap.Conn, bool, error) {
	c, reused, err := d.pool.get(ctx)
	if err != nil {
		return nil, false, err
	}
	if _, err := d.rootInfo(c); err != nil {
		d.pool.put(c, err)
		return nil, false, err
	}
	return c, reused, nil
}

// rootInfo reads the RootDSE once and checks the dialect against it.
func (d *Directory) rootInfo(c *ldap.Conn) (*rootDSE, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.root != nil {
		return d.root, nil
	}
	req := ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"objectClass", "supportedCapabilities", "supportedControl",
			"supportedExtension", "defaultNamingContext", "rootDomainNamingContext"}, nil)
	res, err := c.Search(req)
	if err != nil {
		return nil, generic("read RootDSE", err)
	}
	if len(res.Entries) != 1 {
		return nil, fmt.Errorf("%w: no RootDSE", ErrDialect)
	}
	e := res.Entries[0]
	r := &rootDSE{dialect: OpenLDAP}
	// LDAP_CAP_ACTIVE_DIRECTORY_OID
	if slices.Contains(e.GetAttributeValues("supportedCapabilities"), "1.2.840.113556.1.4.800") {
		r.dialect = ActiveDirectory
	} else if !slices.ContainsFunc(e.GetAttributeValues("objectClass"), func(s string) bool {
		return strings.EqualFold(s, "OpenLDAProotDSE")
	}) {
		return nil, fmt.Errorf("%w: neither OpenLDAP nor Active Directory", ErrDialect)
	}
	if r.dialect != d.dialect {
		return nil, fmt.Errorf("%w: configured %s, server is %s", ErrDialect, d.dialect, r.dialect)
	}
	if d.dialect == OpenLDAP &&
		!slices.Contains(e.GetAttributeValues("supportedExtension"), passwordModifyOID) {
		return nil, fmt.Errorf("%w: the server lacks the Password Modify operation", ErrDialect)
	}
	ctrls := e.GetAttributeValues("supportedControl")
	if d.cfg.PolicyHints == nil || *d.cfg.PolicyHints {
		for _, oid := range []string{ldap.ControlTypeMicrosoftPolicyHints,
			ldap.ControlTypeMicrosoftPolicyHintsDeprecated} {
			if slices.Contains(ctrls, oid) {
				r.policyHints = oid
				break
			}
		}
	}
	r.adminGroups = d.cfg.AdminGroups
	if d.dialect == ActiveDirectory {
		r.domain = e.GetAttributeValue("defaultNamingContext")
		builtins, err := adminGroupDNs(c, r.domain, e.GetAttributeValue("rootDomainNamingContext"))
		if err != nil {
			return nil, err
		}
		r.adminGroups = append(builtins, d.cfg.AdminGroups...)
	}
	d.root = r
	return r, nil
}

// connected returns what the RootDSE said; every operation connects
// first, so it is known inside one.
func (d *Directory) connected() rootDSE {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.root == nil {
		return rootDSE{adminGroups: d.cfg.AdminGroups}
	}
	return *d.root
}

// withConn runs fn on a pooled service connection. fn classifies its own
// errors; withConn adds those of getting the connection and cancellation.
func (d *Directory) withConn(ctx context.Context, op string, fn func(*ldap.Conn) error) error {
	_, err := d.run(ctx, op, fn)
	return err
}

// read is withConn for operations that change nothing: when a reused
// connection turns out to be dead (the server restarted, a firewall dropped
// it), the idle ones are dropped and fn runs once more on a new connection.
func (d *Directory) read(ctx context.Context, op string, fn func(*ldap.Conn) error) error {
	staleReuse, err := d.run(ctx, op, fn)
	if staleReuse && ctx.Err() == nil {
		d.pool.close()
		_, err = d.run(ctx, op, fn)
	}
	return err
}

// run runs fn on a pooled connection. It reports whether fn failed on a
// reused connection that had died.
func (d *Directory) run(ctx context.Context, op string, fn func(*ldap.Conn) error) (staleReuse bool, err error) {
	c, reused, err := d.conn(ctx)
	if err != nil {
		return false, fmt.Errorf("ldap: %s: %w", op, err)
	}
	// A cancelled context closes the connection, which ends the operation.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	err = fn(c)
	cancelled := !stop()
	dead := err != nil && c.IsClosing()
	switch {
	case cancelled && err != nil:
		err = fmt.Errorf("ldap: %s: %w: %w (%w)", op, idp.ErrUnavailable, ctx.Err(), err)
	case dead && !errors.Is(err, idp.ErrUnavailable):
		// go-ldap reports a connection that closed under a request as a plain error.
		err = fmt.Errorf("ldap: %s: %w: connection lost: %w", op, idp.ErrUnavailable, err)
	}
	d.pool.put(c, err)
	return reused && dead && !cancelled, err
}
