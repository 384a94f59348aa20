package breached

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrAPI reports a range API that did not answer as documented.
var ErrAPI = errors.New("breached: range API")

// API is a client of a k-anonymity range API: for a password it sends
// GET {BaseURL}/range/{first 5 hex digits of the SHA-1} and looks for the
// other 35 digits among the "SUFFIX:count" lines of the answer, so neither
// the password nor its full hash leaves the process.
type API struct {
	// BaseURL is the API root without the trailing /range.
	BaseURL string
	// Client makes the requests; nil means a client with a 5 second timeout.
	Client *http.Client
	// UserAgent names frontdoor to the service, which may require one.
	UserAgent string
}

// defaultClient bounds a request when the caller gave no client.
var defaultClient = &http.Client{Timeout: 5 * time.Second}

// Count returns how often password was seen according to the API.
func (a *API) Count(ctx context.Context, password string) (int, error) {
	sum := sha1.Sum([]byte(password))
	full := strings.ToUpper(hex.EncodeToString(sum[:]))
	prefix, suffix := full[:5], full[5:]
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(a.BaseURL, "/")+"/range/"+prefix, nil)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrAPI, err)
	}
	// Padding makes every answer about the same size, so an observer of the
	// response length learns nothing about the prefix.
	req.Header.Set("Add-Padding", "true")
	if a.UserAgent != "" {
		req.Header.Set("User-Agent", a.UserAgent)
	}
	c := a.Client
	if c == nil {
		c = defaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrAPI, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%w: status %s", ErrAPI, resp.Status)
	}
	return scanRange(io.LimitReader(resp.Body, 8<<20), suffix)
}

// scanRange finds suffix among "SUFFIX:count" lines. Padding lines have a
// count of 0 and so count as absent.
func scanRange(r io.Reader, suffix string) (int, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		s, n, ok := strings.Cut(line, ":")
		if !ok || len(s) != len(suffix) {
			return 0, fmt.Errorf("%w: malformed line %q", ErrAPI, line)
		}
		if !strings.EqualFold(s, suffix) {
			continue
		}
		count, err := strconv.Atoi(n)
		if err != nil {
			return 0, fmt.Errorf("%w: malformed count %q", ErrAPI, n)
		}
		return count, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrAPI, err)
	}
	return 0, nil
}
