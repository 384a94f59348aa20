package ldap

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// testGroupMembers checks GroupMembers against the fixture helpdesk group
// (bob and carol) of a real directory.
func testGroupMembers(t *testing.T, s server, helpdesk, missing string) {
	d := newDirectory(t, s.cfg)
	tests := []struct {
		name    string
		group   string
		limit   int
		want    []string // sorted mail addresses
		wantErr error
	}{
		{"every member", helpdesk, 100, []string{"bob@example.test", "carol@example.test"}, nil},
		{"limited", helpdesk, 1, nil, nil},
		{"no group", missing, 100, nil, idp.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			users, err := d.GroupMembers(context.Background(), tt.group, tt.limit)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("GroupMembers = %v; want %v", err, tt.wantErr)
			}
			if len(users) > tt.limit {
				t.Fatalf("got %d members; limit %d", len(users), tt.limit)
			}
			if tt.want == nil {
				if tt.wantErr == nil && len(users) != tt.limit {
					t.Fatalf("got %d members; want %d", len(users), tt.limit)
				}
				return
			}
			var mails []string
			for _, u := range users {
				mails = append(mails, u.Email())
			}
			slices.Sort(mails)
			if !slices.Equal(mails, tt.want) {
				t.Fatalf("members' mail = %v; want %v", mails, tt.want)
			}
		})
	}
}

func TestOpenLDAPGroupMembers(t *testing.T) {
	s, _ := slapd(t)
	base := s.cfg.BaseDN
	testGroupMembers(t, s, "cn=helpdesk,ou=groups,"+base, "cn=nobody-here,ou=groups,"+base)
}

func TestActiveDirectoryGroupMembers(t *testing.T) {
	s, _ := samba(t)
	base := s.cfg.BaseDN
	testGroupMembers(t, s, "CN=helpdesk,CN=Users,"+base, "CN=nobody-here,CN=Users,"+base)
}
