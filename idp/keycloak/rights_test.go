package keycloak

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"path"
	"strings"
	"testing"
	"time"
)

// TestKeycloakServiceAccountRights: the testenv's client, with view-users
// and manage-users, holds no excess; a client made a realm administrator is
// reported with the roles it should not have.
func TestKeycloakServiceAccountRights(t *testing.T) {
	s := keycloak(t)
	if excess, err := newDirectory(t, s.cfg).ExcessRights(t.Context()); err != nil || excess != "" {
		t.Fatalf("the testenv's client: %q, %v; want nothing", excess, err)
	}

	realm := s.cfg.Realm
	id, secret := uniq(t, "rights-test-"), uniq(t, "Secret-")
	resp, b := s.adminDo(t, http.MethodPost, realm+"/clients", map[string]any{
		"clientId": id, "secret": secret, "publicClient": false, "serviceAccountsEnabled": true,
		"standardFlowEnabled": false, "directAccessGrantsEnabled": false})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create client: HTTP %d %s", resp.StatusCode, b)
	}
	cid := path.Base(resp.Header.Get("Location"))
	t.Cleanup(func() { s.adminRequest(http.MethodDelete, realm+"/clients/"+cid, nil) })

	var user struct{ ID string }
	_, b = s.adminDo(t, http.MethodGet, realm+"/clients/"+cid+"/service-account-user", nil)
	var rm []struct{ ID string }
	_, b2 := s.adminDo(t, http.MethodGet, realm+"/clients?clientId=realm-management", nil)
	if json.Unmarshal(b, &user) != nil || json.Unmarshal(b2, &rm) != nil || user.ID == "" || len(rm) != 1 {
		t.Fatalf("service account user %s, realm-management %s", b, b2)
	}
	_, role := s.adminDo(t, http.MethodGet, realm+"/clients/"+rm[0].ID+"/roles/realm-admin", nil)
	var roleRep map[string]any
	if err := json.Unmarshal(role, &roleRep); err != nil {
		t.Fatalf("realm-admin role: %s", role)
	}
	if resp, b := s.adminDo(t, http.MethodPost, realm+"/users/"+user.ID+"/role-mappings/clients/"+rm[0].ID, []any{roleRep}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("grant realm-admin: HTTP %d %s", resp.StatusCode, b)
	}

	cfg := s.cfg
	cfg.ClientID, cfg.ClientSecret = id, secret
	excess, err := newDirectory(t, cfg).ExcessRights(t.Context())
	if err != nil || !strings.Contains(excess, "realm-admin") || !strings.Contains(excess, "manage-realm") {
		t.Fatalf("a realm administrator's client: %q, %v; want realm-admin and manage-realm named", excess, err)
	}
}

// TestRealmManagementRoles reads the roles from a token's payload, and
// refuses a token that is not a JWT.
func TestRealmManagementRoles(t *testing.T) {
	tok := "eyJhbGciOiJub25lIn0." +
		"eyJyZXNvdXJjZV9hY2Nlc3MiOnsicmVhbG0tbWFuYWdlbWVudCI6eyJyb2xlcyI6WyJ2aWV3LXVzZXJzIiwiaW1wZXJzb25hdGlvbiJdfSwiYWNjb3VudCI6eyJyb2xlcyI6WyJ2aWV3LXByb2ZpbGUiXX19fQ." +
		"sig"
	roles, err := realmManagementRoles(tok)
	if err != nil || strings.Join(roles, ",") != "view-users,impersonation" {
		t.Fatalf("got %v, %v", roles, err)
	}
	if _, err := realmManagementRoles("opaque-token"); err == nil {
		t.Fatal("an opaque token gave roles")
	}
}

// TestExcessRightsNeedsTheRolesListed: a token that lists no
// realm-management roles (lightweight, or no roles scope) is no proof of a
// client without excess: the check says it could not tell.
func TestExcessRightsNeedsTheRolesListed(t *testing.T) {
	for name, payload := range map[string]string{
		"no resource_access":     `{"sub":"x"}`,
		"without manage-users":   `{"resource_access":{"realm-management":{"roles":["view-users"]}}}`,
		"other clients' roles":   `{"resource_access":{"account":{"roles":["manage-account"]}}}`,
		"the needed roles alone": `{"resource_access":{"realm-management":{"roles":["view-users","manage-users","query-users"]}}}`,
		"one too many":           `{"resource_access":{"realm-management":{"roles":["view-users","manage-users","manage-realm"]}}}`,
	} {
		tok := "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".sig"
		d := &Directory{cfg: Config{ClientID: "frontdoor"}, tokens: &tokenSource{tok: tok, exp: time.Now().Add(time.Hour), now: time.Now}}
		excess, err := d.ExcessRights(t.Context())
		switch name {
		case "the needed roles alone":
			if err != nil || excess != "" {
				t.Errorf("%s: %q, %v; want nothing", name, excess, err)
			}
		case "one too many":
			if err != nil || !strings.Contains(excess, "manage-realm") {
				t.Errorf("%s: %q, %v; want manage-realm named", name, excess, err)
			}
		default:
			if !errors.Is(err, errRolesNotListed) {
				t.Errorf("%s: %q, %v; want the roles not listed", name, excess, err)
			}
		}
	}
}
