package appnotify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A callback token names one answer to one challenge: the challenge's
// digest (16 bytes, never the flow handle), the answer (a number, or 0 for
// deny) and the end of its life, signed with the server's secret.
const (
	cbidLen    = 16
	payloadLen = cbidLen + 1 + 8
	sigLen     = 16
)

var errBadToken = errors.New("appnotify: bad callback token")

func (m *AppNotify) token(cbid []byte, pick int, exp time.Time) string {
	payload := make([]byte, 0, payloadLen)
	payload = append(payload, cbid[:cbidLen]...)
	payload = append(payload, byte(pick))
	payload = binary.BigEndian.AppendUint64(payload, uint64(exp.Unix()))
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(m.tokenMAC(payload))
}

func (m *AppNotify) tokenMAC(payload []byte) []byte {
	h := hmac.New(sha256.New, m.Secret)
	h.Write([]byte("app notification callback\x00"))
	h.Write(payload)
	return h.Sum(nil)[:sigLen]
}

// parseToken checks a token's signature and life.
func (m *AppNotify) parseToken(tok string) (cbid string, pick int, exp time.Time, err error) {
	p, s, ok := strings.Cut(tok, ".")
	if !ok || len(tok) > 128 {
		return "", 0, time.Time{}, errBadToken
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sig, err2 := base64.RawURLEncoding.DecodeString(s)
	if err1 != nil || err2 != nil || len(payload) != payloadLen || !hmac.Equal(sig, m.tokenMAC(payload)) {
		return "", 0, time.Time{}, errBadToken
	}
	exp = time.Unix(int64(binary.BigEndian.Uint64(payload[cbidLen+1:])), 0)
	if !m.Now().Before(exp) {
		return "", 0, time.Time{}, errBadToken
	}
	return encodeID(payload[:cbidLen]), int(payload[cbidLen]), exp, nil
}

func encodeID(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// Mount implements methods.Mounter: the callbacks the phone's actions call.
func (m *AppNotify) Mount(mux *http.ServeMux, prefix string) {
	mux.Handle("POST "+prefix+"app_notification/answer/{token}", m.Callbacks())
}

// Callbacks answers the phone's actions. The first answer to a challenge
// wins, whatever it is; a forged, altered or expired token, or a second
// answer, changes nothing.
func (m *AppNotify) Callbacks() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		cbid, pick, exp, err := m.parseToken(r.PathValue("token"))
		if err != nil {
			http.Error(w, "This answer is not valid.", http.StatusForbidden)
			return
		}
		ctx := r.Context()
		first, _, _, err := m.Limits.Hit(ctx, answeredKey(cbid), 2*Timeout, 1)
		if err != nil {
			http.Error(w, "Please try again.", http.StatusServiceUnavailable)
			return
		}
		if !first {
			http.Error(w, "This request was already answered.", http.StatusConflict)
			return
		}
		if err := m.Limits.Block(ctx, pickKey(cbid, pick), exp.Add(Timeout)); err != nil {
			http.Error(w, "Please try again.", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("OK\n"))
	})
}

func answeredKey(cbid string) string { return "app_notification:answered:" + cbid }

func pickKey(cbid string, pick int) string {
	return "app_notification:pick:" + cbid + ":" + strconv.Itoa(pick)
}
