package config

import (
	"strings"
	"testing"
)

func TestMethodSections(t *testing.T) {
	cases := []struct {
		name string
		edit func(c *Config)
		want []string // paths with a problem
	}{
		{"defaults", func(c *Config) {}, nil},
		{"questions out of range", func(c *Config) {
			c.SecurityQuestions = SecurityQuestions{Register: 6, Answer: 7, Tries: 11, HashesInFlight: 100}
		}, []string{"security_questions.register", "security_questions.answer", "security_questions.tries", "security_questions.hashes_in_flight"}},
		{"custom questions", func(c *Config) {
			off := false
			c.SecurityQuestions = SecurityQuestions{BuiltIn: &off, Custom: []string{"First office?", " first OFFICE? ", strings.Repeat("x", 201), "a\nb"}}
		}, []string{"security_questions.custom[1]", "security_questions.custom[2]", "security_questions.custom[3]"}},
		{"too few custom without built-in", func(c *Config) {
			off := false
			c.SecurityQuestions = SecurityQuestions{BuiltIn: &off, Custom: []string{"One?", "Two?"}}
		}, []string{"security_questions.custom"}},
		{"ntfy", func(c *Config) {
			c.AppNotification = &AppNotification{Provider: "ntfy", Ntfy: &Ntfy{URL: "ntfy.example.com"}}
		}, []string{"app_notification.ntfy.url"}},
		{"duo", func(c *Config) {
			c.AppNotification = &AppNotification{Provider: "duo", Duo: &Duo{APIHost: "https://api-x.duosecurity.com", Signature: "md5"}}
		}, []string{"app_notification.duo.api_host", "app_notification.duo.integration_key", "app_notification.duo.secret_key", "app_notification.duo.signature"}},
		{"provider", func(c *Config) { c.AppNotification = &AppNotification{Provider: "pager"} }, []string{"app_notification.provider"}},
		{"duo ok", func(c *Config) {
			c.AppNotification = &AppNotification{Provider: "duo", Duo: &Duo{APIHost: "api-1234abcd.duosecurity.com",
				IntegrationKey: "DIWJ8X6AEYOR5OMC6TQ1", SecretKey: "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep"}}
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var cfg Config
			c.edit(&cfg)
			cfg.SecurityQuestions.ApplyDefaults()
			if cfg.AppNotification != nil {
				cfg.AppNotification.ApplyDefaults()
			}
			var p Problems
			cfg.SecurityQuestions.validate(&p)
			if cfg.AppNotification != nil {
				cfg.AppNotification.validate(&p)
			}
			var got []string
			for _, pr := range p {
				got = append(got, pr.Path)
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Fatalf("problems at %v, want %v\n%v", got, c.want, p)
			}
		})
	}
}
