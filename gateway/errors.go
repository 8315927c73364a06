package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Error is a request error: it knows the HTTP status a client gets, a stable
// code and a message safe to show. Handlers return it; one function writes it.
type Error struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration // > 0 adds a Retry-After header (503)
	Err        error         // internal cause, logged, never sent
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.Status, e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Request error codes. They are part of the API (docs/api.md).
const (
	CodeBadRequest       = "bad_request"
	CodeMissingField     = "missing_field"
	CodeTooManyParts     = "too_many_parts"
	CodeUnauthorized     = "unauthorized"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeBodyTooLarge     = "body_too_large"
	CodeTextTooLarge     = "text_too_large"
	CodeUnsupportedType  = "unsupported_media_type"
	CodeOverloaded       = "overloaded"
	CodeStoreUnavailable = "store_unavailable"
	CodeShuttingDown     = "shutting_down"
	CodeRequestTimeout   = "request_timeout"
	CodeInternal         = "internal"
)

func badRequest(code, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

func tooLarge(code, format string, args ...any) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: code, Message: fmt.Sprintf(format, args...)}
}

func unavailable(code, msg string, retry time.Duration, cause error) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: code, Message: msg, RetryAfter: retry, Err: cause}
}

// asError maps any error to a request error; an unknown one is a 500, which
// only a bug can produce (client input always maps to a 4xx).
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error", Err: err}
}
