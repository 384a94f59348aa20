package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/idp/keycloak"
	"github.com/frontdoor-sspr/frontdoor/policy"
)

// Check is what `check-config` runs, and New runs the same before it builds
// anything: whatever it accepts, serve runs as written, and every feature
// the server could not run is a problem with its key path. It adds, to the
// checks of config.Validate, those of the parts that own their settings: the
// password policy, the directory backend's capabilities and the methods.
func Check(cfg *config.Config) error {
	dir, err := openDirectory(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	if c, ok := dir.(idp.Closer); ok {
		defer c.Close()
	}
	if ps := check(cfg, dir); len(ps) > 0 {
		return ps
	}
	return nil
}

// check returns every problem of cfg given its directory (nil without one).
func check(cfg *config.Config, dir idp.Directory) config.Problems {
	var ps config.Problems
	add := func(path, format string, args ...any) {
		ps = append(ps, config.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	for _, p := range policy.Validate(cfg.PasswordPolicy) {
		add("password_policy."+p.Key, "%s", p.Message)
	}
	dirType := ""
	if cfg.Directory != nil {
		dirType = cfg.Directory.Type
	}
	need := func(path, what string, ok bool) {
		if dir != nil && !ok {
			add(path, "the %s directory cannot %s", dirType, what)
		}
	}
	if r := cfg.Reset; r != nil && r.Enabled != config.EnabledNone {
		ps = append(ps, checkMethods(cfg, "reset.methods", r.Methods)...)
		_, ok := dir.(idp.PasswordSetter)
		need("directory.type", "set passwords, which the reset flow needs", ok)
		_, canGroup := dir.(idp.GroupMember)
		if r.Enabled == config.EnabledGroups {
			need("reset.groups", "tell group membership", canGroup)
		}
		if len(r.ManagedElsewhere.Groups) > 0 {
			need("reset.managed_elsewhere.groups", "tell group membership", canGroup)
		}
		if len(r.ManagedElsewhere.OUs) > 0 {
			_, ok := dir.(idp.Container)
			need("reset.managed_elsewhere.ous", "tell which container an account is in", ok)
		}
	}
	if u := cfg.Unlock; u != nil && u.Enabled != config.EnabledNone {
		switch {
		case cfg.Reset == nil:
			add("unlock", "takes its verification methods and disclosure from the reset section: add a reset section")
		case cfg.Reset.Enabled == config.EnabledNone:
			add("unlock", "takes its verification methods from reset, which is disabled (reset.enabled: none)")
		}
		if cfg.Directory == nil {
			add("directory", "is required when unlock is enabled")
		}
		_, ok := dir.(idp.Unlocker)
		need("directory.type", "clear lockouts, which the unlock flow needs", ok)
		if u.Enabled == config.EnabledGroups {
			_, ok := dir.(idp.GroupMember)
			need("unlock.groups", "tell group membership", ok)
		}
	}
	ps = append(ps, checkSignIn(cfg, dir)...)
	if h := cfg.Helpdesk; h != nil {
		if (h.Email != "" || h.Group != "") && cfg.Email == nil {
			add("email", "is required when the helpdesk sends mail (helpdesk.email or helpdesk.group)")
		}
		if h.Group != "" {
			_, ok := dir.(idp.GroupLister)
			switch {
			case dir == nil:
				add("helpdesk.group", "needs a directory section to list the group's members")
			case !ok:
				add("helpdesk.group", "the %s directory cannot list group members", dirType)
			}
		}
	}
	ps = append(ps, checkRegistration(cfg)...)
	ps = append(ps, checkIntercepts(cfg.Upstream.Intercept)...)
	ps = append(ps, checkKeycloakAddress(cfg)...)
	return ps
}

// checkKeycloakAddress refuses a Keycloak backend addressed through
// frontdoor itself (base_url on server.public_url's host): its admin API
// calls would pass through the front door, where upstream.block_paths
// answers them 404 (the keycloak preset blocks /admin), and otherwise it
// would be exposed there.
func checkKeycloakAddress(cfg *config.Config) config.Problems {
	if cfg.Directory == nil {
		return nil
	}
	kc, ok := cfg.Directory.Backend.(*keycloak.Config)
	if !ok {
		return nil
	}
	b, err1 := url.Parse(kc.BaseURL)
	p, err2 := url.Parse(cfg.Server.PublicURL)
	if err1 != nil || err2 != nil || b.Host == "" || !strings.EqualFold(b.Host, p.Host) {
		return nil
	}
	return config.Problems{{Path: "directory.base_url", Message: fmt.Sprintf(
		"%s is frontdoor's own public address (server.public_url): use Keycloak's internal address, which frontdoor does not stand in front of", kc.BaseURL)}}
}

// checkMethods refuses methods this build does not have, and those whose
// own requirements the configuration does not meet.
func checkMethods(cfg *config.Config, path string, names []string) config.Problems {
	var ps config.Problems
	seen := map[string]bool{}
	for i, name := range names {
		key := fmt.Sprintf("%s[%d]", path, i)
		spec, ok := methods.Lookup(name)
		switch {
		case !ok:
			ps = append(ps, config.Problem{Path: key, Message: fmt.Sprintf("%q is not a method this build has (it has: %s)",
				name, strings.Join(methods.Names(), ", "))})
			continue
		case seen[name]:
			ps = append(ps, config.Problem{Path: key, Message: fmt.Sprintf("%q is listed twice", name)})
			continue
		}
		seen[name] = true
		if spec.Check != nil {
			ps = append(ps, spec.Check(cfg)...)
		}
	}
	return ps
}
