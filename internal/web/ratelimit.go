package web

import (
	"net/http"
	"time"

	"kuulu/internal/domain"
)

// rateLimit counts one request from the client's address in a fixed window
// and refuses it with 429 and Retry-After once limit is passed. The counters
// live in the database, so the limit holds across every instance.
func (s *Server) rateLimit(r *http.Request, name string, limit int, window time.Duration) error {
	if s.cfg.NoRateLimit {
		return nil
	}
	n, until, err := s.db.Hit(r.Context(), name+":"+requestInfo(r).IP, window)
	if err != nil {
		return err
	}
	if n > limit {
		return &domain.Error{Code: domain.ETOOMANY, Key: "err.rate_limited", Message: "rate limit " + name,
			RetryAfter: int(until.Sub(s.db.Now()).Seconds()) + 1}
	}
	return nil
}
