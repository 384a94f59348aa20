package templates

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
)

// static serves the stylesheet and other static files. Each file is also
// served under a name that carries its content hash ("style.1a2b3c4d5e6f.css"),
// which pages link to and browsers may cache for a year: a changed file gets
// a new name. The plain name is served too, revalidated on every use.
type static struct {
	prefix string
	files  map[string]asset // by plain name
	hashed map[string]string
}

type asset struct {
	data   []byte
	hashed string
	etag   string
	ctype  string
}

func newStatic(files []file, prefix string) *static {
	st := &static{prefix: prefix + "static/", files: map[string]asset{}, hashed: map[string]string{}}
	for _, f := range files {
		name := path.Base(f.name)
		sum := sha256.Sum256(f.data)
		h := hex.EncodeToString(sum[:6])
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + h + ext
		ctype := contentTypes[strings.ToLower(ext)]
		st.files[name] = asset{data: f.data, hashed: hashed, etag: `"` + h + `"`, ctype: ctype}
		st.hashed[hashed] = name
	}
	return st
}

// contentTypes is fixed rather than taken from the system's MIME table, so
// that every machine serves the same types.
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml",
	".ico": "image/x-icon", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
	".gif": "image/gif", ".woff": "font/woff", ".woff2": "font/woff2",
}

func (st *static) url(name string) (string, error) {
	a, ok := st.files[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return st.prefix + a.hashed, nil
}

// StaticHandler serves the static files under Prefix + "static/"; mount it
// there. Hashed names get "Cache-Control: public, max-age=31536000,
// immutable"; plain names "no-cache", with an ETag.
func (s *Set) StaticHandler() http.Handler {
	return s.static
}

func (st *static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, st.prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	cache := "public, max-age=31536000, immutable"
	plain, ok := st.hashed[name]
	if !ok {
		plain, cache = name, "no-cache"
	}
	a, ok := st.files[plain]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", cache)
	h.Set("ETag", a.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.data))
}
