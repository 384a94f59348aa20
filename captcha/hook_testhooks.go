//go:build testhooks

package captcha

// OnIssue makes f see every new challenge: end-to-end tests solve the CAPTCHA
// with it. It exists only in builds with the testhooks tag.
func OnIssue(f func(Challenge)) { issued = f }
