package ldap

import (
	"encoding/hex"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

func TestNewRefuses(t *testing.T) {
	good := Config{
		Dialect: OpenLDAP, URLs: []string{"ldaps://127.0.0.1:636"}, BaseDN: "dc=example,dc=test",
		BindDN: "cn=frontdoor,ou=services,dc=example,dc=test", BindPassword: "x",
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   string // part of the error; "" = accepted
	}{
		{"valid", func(*Config) {}, ""},
		{"StartTLS", func(d *Config) { d.URLs, d.StartTLS = []string{"ldap://127.0.0.1:389"}, true }, ""},
		{"clear text", func(d *Config) { d.URLs = []string{"ldap://127.0.0.1:389"} }, "clear text"},
		{"clear text second URL", func(d *Config) {
			d.URLs = []string{"ldaps://127.0.0.1:636", "ldap://127.0.0.1:389"}
		}, "clear text"},
		{"AD clear text", func(d *Config) {
			d.Dialect, d.URLs = ActiveDirectory, []string{"ldap://127.0.0.1:389"}
		}, "clear text"},
		{"no URL", func(d *Config) { d.URLs = nil }, "no directory URL"},
		{"http URL", func(d *Config) { d.URLs = []string{"http://127.0.0.1"} }, "scheme"},
		{"unknown type", func(d *Config) { d.Dialect = "novell" }, "unknown directory type"},
		{"no bind DN", func(d *Config) { d.BindDN = "" }, "required"},
		{"bind as rootdn", func(d *Config) {
			d.RootDN = "CN=frontdoor, OU=services, DC=example, DC=test"
		}, "rootdn"},
		{"missing CA file", func(d *Config) { d.CAFile = "/nonexistent/ca.pem" }, "ca_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.change(&cfg)
			_, err := New(cfg)
			if tt.want == "" && err != nil {
				t.Fatalf("New = %v; want accepted", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("New = %v; want an error about %q", err, tt.want)
			}
		})
	}
}

func TestLoginFilter(t *testing.T) {
	d, err := New(Config{Dialect: OpenLDAP, URLs: []string{"ldaps://h"}, BaseDN: "dc=x",
		BindDN: "cn=s,dc=x", BindPassword: "p"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ login, want string }{
		{"alice", `(&(objectClass=inetOrgPerson)(|(uid=alice)(mail=alice)))`},
		{"*)(uid=*", `(&(objectClass=inetOrgPerson)(|(uid=\2a\29\28uid=\2a)(mail=\2a\29\28uid=\2a)))`},
		{"a\x00b\\", `(&(objectClass=inetOrgPerson)(|(uid=a\00b\5c)(mail=a\00b\5c)))`},
	}
	for _, tt := range tests {
		if got := d.loginFilter(tt.login); got != tt.want {
			t.Errorf("loginFilter(%q) = %s; want %s", tt.login, got, tt.want)
		}
	}
}

func TestUnicodePwd(t *testing.T) {
	tests := []struct{ password, wantHex string }{
		{"ab", "2200610062002200"},
		{`a"`, "2200610022002200"},
		{"é", "2200e9002200"},
		{"🔑", "22003dd811dd2200"},
	}
	for _, tt := range tests {
		want := strings.ReplaceAll(tt.wantHex, " ", "")
		if got := hex.EncodeToString([]byte(unicodePwd(tt.password))); got != want {
			t.Errorf("unicodePwd(%q) = %s; want %s", tt.password, got, want)
		}
	}
}

func TestPolicyHintsEncoding(t *testing.T) {
	pkt := policyHints{oid: ldap.ControlTypeMicrosoftPolicyHints}.Encode()
	if len(pkt.Children) != 3 {
		t.Fatalf("control has %d parts; want type, criticality, value", len(pkt.Children))
	}
	if oid := pkt.Children[0].Value; oid != "1.2.840.113556.1.4.2239" {
		t.Errorf("type = %v", oid)
	}
	if crit := pkt.Children[1].Value; crit != true {
		t.Errorf("criticality = %v; want true", crit)
	}
	val := ber.DecodePacket(pkt.Children[2].Data.Bytes())
	if len(val.Children) != 1 || val.Children[0].Value != int64(1) {
		t.Errorf("value = %v; want SEQUENCE { 1 }", val.Children)
	}
}

func TestADTimeAndGUID(t *testing.T) {
	if got := fileTime(116444736000000000); !got.Equal(time.Unix(0, 0)) {
		t.Errorf("fileTime(Unix epoch) = %v", got)
	}
	if got := fileTime(134402323207528830).UTC().Format(time.DateOnly); got != "2026-11-27" {
		t.Errorf("fileTime(a pwdLastSet of 27 Nov 2026) = %s", got)
	}
	raw, _ := hex.DecodeString("33221100554477668899aabbccddeeff")
	if got := guid(raw); got != "00112233-4455-6677-8899-aabbccddeeff" {
		t.Errorf("guid = %s", got)
	}
	if got := guid([]byte{1, 2}); got != "" {
		t.Errorf("guid(short) = %q; want empty", got)
	}
}

// adErr builds the error go-ldap returns for a server answer.
func adErr(code uint16, msg string) error {
	return &ldap.Error{ResultCode: code, Err: errors.New(msg)}
}

func TestADErrors(t *testing.T) {
	const cv = ldap.LDAPResultConstraintViolation
	tests := []struct {
		name   string
		err    error
		want   error
		reason idp.Reason
	}{
		{"wrong old password", adErr(cv, "00000056: Constraint violation - check_password_restrictions: The old password specified doesn't match!"), idp.ErrBadPassword, ""},
		{"Samba too short", adErr(cv, "0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 8 characters!"), nil, idp.ReasonTooShort},
		{"Samba history", adErr(cv, "0000052D: Constraint violation - check_password_restrictions: the password was already used (in history)!"), nil, idp.ReasonHistory},
		{"Samba complexity", adErr(cv, "0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria!"), nil, idp.ReasonComplexity},
		{"Samba too young", adErr(cv, "0000052D: Constraint violation - check_password_restrictions: the password was last changed too recently!"), nil, idp.ReasonTooYoung},
		{"Windows policy", adErr(cv, "0000052D: SvcErr: DSID-031A1236, problem 5003 (WILL_NOT_PERFORM), data 0"), nil, idp.ReasonOther},
		{"no rights", adErr(ldap.LDAPResultInsufficientAccessRights, "00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0"), idp.ErrRefused, ""},
		{"no TLS", adErr(ldap.LDAPResultUnwillingToPerform, "0000001F: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM), data 0"), idp.ErrRefused, ""},
		{"server busy", adErr(ldap.LDAPResultBusy, "busy"), idp.ErrUnavailable, ""},
		{"connection lost", adErr(ldap.ErrorNetwork, "ldap: connection closed"), idp.ErrUnavailable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := adWriteError("set password", tt.err)
			if tt.reason != "" {
				var pe *idp.PolicyError
				if !errors.As(err, &pe) || !pe.Has(tt.reason) {
					t.Fatalf("= %v; want a *PolicyError with %s", err, tt.reason)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("= %v; want %v", err, tt.want)
			}
		})
	}
}

// TestTimeout points the backend at a server that accepts connections and
// never answers: the lookup must give up with ErrUnavailable.
func TestTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var held []net.Conn
		for {
			c, err := l.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	defer func() { l.Close(); <-done }()
	for _, tt := range []struct {
		name     string
		url      string
		startTLS bool
	}{{"ldaps", "ldaps://" + l.Addr().String(), false}, {"StartTLS", "ldap://" + l.Addr().String(), true}} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := New(Config{Dialect: OpenLDAP, URLs: []string{tt.url}, StartTLS: tt.startTLS,
				BaseDN: "dc=x", BindDN: "cn=s,dc=x", BindPassword: "p", Timeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Lookup(t.Context(), "alice"); !errors.Is(err, idp.ErrUnavailable) {
				t.Fatalf("Lookup on a silent server = %v; want ErrUnavailable", err)
			}
		})
	}
}
