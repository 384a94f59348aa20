package templates

import (
	"fmt"
	htmltemplate "html/template"
	"text/template/parse"
)

// checkMessages finds every {{.T "literal.id"}} call (also through $ or a
// variable, as $.T or $page.T) in the templates and reports the first ID
// that the English catalog lacks, naming the file it is used in.
func (s *Set) checkMessages(origin string, ts []*htmltemplate.Template) error {
	var trees []*parse.Tree
	for _, t := range ts {
		if t.Tree != nil {
			trees = append(trees, t.Tree)
		}
	}
	return s.checkTrees(origin, trees)
}

func (s *Set) checkTrees(origin string, trees []*parse.Tree) error {
	for _, tree := range trees {
		if tree == nil {
			continue
		}
		var missing string
		walk(tree.Root, func(id string) {
			if missing == "" && !s.cat.ids[id] {
				missing = id
			}
		})
		if missing != "" {
			where := tree.ParseName
			if where == "" {
				where = origin
			}
			return fmt.Errorf("templates: %s: message %q is not in the English catalog", where, missing)
		}
	}
	return nil
}

// walk calls found for each literal message ID passed to a T method.
func walk(n parse.Node, found func(string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, found)
		}
	case *parse.ActionNode:
		walk(n.Pipe, found)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walk(c, found)
		}
	case *parse.CommandNode:
		if len(n.Args) >= 2 && isT(n.Args[0]) {
			if s, ok := n.Args[1].(*parse.StringNode); ok {
				found(s.Text)
			}
		}
		for _, a := range n.Args {
			walk(a, found)
		}
	case *parse.IfNode:
		walkBranch(&n.BranchNode, found)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, found)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, found)
	case *parse.TemplateNode:
		walk(n.Pipe, found)
	}
}

func walkBranch(b *parse.BranchNode, found func(string)) {
	walk(b.Pipe, found)
	walk(b.List, found)
	walk(b.ElseList, found)
}

// isT tells whether a command calls a method named T: .T, $.T, $page.T.
func isT(n parse.Node) bool {
	var idents []string
	switch n := n.(type) {
	case *parse.FieldNode:
		idents = n.Ident
	case *parse.VariableNode:
		idents = n.Ident
	case *parse.ChainNode:
		idents = n.Field
	}
	return len(idents) > 0 && idents[len(idents)-1] == "T"
}
