package appnotify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Ntfy publishes to an ntfy-style server: one JSON message per push, with
// an HTTP action per choice (ntfy shows at most three actions: two numbers
// and deny).
type Ntfy struct {
	// URL is the server's base URL.
	URL string
	// Token is sent as a bearer token when set.
	Token  string
	Client *http.Client
}

var _ Provider = (*Ntfy)(nil)

// ntfyMessage is ntfy's JSON publishing format.
type ntfyMessage struct {
	Topic    string       `json:"topic"`
	Title    string       `json:"title"`
	Message  string       `json:"message"`
	Priority int          `json:"priority"`
	Tags     []string     `json:"tags,omitempty"`
	Actions  []ntfyAction `json:"actions"`
}

type ntfyAction struct {
	Action string `json:"action"` // "http"
	Label  string `json:"label"`
	URL    string `json:"url"`
	Method string `json:"method"`
	Clear  bool   `json:"clear"`
}

// CallsBack implements Provider.
func (*Ntfy) CallsBack() bool { return true }

// Ready implements Provider: a topic is all it takes.
func (*Ntfy) Ready(_ context.Context, ref string) error {
	if ref == "" {
		return ErrNotReady
	}
	return nil
}

// Status implements Provider; ntfy's outcomes come by callback.
func (*Ntfy) Status(context.Context, string) (Outcome, error) { return Pending, nil }

// Send implements Provider.
func (n *Ntfy) Send(ctx context.Context, p Push) (string, error) {
	msg := ntfyMessage{Topic: p.Ref, Title: p.Title, Message: p.Message, Priority: 4, Tags: []string{"key"}}
	for _, c := range p.Choices {
		msg.Actions = append(msg.Actions, ntfyAction{Action: "http", Label: c.Label, URL: c.URL, Method: http.MethodPost, Clear: true})
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(n.URL, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if n.Token != "" {
		req.Header.Set("Authorization", "Bearer "+n.Token)
	}
	client := n.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("appnotify: ntfy publish: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("appnotify: ntfy publish: status %d", resp.StatusCode)
	}
	return "", nil
}
