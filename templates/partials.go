package templates

import (
	"text/template/parse"
)

// Each page is parsed with the partials it calls and no others: html/template
// copies every template of a set into each page's clone, and the parse trees
// of partials a page never calls were most of the process's resting heap
// (and of the garbage collector's marking work on every cycle).

// calls maps each template name defined in a file to the names it calls.
type calls map[string][]string

// callsOf parses text (without checking function names: the execution does)
// and lists, for each template it defines, the templates it calls.
func callsOf(name string, text []byte) (calls, error) {
	trees := map[string]*parse.Tree{}
	t := parse.New(name)
	t.Mode = parse.SkipFuncCheck
	if _, err := t.Parse(string(text), "", "", trees); err != nil {
		return nil, err
	}
	c := calls{}
	for n, tree := range trees {
		var names []string
		walkCalls(tree.Root, &names)
		c[n] = names
	}
	return c, nil
}

func walkCalls(n parse.Node, names *[]string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkCalls(c, names)
			}
		}
	case *parse.TemplateNode:
		*names = append(*names, n.Name)
	case *parse.IfNode:
		walkCalls(n.List, names)
		walkCalls(n.ElseList, names)
	case *parse.RangeNode:
		walkCalls(n.List, names)
		walkCalls(n.ElseList, names)
	case *parse.WithNode:
		walkCalls(n.List, names)
		walkCalls(n.ElseList, names)
	}
}

// partialsFor returns, in their order, the partials that the page's
// execution of "layout" can reach.
func partialsFor(page calls, partials []file, partialCalls []calls) []file {
	all := append([]calls{page}, partialCalls...)
	need := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if need[name] {
			return
		}
		need[name] = true
		for _, c := range all {
			for _, n := range c[name] {
				visit(n)
			}
		}
	}
	visit("layout")
	var out []file
	for i, f := range partials {
		for name := range partialCalls[i] {
			if need[name] {
				out = append(out, f)
				break
			}
		}
	}
	return out
}
