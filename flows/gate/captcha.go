package gate

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/frontdoor-sspr/frontdoor/captcha"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/web"
)

// Limits of CAPTCHA pictures and sounds. Rendering one, audio above all, costs
// real CPU time; an unbounded number from one flow or client slowed every
// page down. A page shows a challenge's picture once and the user may play
// its sound a few times; each wrong answer or "new picture" brings a new
// challenge, and those are bounded by identify's (and the helpdesk's)
// per-client limit of forms.
const (
	// CaptchaRenders is how many times one challenge is drawn, and
	// separately spoken.
	CaptchaRenders = 5
	// captchaIPImages and captchaIPAudio are the renders per client address
	// per captchaIPWindow.
	captchaIPImages = 60
	captchaIPAudio  = 20
	captchaIPWindow = 10 * time.Minute
	// captchaTTL is how long a challenge's count is kept (a flow's life).
	captchaTTL = 15 * time.Minute
)

// ErrCaptchaLimit means a CAPTCHA is not rendered: too many for its
// challenge or its client. It is a 429, with Retry-After set.
var ErrCaptchaLimit = errors.New("gate: too many CAPTCHA renders")

// AllowCaptcha counts one render of challenge c (kind "image" or "audio")
// for the client at ip, first against the client's limit, then against the
// challenge's. When either is reached it sets Retry-After on w and returns
// an error answered with 429.
func AllowCaptcha(ctx context.Context, w http.ResponseWriter, limits store.Limits, ip, kind string, c captcha.Challenge) error {
	max := captchaIPImages
	if kind == "audio" {
		max = captchaIPAudio
	}
	ok, _, retry, err := limits.Hit(ctx, "captcha-"+kind+":ip:"+ip, captchaIPWindow, max)
	if err == nil && ok {
		ok, _, retry, err = limits.Hit(ctx, "captcha-"+kind+":"+c.Seed, captchaTTL, CaptchaRenders)
	}
	if err != nil {
		return err
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())+1))
		return web.WithStatus(http.StatusTooManyRequests, ErrCaptchaLimit)
	}
	return nil
}
