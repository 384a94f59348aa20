// Package templates renders frontdoor's own pages and emails, in the
// language the browser prefers, from files embedded in the binary that an
// operator may replace one by one.
//
// # Files
//
// The embedded tree, mirrored by the operator's directory (Options.Dir):
//
//	pages/_layout.html   the page shell; defines "layout"
//	pages/_form.html     the "form" and "field" blocks that flow pages reuse
//	pages/NAME.html      a page; defines "title" and "content"
//	emails/_layout.txt   the plain-text email shell; defines "layout"
//	emails/_layout.html  the HTML email shell; defines "layout"
//	emails/NAME.txt      an email's text body; defines "content"
//	emails/NAME.html     an email's HTML body; defines "content"
//	static/style.css     the stylesheet, served under PREFIX/static/
//	locales/LANG.toml    messages, one catalog per language (en, fr)
//
// A page, email or static file in the operator's directory replaces the
// embedded file of the same name; new partials (names starting with "_"),
// static files (images, fonts) and catalogs (a new language) may be added. A
// catalog is layered over the embedded one of its language, so an operator
// redefines only the messages they want to change. Any other file, a
// template that does not parse, a message a template asks for that English
// lacks, a translated message English lacks, or a page that fails to render,
// makes New fail with an error naming the file. Hidden files and
// directories are skipped and symbolic links followed, so a mounted
// Kubernetes ConfigMap works as it is.
//
// # Templates
//
// Pages execute with a *Page and emails with a *Mail. New renders every page
// once with a zero View (nil Data) in every language, so a page reads its
// data inside {{with .Data}}...{{end}}; the form block is called as
// {{template "form" ($.With .Form)}} with a Form. Every visible string
// comes from a catalog through the T method: {{.T "placeholder.title"}}, or
// with named values, {{.T "error.status" "Status" .Data.Status}}. Messages
// are go-i18n messages in TOML whose text is a Go template; they always see
// {{.Product}} and {{.Organization}}.
//
// # Languages
//
// Negotiate matches an Accept-Language header against the catalogs with
// golang.org/x/text/language: q-values are honoured, a regional variant gets
// its base language (fr-CA is served French), and anything unsupported or
// unparsable gets English. A message missing from a catalog falls back to
// English.
//
// Pages contain no script and no inline style, so the Content-Security-Policy
// that package web sets (default-src 'none'; style-src 'self') holds.
package templates
