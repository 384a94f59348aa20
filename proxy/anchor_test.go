package proxy

import "testing"

func TestHasAnchor(t *testing.T) {
	page := []byte(`<!DOCTYPE html><html><body><script>var s = "<form id=x>";</script>` +
		`<!-- <div id="login-form"> --><div class="box login"><form id="kc-form-login" action="/x"></form></div></body></html>`)
	for sel, want := range map[string]bool{
		"#kc-form-login": true, ".login": true, "form": true,
		"#login-form": false, // only in a comment
		"#x":          false, // only in a script
		".log":        false,
	} {
		if got := HasAnchor(page, sel); got != want {
			t.Errorf("HasAnchor(%q) = %v, want %v", sel, got, want)
		}
	}
}
