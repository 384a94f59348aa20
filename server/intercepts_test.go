package server

import "testing"

func TestPatternsOverlap(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"/forgot-password", "/forgot-password", true},
		{"/forgot-password", "/unlock", false},
		{"/forgot*", "/forgot-password", true},
		{"/account/*", "/account/reset", true},
		{"/account/*", "/accounts/reset", false},
		{"/realms/{realm}/login-actions/reset-credentials", "/realms/demo/login-actions/reset-credentials", true},
		{"/realms/{realm}/login-actions/reset-credentials", "/realms/{r}/login-actions/unlock", false},
		{"/a/b", "/a/b/c", false},
		{"/a/*", "/a", false},
	}
	for _, tt := range tests {
		if got := patternsOverlap(tt.a, tt.b); got != tt.want {
			t.Errorf("patternsOverlap(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := patternsOverlap(tt.b, tt.a); got != tt.want {
			t.Errorf("patternsOverlap(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}
