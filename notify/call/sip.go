package call

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/zaf/g711"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// SIP places calls itself, as a SIP user agent, through the operator's
// trunk or PBX: an INVITE to sip:+NUMBER@trunk, G.711 audio (PCMU or PCMA)
// for the prompt, RFC 2833 telephone-events for the key.
type SIP struct {
	trunk    sip.Uri
	from     sip.Uri
	username string
	password string
	timeout  time.Duration
	log      *slog.Logger
	// transport is the trunk's: udp unless its URI says otherwise.
	transport string

	dg     *diago.Diago
	ua     *sipgo.UserAgent
	stop   context.CancelFunc
	mu     sync.Mutex
	served bool
}

var _ Caller = (*SIP)(nil)

// NewSIP builds the SIP driver from a validated configuration. It listens
// for the trunk's in-dialog requests (BYE) on the bind address, on a port
// of its own choosing, from the first call on; Close stops it.
func NewSIP(c config.CallSIP, log *slog.Logger) (*SIP, error) {
	s := &SIP{username: c.Username, password: c.Password, timeout: c.Timeout.D(), log: log}
	if s.timeout == 0 {
		s.timeout = config.DefaultCallTimeout
	}
	if err := sip.ParseUri(c.Trunk, &s.trunk); err != nil {
		return nil, fmt.Errorf("call: sip trunk %q: %w", c.Trunk, err)
	}
	if err := sip.ParseUri(c.From, &s.from); err != nil {
		return nil, fmt.Errorf("call: sip from %q: %w", c.From, err)
	}
	transport := "udp"
	if t, ok := s.trunk.UriParams.Get("transport"); ok {
		transport = strings.ToLower(t)
	}
	s.transport = transport
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("frontdoor"), sipgo.WithUserAgentHostname(s.from.Host))
	if err != nil {
		return nil, fmt.Errorf("call: sip user agent: %w", err)
	}
	s.ua = ua
	bind := c.Bind
	if bind == "" {
		bind = "0.0.0.0"
	}
	// The SIP stack logs URIs, hence numbers: it gets a logger that masks
	// them and keeps only warnings and errors.
	quiet := newRedactedLogger(log.With("component", "sip"))
	sip.SetDefaultLogger(quiet)
	media.SetDefaultLogger(quiet)
	s.dg = diago.NewDiago(ua,
		diago.WithLogger(quiet),
		diago.WithTransport(diago.Transport{Transport: transport, BindHost: bind}),
		diago.WithMediaConfig(diago.MediaConfig{Codecs: []media.Codec{
			media.CodecAudioUlaw, media.CodecAudioAlaw, media.CodecTelephoneEvent8000}}),
	)
	return s, nil
}

// serve starts the listener once.
func (s *SIP) serve() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.served {
		return nil
	}
	ctx, stop := context.WithCancel(context.Background())
	err := s.dg.ServeBackground(ctx, func(in *diago.DialogServerSession) {
		// frontdoor takes no calls.
		_ = in.Respond(sip.StatusForbidden, "Forbidden", nil)
	})
	if err != nil {
		stop()
		return fmt.Errorf("call: sip listen: %w", err)
	}
	// sipgo reports the UDP listener ready before it puts the listener's
	// connection in its pool; an INVITE sent in between binds the same
	// port again and fails with "address already in use". Wait for it.
	if pool := s.ua.TransportLayer().Pool(s.transport); s.transport == "udp" && pool != nil {
		for deadline := time.Now().Add(2 * time.Second); pool.Size() == 0 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
	}
	s.stop, s.served = stop, true
	return nil
}

// Close stops the listener; calls in progress end.
func (s *SIP) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		s.stop()
	}
	return s.ua.Close()
}

// Call implements Caller. The call rings for at most the timeout; once
// answered the prompt plays, and the callee has the timeout to press a key.
func (s *SIP) Call(ctx context.Context, to, lang string) (Outcome, error) {
	if err := checkE164(to); err != nil {
		return "", err
	}
	prompt, err := Prompt(lang)
	if err != nil {
		return "", err
	}
	if err := s.serve(); err != nil {
		return "", err
	}
	recipient := sip.Uri{Scheme: "sip", User: to, Host: s.trunk.Host, Port: s.trunk.Port,
		UriParams: s.trunk.UriParams, Headers: sip.NewParams()}
	d, err := s.dg.NewDialog(recipient, diago.NewDialogOptions{})
	if err != nil {
		return "", fmt.Errorf("call: sip dialog: %w", err)
	}
	defer d.Close()

	ringCtx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	opts := diago.InviteClientOptions{Username: s.username, Password: s.password, Headers: []sip.Header{}}
	opts.WithCaller("", s.from.User, s.from.Host)
	med, err := d.Invite(ringCtx, opts)
	if err != nil {
		return inviteOutcome(ringCtx, err)
	}
	if err := d.Ack(ctx); err != nil {
		return "", fmt.Errorf("call: sip ack: %w", err)
	}
	outcome, err := s.listen(ctx, d, med, prompt)
	hangCtx, hangCancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer hangCancel()
	if outcome != HungUp {
		_ = d.Hangup(hangCtx)
	}
	return outcome, err
}

// inviteOutcome turns a failed INVITE into an outcome: the callee's refusal
// or no answer in time; anything else (the trunk refusing us, the network)
// is an error.
func inviteOutcome(ctx context.Context, err error) (Outcome, error) {
	var resp *sipgo.ErrDialogResponse
	if errors.As(err, &resp) {
		switch resp.Res.StatusCode {
		case sip.StatusBusyHere, sip.StatusGlobalDecline, 600, sip.StatusTemporarilyUnavailable:
			return Rejected, nil
		case sip.StatusRequestTerminated:
			return NoAnswer, nil
		}
		return "", fmt.Errorf("call: sip trunk answered %d %s", resp.Res.StatusCode, resp.Res.Reason)
	}
	if ctx.Err() != nil {
		return NoAnswer, nil
	}
	return "", fmt.Errorf("call: sip invite: %w", err)
}

// listen plays the prompt and waits for the first key, a hang-up or the
// timeout.
func (s *SIP) listen(ctx context.Context, d *diago.DialogClientSession, med *diago.DialogMedia, prompt []byte) (Outcome, error) {
	key := make(chan rune, 1)
	if err := readKeys(med, key); err != nil {
		return "", err
	}
	played := make(chan error, 1)
	go func() { played <- s.play(med, prompt) }()

	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	for {
		select {
		case k := <-key:
			if k == '#' {
				return Confirmed, nil
			}
			return WrongKey, nil
		case <-d.Context().Done():
			return HungUp, nil
		case <-timer.C:
			return Silent, nil
		case <-ctx.Done():
			return "", ctx.Err()
		case err := <-played:
			if err != nil && d.Context().Err() == nil {
				s.log.Warn("playing the call prompt failed", "err", err)
			}
			played = nil
		}
	}
}

// play sends the prompt, decoded to linear PCM and encoded again in the
// codec the callee's side chose.
func (s *SIP) play(med *diago.DialogMedia, prompt []byte) error {
	pb, err := med.PlaybackCreate()
	if err != nil {
		return err
	}
	_, err = pb.Play(newPCMReader(prompt), "audio/pcm")
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return err
}

// newPCMReader reads mu-law samples as 16-bit little-endian PCM.
func newPCMReader(ulaw []byte) io.Reader {
	return strings.NewReader(string(g711.DecodeUlaw(ulaw)))
}
