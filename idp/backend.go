package idp

import (
	"context"
	"log/slog"
)

// Problem is one mistake in a backend's configuration section, with the key
// it is about relative to the `directory` section (for example "urls[0]").
type Problem struct {
	Key     string
	Message string
}

// Error returns "key: message".
func (p Problem) Error() string { return p.Key + ": " + p.Message }

// BackendConfig is a backend's own configuration section, decoded from the
// `directory` section of the YAML file (every key but `type`). As in dex's
// connector registry, each backend owns its settings, their validation and
// the constructor; the server knows the backend only through this interface
// and the capability interfaces of the Directory that Open returns.
type BackendConfig interface {
	// Validate applies defaults and returns every problem, so that
	// check-config and serve accept exactly the same configurations.
	Validate() []Problem
	// Open builds the backend. It may connect lazily; it does not fail
	// because the server is down at start.
	Open(ctx context.Context, log *slog.Logger) (Directory, error)
}

// Closer is implemented by backends that hold connections.
type Closer interface {
	Close() error
}
