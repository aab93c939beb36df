package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"kuulu/internal/domain"
)

var (
	errNotFound     = &domain.Error{Code: domain.ENOTFOUND, Key: "err.page_not_found", Message: "no such route"}
	errUnauthorized = &domain.Error{Code: domain.EUNAUTHORIZED, Key: "err.unauthorized", Message: "not signed in"}
	errForbidden    = &domain.Error{Code: domain.EFORBIDDEN, Key: "err.forbidden", Message: "role does not allow"}
	errTooLarge     = &domain.Error{Code: domain.ETOOLARGE, Key: "err.too_large", Message: "request body too large"}
)

// statusOf maps the error vocabulary to HTTP status: the only such mapping.
func statusOf(code string) int {
	switch code {
	case domain.EINVALID:
		return http.StatusBadRequest
	case domain.ENOTFOUND:
		return http.StatusNotFound
	case domain.ECONFLICT:
		return http.StatusConflict
	case domain.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case domain.EFORBIDDEN:
		return http.StatusForbidden
	case domain.ETOOMANY:
		return http.StatusTooManyRequests
	case domain.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case domain.EMETHOD:
		return http.StatusMethodNotAllowed
	case domain.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// adapt turns a HandlerFunc into an http.Handler that renders returned errors.
func (s *Server) adapt(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// normalise recognises errors from the standard library that are the
// client's fault: an oversized body and a malformed form.
func normalise(err error) *domain.Error {
	if e := domain.AsError(err); e != nil {
		return e
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	return &domain.Error{Code: domain.EINTERNAL, Key: "err.internal", Message: err.Error()}
}

type errorPage struct {
	Status  int
	Message string
	Code    string
}

// renderError answers with the error in the user's language. Internal errors
// are logged with the request id and shown only as "internal error" plus the id.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	e := normalise(err)
	status := statusOf(e.Code)
	info := requestInfo(r)
	if status >= 500 {
		s.log.Error("internal error", "request_id", info.ID, "method", r.Method, "path", r.URL.Path, "err", err.Error())
	}
	if e.Code == domain.ETOOMANY && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	msg := s.cat.T(info.Lang, e.Key, e.Args...)
	if status >= 500 {
		msg = s.cat.T(info.Lang, "err.internal")
	}
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": e.Code, "message": msg, "request_id": info.ID}})
		return
	}
	s.render(w, r, status, "error.html", errorPage{Status: status, Message: msg, Code: e.Code})
}
