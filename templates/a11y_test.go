package templates

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestAccessibility checks every page in every language for what a screen
// reader user depends on: a language, one h1, a main landmark, a label for
// every input, aria-describedby pointing at elements that exist; and for what
// the CSP depends on: no script, no inline style or event handler.
func TestAccessibility(t *testing.T) {
	for _, c := range pageCases {
		for _, lang := range shipped {
			t.Run(c.name+"."+lang.String(), func(t *testing.T) {
				for _, problem := range accessibilityProblems(t, renderCase(t, c, lang)) {
					t.Error(problem)
				}
			})
		}
	}
}

func TestAccessibilityCatchesProblems(t *testing.T) {
	bad := `<!DOCTYPE html><html><body><h1>a</h1><h1>b</h1><input id="x" aria-describedby="gone"><script>1</script><p style="color:red" onclick="x()">t</p></body></html>`
	got := strings.Join(accessibilityProblems(t, []byte(bad)), "\n")
	for _, want := range []string{"lang", "h1", "main", "label", "gone", "script", "style", "onclick"} {
		if !strings.Contains(got, want) {
			t.Errorf("a page with a %s problem passed; problems found:\n%s", want, got)
		}
	}
}

func accessibilityProblems(t testing.TB, page []byte) []string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	ids, labels := map[string]bool{}, map[string]bool{}
	var inputs []*html.Node
	var described []string
	h1, mains := 0, 0
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id := attr(n, "id"); id != "" {
				ids[id] = true
			}
			if d := attr(n, "aria-describedby"); d != "" {
				described = append(described, strings.Fields(d)...)
			}
			for _, a := range n.Attr {
				if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
					problems = append(problems, "<"+n.Data+"> has an inline "+a.Key+" attribute")
				}
			}
			switch n.Data {
			case "html":
				if attr(n, "lang") == "" {
					problems = append(problems, "<html> has no lang attribute")
				}
			case "h1":
				h1++
			case "main":
				mains++
			case "label":
				labels[attr(n, "for")] = true
			case "input", "select", "textarea":
				if typ := attr(n, "type"); typ != "hidden" && typ != "submit" {
					inputs = append(inputs, n)
				}
			case "style":
				problems = append(problems, "the page has a <style> element")
			case "script":
				// Only a script file of frontdoor's own, never inline code.
				if src := attr(n, "src"); src == "" || !strings.HasPrefix(src, "/") || strings.HasPrefix(src, "//") || n.FirstChild != nil {
					problems = append(problems, "the page has an inline <script> element")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	if h1 != 1 {
		problems = append(problems, "the page has "+strconv.Itoa(h1)+" h1 headings, not one")
	}
	if mains != 1 {
		problems = append(problems, "the page has "+strconv.Itoa(mains)+" main landmarks, not one")
	}
	for _, in := range inputs {
		if id := attr(in, "id"); id == "" || !labels[id] {
			problems = append(problems, "input "+attr(in, "name")+" (id "+id+") has no label")
		}
	}
	for _, id := range described {
		if !ids[id] {
			problems = append(problems, "aria-describedby names "+id+", which is not on the page")
		}
	}
	return problems
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
