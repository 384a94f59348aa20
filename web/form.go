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
