package call

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
)

// TwilioSignature computes the X-Twilio-Signature of a callback: the
// base64 HMAC-SHA1, keyed with the account's auth token, of the full URL
// Twilio requested followed by each POST parameter's name and value, the
// names sorted (a repeated name's distinct values sorted too, as Twilio's
// own libraries do).
func TwilioSignature(authToken, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write([]byte(fullURL))
	for _, k := range keys {
		vs := append([]string(nil), form[k]...)
		sort.Strings(vs)
		for i, v := range vs {
			if i > 0 && v == vs[i-1] {
				continue // a repeated value counts once
			}
			m.Write([]byte(k))
			m.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// validTwilioSignature compares in constant time.
func validTwilioSignature(authToken, fullURL string, form url.Values, got string) bool {
	want := TwilioSignature(authToken, fullURL, form)
	return got != "" && hmac.Equal([]byte(want), []byte(got))
}
