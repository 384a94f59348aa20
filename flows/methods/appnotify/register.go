package appnotify

import (
	"net/http"
	"strings"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/flows/methods"
)

func init() {
	methods.Register(methods.Spec{
		Name:  Name,
		Kind:  methods.KindApproval,
		Needs: "a phone registered on the security info page with the configured push provider (Duo or ntfy)",
		Check: func(cfg *config.Config) config.Problems {
			if cfg.AppNotification == nil {
				return config.Problems{{Path: "app_notification", Message: "is required when a flow offers the app_notification method"}}
			}
			return nil
		},
		New: func(e methods.Env) methods.Method { return New(e) },
	})
}

// New builds the method from the shared environment and the configuration's
// app_notification section.
func New(e methods.Env) *AppNotify {
	m := &AppNotify{Registrations: e.Registrations, Now: time.Now, Message: e.Message}
	if e.Codes != nil {
		m.Codes, m.Limits, m.Secret = e.Codes.Codes, e.Codes.Limits, e.Codes.Secret
		if e.Codes.Now != nil {
			m.Now = e.Codes.Now
		}
	}
	cfg := e.Config
	if cfg == nil || cfg.AppNotification == nil {
		return m
	}
	m.Answers = strings.TrimSuffix(cfg.Server.PublicURL, "/") + cfg.Server.Prefix + "app_notification/answer/"
	client := &http.Client{Timeout: 10 * time.Second}
	an := cfg.AppNotification
	m.ProviderName = an.Provider
	switch {
	case an.Provider == "duo" && an.Duo != nil:
		m.Provider = &Duo{Host: an.Duo.APIHost, IntegrationKey: an.Duo.IntegrationKey, SecretKey: an.Duo.SecretKey,
			SHA1: an.Duo.Signature == "sha1", Client: client}
	case an.Provider == "ntfy" && an.Ntfy != nil:
		m.Provider = &Ntfy{URL: an.Ntfy.URL, Token: an.Ntfy.Token, Client: client}
	}
	return m
}
