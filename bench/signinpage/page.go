// Package signinpage makes the sign-in page the proxy benchmarks serve: about
// 50 KB of HTML shaped like a real product's page (inline style sheet, a form
// near the top, then text, a footer and scripts), with the anchor
// (#login-form) in its first few kilobytes. It is deterministic, so every run
// serves the same bytes.
package signinpage

import (
	"fmt"
	"strings"
)

// Anchor is the element the links go after.
const Anchor = "#login-form"

var words = strings.Fields(`account password sign in security organisation help desk
contact support privacy terms cookies language english deutsch français español
remember device trusted session expired please enter your user name email address
continue cancel submit verify code authenticator application message mobile phone
administrator policy requirements characters uppercase lowercase digits symbols
history previous recent reset unlock locked attempts minutes hours notice legal`)

// Page returns the page, about size bytes long.
func Page(size int) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Sign in</title>\n<style>\n")
	for i := 0; i < 24; i++ {
		fmt.Fprintf(&b, ".c%d{margin:%dpx %dpx;color:#%06x;font-size:%d.%dpx}\n", i, i%7, i%5*2, (i*2654435761)&0xffffff, 12+i%6, i%10)
	}
	b.WriteString("</style></head><body>\n<div class=\"page\"><header><img src=\"/logo.svg\" alt=\"Example\"></header>\n<main>\n")
	b.WriteString(`<form id="login-form" method="post" action="/login?session=7f3a9c"><label for="username">User name</label>` +
		`<input id="username" name="username" autocomplete="username"><label for="password">Password</label>` +
		`<input id="password" name="password" type="password"><input type="hidden" name="csrf" value="b1946ac92492d2347c6235b4d2611184">` +
		"<button type=\"submit\">Sign in</button></form>\n")
	seed := uint32(1)
	next := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % n
	}
	for p := 0; b.Len() < size-600; p++ {
		fmt.Fprintf(&b, "<section class=\"c%d\"><h2>%s %s</h2><p>", p%24, words[next(len(words))], words[next(len(words))])
		for i, n := 0, 20+next(40); i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[next(len(words))])
		}
		fmt.Fprintf(&b, ".</p><a href=\"/help/%d\">%s</a></section>\n", next(100000), words[next(len(words))])
	}
	b.WriteString("</main><footer><a href=\"/privacy\">Privacy</a> <a href=\"/terms\">Terms</a></footer></div>\n")
	b.WriteString("<script src=\"/js/login.js\" defer></script></body></html>\n")
	return []byte(b.String())
}
