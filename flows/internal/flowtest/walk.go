package flowtest

// Start opens kind's first page (reset, unlock) and checks it is the
// identify form.
func (e *Env) Start(b *Browser, kind string) Page {
	e.t.Helper()
	p := b.Get(Prefix + kind)
	e.Expect(p, 200, "reset.identify.login")
	return p
}

// Identify starts kind's flow and sends login; it returns the page identify
// leads to.
func (e *Env) Identify(b *Browser, kind, login string) Page {
	e.t.Helper()
	return b.Submit(e.Start(b, kind), kind+"/identify", "login", login)
}

// ChooseEmail picks the email method on p, the method page.
func (e *Env) ChooseEmail(b *Browser, kind string, p Page) Page {
	e.t.Helper()
	return b.Submit(p, kind+"/method", "method", "email")
}

// PassGates walks kind's gates for login with the code mailed to mail, and
// returns the page after the last gate.
func (e *Env) PassGates(b *Browser, kind, login, mail string) Page {
	e.t.Helper()
	p := e.Identify(b, kind, login)
	e.Expect(p, 200, "reset.method.email")
	p = e.ChooseEmail(b, kind, p)
	e.Expect(p, 200, "reset.verify.title")
	return b.Submit(p, kind+"/verify", "code", e.LastCode(mail))
}
