package server

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/idp"
)

// openDirectory builds the configured backend, or returns nil when the
// configuration has no directory section.
func openDirectory(ctx context.Context, cfg *config.Config, log *slog.Logger) (idp.Directory, error) {
	if cfg.Directory == nil {
		return nil, nil
	}
	if cfg.Directory.Backend == nil {
		return nil, fmt.Errorf("directory.type %q is not in this build", cfg.Directory.Type)
	}
	d, err := cfg.Directory.Backend.Open(ctx, log)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	return d, nil
}
