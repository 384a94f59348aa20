package ldap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/frontdoor-sspr/frontdoor/idp"
)

// transport dials the directory: several URLs tried in order, TLS verified,
// and every connection bounded by the timeout.
type transport struct {
	urls     []string
	startTLS bool
	tls      *tls.Config
	timeout  time.Duration
}

func newTransport(urls []string, startTLS bool, caFile string, timeout time.Duration) (*transport, error) {
	if len(urls) == 0 {
		return nil, errors.New("ldap: no directory URL configured")
	}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("ldap: directory URL %q: %w", raw, err)
		}
		switch {
		case u.Scheme == "ldaps", u.Scheme == "ldapi":
		case u.Scheme == "ldap" && startTLS:
		case u.Scheme == "ldap":
			return nil, fmt.Errorf("ldap: %q without start_tls would send passwords in clear text", raw)
		default:
			return nil, fmt.Errorf("ldap: directory URL %q: scheme must be ldap or ldaps", raw)
		}
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("ldap: ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ldap: ca_file %s holds no PEM certificate", caFile)
		}
		cfg.RootCAs = pool
	}
	return &transport{urls: urls, startTLS: startTLS, tls: cfg, timeout: timeout}, nil
}

// dial connects to the first URL that answers, with TLS established.
func (t *transport) dial(ctx context.Context) (*ldap.Conn, error) {
	var errs []error
	for _, raw := range t.urls {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%w: %w", idp.ErrUnavailable, err)
		}
		c, err := t.dialOne(ctx, raw)
		if err == nil {
			return c, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", raw, err))
	}
	return nil, fmt.Errorf("%w: %w", idp.ErrUnavailable, errors.Join(errs...))
}

func (t *transport) dialOne(ctx context.Context, raw string) (*ldap.Conn, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	timeout := t.timeoutFor(ctx)
	cfg := t.tls.Clone()
	cfg.ServerName = u.Hostname()
	c, err := ldap.DialURL(raw,
		ldap.DialWithDialer(&net.Dialer{Timeout: timeout}),
		ldap.DialWithTLSConfig(cfg))
	if err != nil {
		return nil, err
	}
	c.SetTimeout(timeout)
	if u.Scheme == "ldap" && t.startTLS {
		if err := c.StartTLS(cfg); err != nil {
			c.Close()
			return nil, fmt.Errorf("start_tls: %w", err)
		}
	}
	return c, nil
}

// timeoutFor is the configured timeout, shortened to the context's deadline.
func (t *transport) timeoutFor(ctx context.Context) time.Duration {
	d := t.timeout
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < d {
			d = max(left, time.Millisecond)
		}
	}
	return d
}

// pool keeps connections bound as the service account for reuse.
type pool struct {
	t        *transport
	bindDN   string
	password string
	idle     chan *ldap.Conn
	// slots holds a token for each connection in use: at most size are, and
	// a request beyond waits for one to come back rather than dialing (and
	// closing after one operation) a connection of its own, a TLS handshake
	// and a bind each.
	slots chan struct{}
}

func newPool(t *transport, bindDN, password string, size int) *pool {
	return &pool{t: t, bindDN: bindDN, password: password, idle: make(chan *ldap.Conn, size), slots: make(chan struct{}, max(size, 1))}
}

// get returns a live service connection, reusing an idle one when it can,
// and tells whether it was reused. Every connection it returns goes back
// with put.
func (p *pool) get(ctx context.Context) (*ldap.Conn, bool, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, false, fmt.Errorf("%w: waiting for a pooled connection: %w", idp.ErrUnavailable, ctx.Err())
	}
	c, reused, err := p.take(ctx)
	if err != nil {
		<-p.slots
	}
	return c, reused, err
}

func (p *pool) take(ctx context.Context) (*ldap.Conn, bool, error) {
	for {
		var c *ldap.Conn
		select {
		case c = <-p.idle:
		default:
		}
		if c == nil {
			break
		}
		if c.IsClosing() {
			c.Close()
			continue
		}
		c.SetTimeout(p.t.timeoutFor(ctx))
		return c, true, nil
	}
	c, err := p.t.dial(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := c.Bind(p.bindDN, p.password); err != nil {
		c.Close()
		return nil, false, fmt.Errorf("%w: service account bind: %w", idp.ErrUnavailable, err)
	}
	return c, false, nil
}

// put hands a connection back; a broken one, or one beyond the pool's size,
// is closed.
func (p *pool) put(c *ldap.Conn, err error) {
	defer func() { <-p.slots }()
	if c.IsClosing() || isNetworkError(err) {
		c.Close()
		return
	}
	c.SetTimeout(p.t.timeout)
	select {
	case p.idle <- c:
	default:
		c.Close()
	}
}

// close closes every idle connection.
func (p *pool) close() {
	for {
		select {
		case c := <-p.idle:
			c.Close()
		default:
			return
		}
	}
}
