package templates

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/text/language"
)

//go:embed all:files
var embedded embed.FS

// file is one template, catalog or static file, with where it came from so
// that every error can name it.
type file struct {
	name   string // slash path relative to the root: "pages/error.html"
	origin string // the operator's path, or "embedded pages/error.html"
	data   []byte
}

// source holds the effective files. For pages, emails and static files the
// operator's file replaces the embedded one; for catalogs both are kept, in
// that order, because an operator's catalog is layered over the embedded one.
type source struct {
	files   map[string]file   // effective pages, emails and static files
	locales map[string][]file // "locales/fr.toml" → embedded, then override
}

func loadSource(base fs.FS, dir string) (*source, error) {
	src := &source{files: map[string]file{}, locales: map[string][]file{}}
	err := fs.WalkDir(base, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(base, p)
		if err != nil {
			return err
		}
		src.add(file{name: p, origin: "embedded " + p, data: b})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("templates: reading embedded files: %w", err)
	}
	if dir == "" {
		return src, nil
	}
	if err := src.overlay(dir); err != nil {
		return nil, err
	}
	return src, nil
}

func (s *source) add(f file) {
	if strings.HasPrefix(f.name, "locales/") {
		s.locales[f.name] = append(s.locales[f.name], f)
		return
	}
	s.files[f.name] = f
}

// overlay reads the operator's directory. Hidden files and directories (such
// as the "..data" links of a Kubernetes ConfigMap) are skipped and symbolic
// links are followed; any other file must be one frontdoor knows how to use.
func (s *source) overlay(dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("templates: templates directory: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("templates: templates directory %s is not a directory", dir)
	}
	fsys := os.DirFS(dir)
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("templates: %s: %w", filepath.Join(dir, p), err)
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		origin := filepath.Join(dir, filepath.FromSlash(p))
		st, err := fs.Stat(fsys, p)
		if err != nil {
			return fmt.Errorf("templates: %s: %w", origin, err)
		}
		if !st.Mode().IsRegular() {
			return fmt.Errorf("templates: %s: not a regular file", origin)
		}
		if err := s.check(p); err != nil {
			return fmt.Errorf("templates: %s: %w", origin, err)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("templates: %s: %w", origin, err)
		}
		s.add(file{name: p, origin: origin, data: b})
		return nil
	})
}

var errUnknownFile = errors.New("not a file frontdoor uses")

// check tells whether an operator's file has a place: it replaces an embedded
// page or email, adds a partial (a name starting with "_"), a static file or
// a catalog for a language.
func (s *source) check(p string) error {
	dir, base := path.Split(p)
	ext := path.Ext(base)
	switch dir {
	case "pages/", "emails/":
		if _, ok := s.files[p]; ok {
			return nil
		}
		if strings.HasPrefix(base, "_") && (ext == ".html" || (dir == "emails/" && ext == ".txt")) {
			return nil
		}
		return fmt.Errorf("%w: there is no embedded %s%s to replace (new partials start with \"_\")", errUnknownFile, dir, base)
	case "static/":
		// A script may replace frontdoor's own, never be added: the pages
		// allow scripts of this origin (script-src 'self').
		_, embedded := s.files[p]
		if _, ok := contentTypes[strings.ToLower(ext)]; ok && (ext != ".js" || embedded) {
			return nil
		}
		return fmt.Errorf("%w: static files must be one of css, png, svg, ico, jpg, jpeg, webp, gif, woff, woff2", errUnknownFile)
	case "locales/":
		if ext != ".toml" {
			return fmt.Errorf("%w: catalogs are named after their language, such as locales/fr.toml", errUnknownFile)
		}
		if _, err := language.Parse(strings.TrimSuffix(base, ext)); err != nil {
			return fmt.Errorf("%w: %q is not a language tag: %w", errUnknownFile, strings.TrimSuffix(base, ext), err)
		}
		return nil
	}
	return fmt.Errorf("%w: expected pages/, emails/, static/ or locales/", errUnknownFile)
}

// under returns the effective files in a directory, such as "pages/".
func (s *source) under(dir string) []file {
	var out []file
	for name, f := range s.files {
		if strings.HasPrefix(name, dir) {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
