package register

import (
	"errors"
	"net/http"

	"github.com/frontdoor-sspr/frontdoor/idp"
	"github.com/frontdoor-sspr/frontdoor/store"
)

// AppNotifyPage is the data of "register_app_notification": with ntfy,
// the topic to subscribe to in the app (shown on this page only: whoever
// knows it can read the pushes).
type AppNotifyPage struct {
	Topic, SubscribeURL string
}

// appNotifyEnroll registers the user's phone with the provider: with Duo
// the account must already be enrolled in Duo with push; with ntfy a new
// topic is made and shown once.
func (f *Flow) appNotifyEnroll(w http.ResponseWriter, r *http.Request, u idp.User, fl store.Flow, s *State) error {
	topic, subscribe, ch, err := f.Methods.AppNotify.Enroll(r.Context(), u)
	if errors.Is(err, ErrNotReady) {
		f.methodFailed(r, u, fl, "app_notification", "not_ready")
		return f.render(w, r, u, fl, s, http.StatusUnprocessableEntity, "register.error.app_notification_not_ready")
	}
	if err != nil {
		return err
	}
	if err := f.methodChanged(r, u, fl, ch); err != nil {
		return err
	}
	if topic == "" {
		return f.done(w, r, fl, []string{stepOverview, stepVerify}, "register.saved.app_notification")
	}
	return f.page(w, r, fl, http.StatusOK, "register_app_notification", AppNotifyPage{Topic: topic, SubscribeURL: subscribe})
}
