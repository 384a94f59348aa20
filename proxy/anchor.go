package proxy

// HasAnchor tells whether page, a whole HTML document, has an element that
// the selector inject_after names (#id, .class or a tag): whether the links
// would be injected into it. check-config --connect asks it of the upstream's
// sign-in page.
func HasAnchor(page []byte, injectAfter string) bool {
	var st scanState
	_, at := st.scan(page, parseSelector(injectAfter), true)
	return at >= 0
}
