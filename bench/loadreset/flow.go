package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The steps of one reset, in order, as the report names them. "mail" is the
// time from choosing email until the code arrives at the load test's SMTP
// server.
var steps = []string{"start", "identify", "method", "mail", "verify", "password"}

// stats collects step durations and errors from every virtual user.
type stats struct {
	mu        sync.Mutex
	durations map[string][]time.Duration
	errors    map[string]int
	status5xx int
	firstErr  map[string]string
	done      []time.Time // when each reset completed
}

func newStats() *stats {
	return &stats{durations: map[string][]time.Duration{}, errors: map[string]int{}, firstErr: map[string]string{}}
}

func (s *stats) step(name string, d time.Duration) {
	s.mu.Lock()
	s.durations[name] = append(s.durations[name], d)
	s.mu.Unlock()
}

func (s *stats) fail(name string, err error) {
	s.mu.Lock()
	s.errors[name]++
	if _, ok := s.firstErr[name]; !ok {
		s.firstErr[name] = err.Error()
	}
	s.mu.Unlock()
}

// replicas spreads requests over the frontdoor replicas, one after the other,
// and gives each request the virtual user's client address in
// X-Forwarded-For (frontdoor trusts loopback as its ingress), as real users
// behind an ingress come from many addresses.
type replicas struct {
	hosts []string
	next  atomic.Uint64
	base  http.RoundTripper
	st    *stats
}

type clientIPKey struct{}

func (rs *replicas) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.URL.Host = rs.hosts[rs.next.Add(1)%uint64(len(rs.hosts))]
	r2.Host = r.URL.Host
	if ip, ok := r.Context().Value(clientIPKey{}).(string); ok {
		r2.Header.Set("X-Forwarded-For", ip)
	}
	resp, err := rs.base.RoundTrip(r2)
	if err == nil && resp.StatusCode >= 500 {
		rs.st.mu.Lock()
		rs.st.status5xx++
		rs.st.mu.Unlock()
	}
	return resp, err
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// vu is one virtual user: a browser (cookie jar) resetting the passwords of
// its own accounts one after the other.
type vu struct {
	id       int
	base     string // frontdoor's public URL
	client   *http.Client
	mail     *mailbox
	st       *stats
	users    []*user
	inFlight *atomic.Int64
	think    time.Duration
}

func newVU(id int, base string, rt http.RoundTripper, mb *mailbox, st *stats, users []*user, inFlight *atomic.Int64) *vu {
	jar, _ := cookiejar.New(nil)
	return &vu{id: id, base: base, client: &http.Client{Jar: jar, Transport: rt, Timeout: time.Minute}, mail: mb, st: st, users: users, inFlight: inFlight}
}

// run resets passwords until the deadline.
func (v *vu) run(deadline time.Time) {
	for i := 0; time.Now().Before(deadline); i++ {
		u := v.users[i%len(v.users)]
		v.inFlight.Add(1)
		ok := v.reset(u)
		v.inFlight.Add(-1)
		if ok {
			v.st.mu.Lock()
			v.st.done = append(v.st.done, time.Now())
			v.st.mu.Unlock()
		} else {
			time.Sleep(100 * time.Millisecond)
		}
	}
}

func (v *vu) reset(u *user) bool {
	ip := fmt.Sprintf("10.%d.%d.%d", v.id>>8&255, v.id&255, 1+u.n%250)
	u.n++
	// Letters only from the random part: an account's user name ends in digits,
	// and the policy refuses a password that contains it. Nor any letter of the
	// names (cn "Wy0 Qx9") and the organisation ("Qx9 Labs"): the policy also
	// refuses what is one edit away from them, which 12 random letters are
	// about once in a thousand passwords.
	letters := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' && !strings.ContainsRune("WYQXLABS", r) {
			return r
		}
		return -1
	}, rand.Text()+rand.Text()+rand.Text())
	password := "Pw" + letters[:12] + "-8q"
	var body string
	think := func() {
		if v.think > 0 {
			time.Sleep(v.think/2 + time.Duration(mrand.Int64N(int64(v.think))))
		}
	}
	do := func(name, path string, form url.Values, want string) bool {
		if name != "start" && name != "method" {
			think()
		}
		start := time.Now()
		var resp *http.Response
		var err error
		req, _ := http.NewRequest("GET", v.base+path, nil)
		if form != nil {
			req, _ = http.NewRequest("POST", v.base+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req = req.WithContext(contextWithIP(ip))
		resp, err = v.client.Do(req)
		if err != nil {
			v.st.fail(name, err)
			return false
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			v.st.fail(name, err)
			return false
		}
		body = string(b)
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			v.st.fail(name, fmt.Errorf("status %d, page without %q: %s", resp.StatusCode, want, pageMessage(body)))
			return false
		}
		v.st.step(name, time.Since(start))
		return true
	}
	token := func() string {
		if m := csrfRE.FindStringSubmatch(body); m != nil {
			return m[1]
		}
		return ""
	}
	if !do("start", "/.frontdoor/reset", nil, `name="login"`) ||
		!do("identify", "/.frontdoor/reset/identify", url.Values{"csrf_token": {token()}, "login": {u.login}}, `value="email"`) {
		return false
	}
	v.mail.drain(u.mail) // a code of an earlier, failed try
	think()
	sent := time.Now()
	if !do("method", "/.frontdoor/reset/method", url.Values{"csrf_token": {token()}, "method": {"email"}}, `name="code"`) {
		return false
	}
	code, err := v.mail.code(u.mail, 30*time.Second)
	if err != nil {
		v.st.fail("mail", err)
		return false
	}
	v.st.step("mail", time.Since(sent))
	return do("verify", "/.frontdoor/reset/verify", url.Values{"csrf_token": {token()}, "code": {code}}, `name="confirm"`) &&
		do("password", "/.frontdoor/reset/password", url.Values{"csrf_token": {token()}, "password": {password}, "confirm": {password}}, "Your password has been reset")
}

func contextWithIP(ip string) context.Context {
	return context.WithValue(context.Background(), clientIPKey{}, ip)
}

var messageRE = regexp.MustCompile(`(?s)<(?:p|div|li|ul)[^>]*(?:error|alert)[^>]*>(.*?)</(?:p|div|li|ul)>|<title>(.*?)</title>`)

// pageMessage returns a page's error message (or its title), for the report.
func pageMessage(body string) string {
	var parts []string
	for _, m := range messageRE.FindAllStringSubmatch(body, 4) {
		parts = append(parts, strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1]+m[2], " ")), " "))
	}
	return strings.Join(parts, " | ")
}
