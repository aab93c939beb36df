// Package domain holds the types shared by every capability of Kuulu: the error
// vocabulary, the clock, roles and languages. It does no I/O.
package domain

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each to one HTTP status in one place
// (web.statusOf) and to a translated message.
const (
	EINVALID      = "invalid"      // the input is wrong; 400 or 422
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // 409: unique constraint, stale state
	EUNAUTHORIZED = "unauthorized" // 401: not signed in
	EFORBIDDEN    = "forbidden"    // 403: signed in but not allowed
	ETOOMANY      = "too_many"     // 429: rate limited
	ETOOLARGE     = "too_large"    // 413: body over the limit
	EINTERNAL     = "internal"     // 500: never shown in detail
	EUNAVAILABLE  = "unavailable"  // 503: dependency down
	EMETHOD       = "method"       // 405
)

// Error is an application error. Key names a message in the i18n catalogue
// that tells the user what went wrong in their language; Message is for logs
// and developers only and is never shown to users for EINTERNAL.
type Error struct {
	Code    string
	Key     string // i18n message key, e.g. "err.unit.slug_taken"
	Args    []any  // arguments for the message
	Message string // developer-facing detail
	Fields  FieldErrors
	// RetryAfter in seconds, for ETOOMANY.
	RetryAfter int
}

func (e *Error) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Key)
}

// FieldErrors maps a form field name to the i18n key of its message.
type FieldErrors map[string]FieldError

// FieldError is one field's problem.
type FieldError struct {
	Key  string
	Args []any
}

// Add records a problem with field (the first one wins).
func (f FieldErrors) Add(field, key string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = FieldError{Key: key, Args: args}
	}
}

// Err returns an EINVALID error carrying the field errors, or nil when there are none.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Key: "err.form", Fields: f, Message: fmt.Sprintf("%d invalid fields", len(f))}
}

// Errorf returns an *Error with the code, user message key and developer detail.
func Errorf(code, key string, format string, args ...any) *Error {
	return &Error{Code: code, Key: key, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a typed not-found error for a kind of object.
func NotFound(kind string, id any) *Error {
	return &Error{Code: ENOTFOUND, Key: "err.not_found", Message: fmt.Sprintf("%s %v not found", kind, id)}
}

// Invalid returns an EINVALID error with one user message.
func Invalid(key string, args ...any) *Error {
	return &Error{Code: EINVALID, Key: key, Args: args, Message: key}
}

// Forbidden returns an EFORBIDDEN error.
func Forbidden(detail string) *Error {
	return &Error{Code: EFORBIDDEN, Key: "err.forbidden", Message: detail}
}

// Conflict returns an ECONFLICT error with one user message.
func Conflict(key string, detail string) *Error {
	return &Error{Code: ECONFLICT, Key: key, Message: detail}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns err as *Error, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsNotFound reports whether err is a not-found error.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }
