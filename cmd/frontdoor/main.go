package main

import (
	_ "github.com/andybalholm/brotli"
	_ "github.com/coreos/go-oidc/v3/oidc"
	_ "github.com/crewjam/saml"
	_ "github.com/go-ldap/ldap/v3"
	_ "github.com/gorilla/sessions"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "golang.org/x/net/html"
	_ "golang.org/x/oauth2"
	_ "gopkg.in/yaml.v3"
	_ "modernc.org/sqlite"
)

func main() {}
