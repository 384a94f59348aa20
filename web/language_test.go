package web

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/frontdoor-sspr/frontdoor/templates"
)

// A user who picks a language in the switcher keeps it on the pages after,
// whatever the browser's Accept-Language says.
func TestLanguageChoiceIsKept(t *testing.T) {
	set, err := templates.New(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pages := &Pages{Templates: set, Secure: true}
	mux := http.NewServeMux()
	mux.Handle("GET /.frontdoor/reset", pages.Page(http.StatusOK, "not_configured", templates.Notice{Back: "/login"}))
	mux.HandleFunc("POST /.frontdoor/reset", func(w http.ResponseWriter, r *http.Request) {
		pages.Render(w, r, http.StatusUnprocessableEntity, "not_configured", templates.View{})
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := srv.Client()
	client.Jar = jar
	get := func(method, path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	_, page := get("GET", "/.frontdoor/reset?return_to=%2Flogin")
	if !strings.Contains(page, `<html lang="fr" dir="ltr">`) {
		t.Fatal("Accept-Language: fr did not give the French page")
	}
	if !strings.Contains(page, `href="?lang=ar&amp;return_to=%2Flogin"`) {
		t.Errorf("the switcher does not come back to the same page with its query:\n%s", page)
	}

	resp, page := get("GET", "/.frontdoor/reset?lang=ar&return_to=%2Flogin")
	if !strings.Contains(page, `<html lang="ar" dir="rtl">`) || !strings.Contains(page, "لم يتم إعداد الخدمة الذاتية بعد") {
		t.Errorf("?lang=ar did not give the Arabic page:\n%s", page)
	}
	if v := resp.Header.Get("Vary"); !strings.Contains(v, "Accept-Language") || !strings.Contains(v, "Cookie") {
		t.Errorf("Vary: %q; a cache must not serve one user's language to another", v)
	}
	var c *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == templates.LangCookie {
			c = k
		}
	}
	if c == nil || c.Value != "ar" || !c.Secure || !c.HttpOnly || c.Path != "/.frontdoor/" {
		t.Errorf("language cookie %v, want ar, Secure, HttpOnly, under /.frontdoor/", c)
	}

	if _, page = get("GET", "/.frontdoor/reset"); !strings.Contains(page, `<html lang="ar" dir="rtl">`) {
		t.Error("the choice was not kept on the next page")
	}
	_, page = get("POST", "/.frontdoor/reset")
	if !strings.Contains(page, `<html lang="ar" dir="rtl">`) {
		t.Error("the choice was not kept on a page answering a form")
	}
	if strings.Contains(page, `class="languages"`) {
		t.Error("a page answering a POST links the switcher to an address that only takes POST")
	}
}
