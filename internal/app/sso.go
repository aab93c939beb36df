package app

import (
	"context"

	"kuulu/internal/web"
)

// newSSO configures single sign-on when an issuer is set.
func newSSO(ctx context.Context, cfg Config) (web.SSO, error) {
	if cfg.OIDCIssuer == "" {
		return nil, nil
	}
	return nil, nil
}
