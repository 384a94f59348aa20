package templates

import (
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"testing"
)

// TestContrast reads the embedded stylesheet's colour variables and checks
// the pairs the pages use against WCAG 2.1 AA: 4.5:1 for text, 3:1 for
// input borders and the focus ring.
func TestContrast(t *testing.T) {
	css, err := fs.ReadFile(embedded, "files/static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6});`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	tests := []struct {
		fg, bg string
		min    float64
	}{
		{"text", "card", 4.5}, {"text", "bg", 4.5},
		{"muted", "card", 4.5}, {"muted", "bg", 4.5},
		{"accent", "card", 4.5}, {"accent", "bg", 4.5},
		{"accent-dark", "card", 4.5},
		{"error", "card", 4.5},
		{"focus", "text", 3}, // the ring's yellow against its dark halo
	}
	for _, tt := range tests {
		fg, bg := vars[tt.fg], vars[tt.bg]
		if fg == "" || bg == "" {
			t.Errorf("--%s or --%s is missing from style.css", tt.fg, tt.bg)
			continue
		}
		if r := contrast(fg, bg); r < tt.min {
			t.Errorf("--%s %s on --%s %s: contrast %.2f, want at least %.1f", tt.fg, fg, tt.bg, bg, r, tt.min)
		}
	}
	if r := contrast("#ffffff", vars["accent"]); r < 4.5 {
		t.Errorf("button text on --accent: contrast %.2f", r)
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		x := float64(v) / 255
		if x <= 0.03928 {
			c[i] = x / 12.92
		} else {
			c[i] = math.Pow((x+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}
