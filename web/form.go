package web

import "net/http"

// LimitForm bounds a form's body to max bytes and parses it before next
// runs; a larger body is 413.
func LimitForm(max int64, next HandlerFunc) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		r.Body = http.MaxBytesReader(w, r.Body, max)
		if err := r.ParseForm(); err != nil {
			return WithStatus(http.StatusRequestEntityTooLarge, err)
		}
		return next(w, r)
	}
}

// SingleValue returns the form field key of a POST body when it is there
// exactly once, and "" when it is missing or repeated: a check that must
// fail closed (a CAPTCHA answer) never picks one of several values.
func SingleValue(r *http.Request, key string) string {
	r.PostFormValue(key) // parses the body once
	if v := r.PostForm[key]; len(v) == 1 {
		return v[0]
	}
	return ""
}
