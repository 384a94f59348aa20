package proxy

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

const snippet = `<p class="frontdoor-links"><a href="/.frontdoor/reset">Forgot my password</a></p>`

func inject(t testing.TB, page, sel string) (string, bool) {
	t.Helper()
	in := newInjector(iotest.OneByteReader(strings.NewReader(page)), parseSelector(sel), []byte(snippet))
	out, err := io.ReadAll(in)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(out), in.injected
}

func TestInjectAfterElement(t *testing.T) {
	tests := []struct {
		name, page, sel, want string
	}{
		{"after form by id",
			`<html><body><form id="login-form" method="post"><input name="u"></form><footer>x</footer></body></html>`,
			"#login-form",
			`<html><body><form id="login-form" method="post"><input name="u"></form>` + snippet + `<footer>x</footer></body></html>`},
		{"nested same tag",
			`<div class="box"><div>a</div><div>b</div></div><p>after</p>`,
			".box",
			`<div class="box"><div>a</div><div>b</div></div>` + snippet + `<p>after</p>`},
		{"class among several, upper-case tags kept as sent",
			`<DIV CLASS="x login y">in</DIV>rest`,
			".login",
			`<DIV CLASS="x login y">in</DIV>` + snippet + `rest`},
		{"void element",
			`<form><input id="pw" type="password"><button>go</button></form>`,
			"#pw",
			`<form><input id="pw" type="password">` + snippet + `<button>go</button></form>`},
		{"tag selector takes the first",
			`<form a=1></form><form a=2></form>`,
			"form",
			`<form a=1></form>` + snippet + `<form a=2></form>`},
		{"id inside script is not an element",
			`<script>var s = '<form id="login-form"></form>';</script><form id="login-form"></form>`,
			"#login-form",
			`<script>var s = '<form id="login-form"></form>';</script><form id="login-form"></form>` + snippet},
		{"CRLF and NUL bytes pass untouched",
			"<p>a\r\nb\x00</p><form id=\"f\">\r\n</form>\r\n",
			"#f",
			"<p>a\r\nb\x00</p><form id=\"f\">\r\n</form>" + snippet + "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, injected := inject(t, tt.page, tt.sel)
			if got != tt.want || !injected {
				t.Errorf("got  %q (injected %v)\nwant %q", got, injected, tt.want)
			}
		})
	}
}

func TestPageWithoutAnchorPassesUnchanged(t *testing.T) {
	pages := []string{
		``,
		`<html><body><form id="other"></form></body></html>`,
		`<div id="login-form"`, // truncated tag at the end
		`<!-- <form id="login-form"> --><p>text`,
		"\xff\xfe binary \x00 junk <<<>>>",
		`<form id="login-form">never closed`,
	}
	for _, page := range pages {
		got, _ := inject(t, page, "#login-form")
		if !strings.HasPrefix(page, `<form id="login-form">`) && got != page {
			t.Errorf("page changed:\n in  %q\n out %q", page, got)
		}
	}
}

func FuzzInjector(f *testing.F) {
	f.Add(`<form id="login-form"><input></form>tail`, "#login-form")
	f.Add(`<div class="a b"><div></div></div>`, ".b")
	f.Add(`<script><form id=x></script><form id=x/>`, "#x")
	f.Add("<p>\r\n\x00</p>", "p")
	f.Fuzz(func(t *testing.T, page, sel string) {
		if sel == "" {
			sel = "form"
		}
		in := newInjector(strings.NewReader(page), parseSelector(sel), []byte(snippet))
		out, err := io.ReadAll(in)
		if err != nil {
			t.Fatal(err)
		}
		if !in.injected {
			if !bytes.Equal(out, []byte(page)) {
				t.Fatalf("not injected but changed:\n in  %q\n out %q", page, out)
			}
			return
		}
		i := bytes.Index(out, []byte(snippet))
		if i < 0 {
			t.Fatal("injected but snippet missing")
		}
		if got := string(out[:i]) + string(out[i+len(snippet):]); got != page {
			t.Fatalf("removing the snippet does not give the page back:\n in  %q\n out %q", page, out)
		}
	})
}
