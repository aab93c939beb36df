package open311

import (
	"net/http"
	"strconv"

	"kuulu/internal/domain"
)

// apiError is one problem to report: the HTTP status, the message key in
// the i18n catalogue with its arguments, and the parameter it is about (put
// in front of the description so that a client sees which one to fix).
type apiError struct {
	status int
	param  string
	key    string
	args   []any
	// retryAfter in seconds, for 429.
	retryAfter int
}

func errParam(status int, param, key string, args ...any) apiError {
	return apiError{status: status, param: param, key: key, args: args}
}

func errOf(status int, key string, args ...any) apiError {
	return apiError{status: status, key: key, args: args}
}

var (
	errNotFound = errOf(http.StatusNotFound, "open311.err.not_found")
	errTooLarge = errOf(http.StatusRequestEntityTooLarge, "open311.err.too_large")
	errInternal = errOf(http.StatusInternalServerError, "open311.err.internal")
)

// fail answers with the errors as an array of {code, description}, in the
// request's format, with the status of the first error (they share one in
// practice: the handlers never mix statuses).
func (a *API) fail(w http.ResponseWriter, r *http.Request, f format, lang domain.Lang, errs ...apiError) {
	if len(errs) == 0 {
		errs = []apiError{errInternal}
	}
	status := errs[0].status
	out := make([]Error, 0, len(errs))
	for _, e := range errs {
		d := a.cat.T(lang, e.key, e.args...)
		if e.param != "" {
			d = e.param + ": " + d
		}
		out = append(out, Error{Code: e.status, Description: d})
	}
	if errs[0].retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(errs[0].retryAfter))
	}
	if status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "GET, HEAD")
	}
	body, ct, err := encode(f, out, errorsDoc{Errors: out})
	if err != nil {
		a.log.Error("open311: encoding an error", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	write(w, status, body, ct)
}

// failInternal logs an unexpected error and answers 500 without details.
func (a *API) failInternal(w http.ResponseWriter, r *http.Request, f format, lang domain.Lang, err error) {
	a.log.Error("open311: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	a.fail(w, r, f, lang, errInternal)
}
