package templates

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Page is the value page templates execute with (their "."). Templates use
// its fields and methods; operators overriding a page may use the same.
type Page struct {
	// Lang is the page's BCP 47 language tag, for the lang attribute.
	Lang string
	// Dir is "ltr" or "rtl", for the dir attribute.
	Dir          string
	Product      string
	Organization string
	Prefix       string
	RequestID    string
	CSRFField    string
	CSRFToken    string
	// Data is the page's own data; in a block called through With, the value
	// given to With.
	Data any
	// Name is the page's name, such as "helpdesk_form".
	Name string

	set  *Set
	lang int
	here string
}

func (s *Set) newPage(v View) *Page {
	i := s.cat.index(v.Lang)
	tag := s.cat.tags[i]
	return &Page{
		Lang: tag.String(), Dir: direction(tag),
		Product: s.opt.Product, Organization: s.opt.Organization, Prefix: s.opt.Prefix,
		RequestID: v.RequestID, CSRFField: CSRFField, CSRFToken: v.CSRFToken,
		Data: v.Data, set: s, lang: i, here: v.Here,
	}
}

// ownHelpdeskLink lists the pages that are the helpdesk's, or show its link
// in their content already: their footer does not repeat it.
var ownHelpdeskLink = map[string]bool{
	"helpdesk_form": true, "helpdesk_sent": true, "helpdesk_none": true,
	"reset_stopped": true, "unlock_stopped": true, "placeholder": true,
}

// HelpdeskInFooter tells whether the footer links to the helpdesk: not on
// a page that is the helpdesk's or links to it already.
func (p *Page) HelpdeskInFooter() bool { return !ownHelpdeskLink[p.Name] }

// T returns the message id in the page's language. Further arguments are
// name, value pairs the message may use: {{.T "error.status" "Status" 404}}.
// Product and Organization are always available to messages.
func (p *Page) T(id string, args ...any) (string, error) { return p.set.message(p.lang, id, args) }

// TArgs is T with the name, value pairs in a slice, for the message IDs
// that data carries along with their values (Field.HintArgs).
func (p *Page) TArgs(id string, args []any) (string, error) { return p.T(id, args...) }

// Path returns the URL path of one of frontdoor's own pages: {{.Path "helpdesk"}}.
func (p *Page) Path(page string) string {
	return p.Prefix + strings.TrimPrefix(page, "/")
}

// Static returns the content-addressed URL of a static file, such as
// {{.Static "style.css"}}; it fails for a file that does not exist.
func (p *Page) Static(name string) (string, error) {
	return p.set.static.url(name)
}

// With returns a copy of the page whose Data is v, for calling a block with
// its own data while keeping the page's helpers: {{template "form" .With .Data.Form}}.
func (p *Page) With(v any) *Page {
	c := *p
	c.Data = v
	return &c
}

// message returns message id in the language at index i, with Product,
// Organization and the name, value pairs of args. A message asked for
// without arguments reads the same on every page: it is made once per
// language and kept (a page asks for 30 to 60 of them, and making one runs
// go-i18n's lookup and template each time).
func (s *Set) message(i int, id string, args []any) (string, error) {
	if len(args) == 0 {
		if msg, ok := s.plain[i].Load(id); ok {
			return msg.(string), nil
		}
	}
	data, err := messageData(s.opt.Product, s.opt.Organization, args)
	if err != nil {
		return "", fmt.Errorf("message %q: %w", id, err)
	}
	msg, err := s.cat.localize(i, id, data)
	if err == nil && len(args) == 0 {
		s.plain[i].Store(id, msg)
	}
	return msg, err
}

func messageData(product, org string, args []any) (map[string]any, error) {
	if len(args)%2 != 0 {
		return nil, fmt.Errorf("odd number of name, value arguments")
	}
	data := map[string]any{"Product": product, "Organization": org}
	for i := 0; i < len(args); i += 2 {
		name, ok := args[i].(string)
		if !ok {
			return nil, fmt.Errorf("argument %d is a %T, not a name", i+1, args[i])
		}
		data[name] = args[i+1]
	}
	return data, nil
}

// Dir returns "rtl" or "ltr", the writing direction of the supported
// language nearest to lang, for the dir attribute of text frontdoor writes
// outside its own pages (the links it injects into the sign-in page).
func (s *Set) Dir(lang language.Tag) string {
	return direction(s.cat.tags[s.cat.index(lang)])
}

func direction(tag language.Tag) string {
	if rtl(tag) {
		return "rtl"
	}
	return "ltr"
}

// Notice is the data of the placeholder and not_configured pages.
type Notice struct {
	// Back is where the "back to the sign-in page" link goes; no link when empty.
	Back string
}

// ErrorInfo is the data of the error page. Title and Message are message IDs.
type ErrorInfo struct {
	Status  int
	Title   string
	Message string
	// Back is the link back; "/" when empty.
	Back string
}

// Form is the data of the "form" block: a POST form with the CSRF token,
// labelled fields and a submit button. Submit, Error and the fields' Label,
// Hint and Error are message IDs.
type Form struct {
	// Action is the page under the prefix the form posts to, such as "reset".
	Action string
	Submit string
	// Error is a message about the whole form, shown above it.
	Error  string
	Fields []Field
	// Cancel, when set, is the way out of the flow beside the button: back
	// to the sign-in page.
	Cancel string
}

// Field is one labelled input of a Form.
type Field struct {
	// Name is the input's name; its id is "f-" + Name.
	Name string
	// Type is the input type; "text" when empty.
	Type  string
	Label string
	Hint  string
	// HintArgs are the name, value pairs the hint takes, as for Page.T.
	HintArgs     []any
	Error        string
	Value        string
	Autocomplete string
	Required     bool
	Autofocus    bool
}

// InputType returns the input's type attribute.
func (f Field) InputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

// ShowValue tells whether the value is written back into the page: never
// for a password.
func (f Field) ShowValue() bool {
	return f.Value != "" && f.Type != "password"
}

// DescribedBy returns the ids of the hint and error paragraphs that describe
// the input, for aria-describedby.
func (f Field) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, "f-"+f.Name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, "f-"+f.Name+"-error")
	}
	return strings.Join(ids, " ")
}
