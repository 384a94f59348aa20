package signinpage

import (
	"bytes"
	"testing"
)

func TestPage(t *testing.T) {
	p := Page(50 << 10)
	if n := len(p); n < 48<<10 || n > 52<<10 {
		t.Errorf("page is %d bytes", n)
	}
	if i := bytes.Index(p, []byte(`id="login-form"`)); i < 0 || i > 4096 {
		t.Errorf("anchor at %d, want within the first 4 KB", i)
	}
	if !bytes.Equal(p, Page(50<<10)) {
		t.Error("page differs between calls")
	}
}
