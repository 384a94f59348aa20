package policy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNoPassword reports empty input to CheckCommand.
var ErrNoPassword = errors.New("policy: no password on standard input")

// CheckCommand is the body of `frontdoor check-password`: it reads one
// password from in (up to the first line end; CRLF and LF are removed, other
// spaces kept), checks it for the user u, and writes the verdict to out:
// "accepted" or "refused", the reasons in the words say gives (the same
// catalogue as the pages), the score and the terms found, for the
// administrator. It never writes the password back.
//
// accepted is the verdict. err is non-nil when nothing could be read
// (ErrNoPassword) or written, or when a breached source could not be asked:
// the verdict of the other rules is written all the same, and the command
// should then exit with a status of its own (neither 0 nor 1).
func CheckCommand(ctx context.Context, in io.Reader, out io.Writer, p *Policy, u Context, say Say) (accepted bool, err error) {
	line, err := bufio.NewReader(io.LimitReader(in, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("policy: reading the password: %w", err)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if pw == "" {
		return false, ErrNoPassword
	}
	r, checkErr := p.Check(ctx, pw, u)
	var b strings.Builder
	if r.OK {
		b.WriteString("accepted\n")
	} else {
		b.WriteString("refused\n")
	}
	for _, reason := range r.Reasons {
		text, err := say.sentence(reason.MessageID(), reason.Args())
		if err != nil {
			return false, err
		}
		fmt.Fprintf(&b, "  %s: %s\n", reason.Code, text)
	}
	fmt.Fprintf(&b, "score: %d (%d needed)\n", r.Score, PassScore)
	if len(r.Terms) > 0 {
		fmt.Fprintf(&b, "terms found: %s\n", strings.Join(r.Terms, ", "))
	}
	if r.Strength >= 0 {
		fmt.Fprintf(&b, "strength: %d of 4\n", r.Strength)
	}
	if checkErr != nil {
		fmt.Fprintf(&b, "warning: %v\n", checkErr)
	}
	if _, err := io.WriteString(out, b.String()); err != nil {
		return false, fmt.Errorf("policy: writing the verdict: %w", err)
	}
	return r.OK, checkErr
}
