package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRetention(t *testing.T) {
	c, err := read(t, minimal, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Audit.Retention.D() != 400*24*time.Hour || c.Store.FinishedFlows.D() != 5*time.Minute {
		t.Errorf("defaults: audit.retention %v, store.finished_flows %v", c.Audit.Retention.D(), c.Store.FinishedFlows.D())
	}
	set := strings.Replace(minimal, "store:\n", "audit:\n  retention: 30d\nstore:\n  finished_flows: 90s\n", 1)
	if c, err = read(t, set, nil, nil); err != nil {
		t.Fatal(err)
	}
	if c.Audit.Retention.D() != 30*24*time.Hour || c.Store.FinishedFlows.D() != 90*time.Second {
		t.Errorf("set: audit.retention %v, store.finished_flows %v", c.Audit.Retention.D(), c.Store.FinishedFlows.D())
	}
	bad := strings.Replace(minimal, "store:\n", "audit:\n  retention: 12h\nstore:\n  finished_flows: 1h\n", 1)
	_, err = read(t, bad, nil, nil)
	if got := problemPaths(t, err); !slices.Equal(got, []string{"store.finished_flows", "audit.retention"}) && !slices.Equal(got, []string{"audit.retention", "store.finished_flows"}) {
		t.Errorf("problems at %v", got)
	}
	for _, v := range []string{"-3d", "1.5d", "d", "x3d"} {
		if _, err := read(t, strings.Replace(minimal, "store:\n", "audit:\n  retention: "+v+"\nstore:\n", 1), nil, nil); err == nil {
			t.Errorf("audit.retention %q accepted", v)
		}
	}
}

func TestIdentifyFloor(t *testing.T) {
	c := &Config{Reset: &Reset{}}
	c.applyTimingDefaults()
	if c.Reset.IdentifyFloor.D() != 300*time.Millisecond {
		t.Errorf("default reset.identify_floor %v", c.Reset.IdentifyFloor.D())
	}
	for floor, ok := range map[time.Duration]bool{50 * time.Millisecond: true, 5 * time.Second: true, time.Minute: false, -time.Second: false} {
		c.Reset.IdentifyFloor = Duration(floor)
		var p Problems
		c.validateTiming(&p)
		if got := len(p) == 0; got != ok || (!ok && p[0].Path != "reset.identify_floor") {
			t.Errorf("reset.identify_floor %v: problems %v", floor, p)
		}
	}
}

func TestAuditReaders(t *testing.T) {
	secrets := map[string]string{"/run/secrets/ldap": "pw", "/run/secrets/oidc": "client-secret"}
	readers := withSignIn + "audit:\n  readers: [\"cn=helpdesk,ou=groups,dc=example,dc=com\"]\n"
	c, err := read(t, readers, nil, secrets)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Audit.Readers, []string{"cn=helpdesk,ou=groups,dc=example,dc=com"}) {
		t.Errorf("readers %v", c.Audit.Readers)
	}
	if c, err := read(t, withSignIn, nil, secrets); err != nil || len(c.Audit.Readers) != 0 {
		t.Errorf("default readers %v (%v); want none: no page", c.Audit.Readers, err)
	}
	_, err = read(t, strings.Replace(readers, `"cn=helpdesk,ou=groups,dc=example,dc=com"`, `"cn=helpdesk,ou=groups,dc=example,dc=com", " "`, 1), nil, secrets)
	if got := problemPaths(t, err); !slices.Equal(got, []string{"audit.readers[1]"}) {
		t.Errorf("an empty group: problems at %v", got)
	}
	// Readers sign in to see the page, and are looked up in the directory.
	_, err = read(t, minimal+"audit:\n  readers: [\"cn=helpdesk\"]\n", nil, nil)
	if got := problemPaths(t, err); !slices.Equal(got, []string{"audit.readers", "audit.readers"}) {
		t.Errorf("readers without signin and directory: problems at %v", got)
	}
}
