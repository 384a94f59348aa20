package server

import (
	"bytes"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdoor-sspr/frontdoor/config"
	notifycall "github.com/frontdoor-sspr/frontdoor/notify/call"
	"github.com/frontdoor-sspr/frontdoor/testenv"
)

// TestCallPromptInUsersLanguage: a user whose browser asks for French
// hears the French prompt on the SIP call: the audio that reaches the
// phone (SIPp, silent) holds a stretch of the French prompt and none of the
// English one.
func TestCallPromptInUsersLanguage(t *testing.T) {
	rtp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer rtp.Close()
	phone := testenv.SIPp(t, "answer_silent.xml", map[string]string{"rtp_port": strconv.Itoa(rtp.LocalAddr().(*net.UDPAddr).Port)})
	audio := make(chan []byte, 1)
	go func() {
		var got []byte
		buf := make([]byte, 2048)
		for {
			_ = rtp.SetReadDeadline(time.Now().Add(20 * time.Second))
			n, _, err := rtp.ReadFrom(buf)
			if err != nil {
				audio <- got
				return
			}
			if n > 12 && buf[0]>>6 == 2 && buf[1]&0x7f == 0 { // RTP version 2, PCMU
				got = append(got, buf[12:n]...)
			}
		}
	}()
	cfg := testConfig(t)
	cfg.Reset.Methods = []string{"mobile_call"}
	cfg.Call = &config.Call{Provider: "sip", SIP: &config.CallSIP{Trunk: "sip:" + phone.Addr,
		From: "sip:frontdoor@127.0.0.1", Bind: "127.0.0.1", Timeout: config.Duration(8 * time.Second)}}
	fd := startFrontdoor(t, cfg)
	login, _, _ := slapdUser(t)
	slapdSet(t, login, "mobile", "+14155550101")

	c := browser(t)
	c.Transport = headerTransport{"Accept-Language", "fr-FR,fr;q=0.9"} // a browser set to French
	_, _, body := page(t, c, "GET", fd.URL+"/.frontdoor/reset", nil)
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/identify", url.Values{
		"csrf_token": {csrf(t, body)}, "login": {login}, "captcha": {fd.captchaAnswer(t, c, "reset")}})
	_, _, body = page(t, c, "POST", fd.URL+"/.frontdoor/reset/method", url.Values{"csrf_token": {csrf(t, body)}, "method": {"mobile_call"}})
	if !strings.Contains(body, `lang="fr"`) || !strings.Contains(body, `name="answer"`) {
		t.Fatalf("not a French page asking for the number:\n%s", body)
	}
	page(t, c, "POST", fd.URL+"/.frontdoor/reset/ask", url.Values{"csrf_token": {csrf(t, body)}, "answer": {"+1 415 555 0101"}})
	if err := phone.Wait(60 * time.Second); err != nil {
		t.Fatal(err)
	}
	rtp.SetReadDeadline(time.Now())
	got := ulawNormal(<-audio)

	fr, _ := notifycall.Prompt("fr")
	en, _ := notifycall.Prompt("en")
	// One second into the prompt: speech, not the leading silence.
	window := func(p []byte) []byte { return ulawNormal(p[8000:8800]) }
	if !bytes.Contains(got, window(fr)) {
		t.Fatalf("the phone did not hear the French prompt (%d bytes of audio)", len(got))
	}
	if bytes.Contains(got, window(en)) {
		t.Fatal("the phone heard the English prompt")
	}
}

// ulawNormal maps mu-law's two zeros (0x7f and 0xff) to one, so that audio
// decoded and encoded again compares equal.
func ulawNormal(b []byte) []byte {
	out := bytes.Clone(b)
	for i, v := range out {
		if v == 0x7f {
			out[i] = 0xff
		}
	}
	return out
}
