// Package apierror is the one error model of qrgate's HTTP answers, on the
// public and the admin listener alike: an Error carries the status, a
// stable code (part of the API, docs/api.md), a message safe to show and
// an optional Retry-After; Write is the one place it becomes a response,
// {"error":{"code":"…","message":"…"}}.
package apierror

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
)

// Error is a request error. Handlers return it; Write writes it.
type Error struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration // > 0 adds a Retry-After header (503, 429)
	Err        error         // internal cause, logged, never sent
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.Status, e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Error codes, one per failure, on both listeners (docs/api.md).
const (
	CodeBadRequest       = "bad_request"
	CodeMissingField     = "missing_field"
	CodeTooManyParts     = "too_many_parts"
	CodeUnauthorized     = "unauthorized"
	CodeForbidden        = "forbidden"
	CodeNotFound         = "not_found"
	CodePurged           = "purged"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeAlreadyDecided   = "already_decided"
	CodeInvalidPolicy    = "invalid_policy"
	CodeNoPolicyFile     = "no_policy_file"
	CodeBodyTooLarge     = "body_too_large"
	CodeTextTooLarge     = "text_too_large"
	CodeUnsupportedType  = "unsupported_media_type"
	CodeTooManyRequests  = "too_many_requests"
	CodeOverloaded       = "overloaded"
	CodeStoreUnavailable = "store_unavailable"
	CodeShuttingDown     = "shutting_down"
	CodeRequestTimeout   = "request_timeout"
	CodeInternal         = "internal"
	// The decisions feed: API keys are not configured; a cursor it never returned.
	CodeAPIKeysRequired = "api_keys_required"
	CodeBadCursor       = "bad_cursor"
)

// BadRequest is a 400 with code.
func BadRequest(code, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

// TooLarge is a 413 with code.
func TooLarge(code, format string, args ...any) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound is a 404.
func NotFound(format string, args ...any) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

// Unavailable is a 503 with code and a Retry-After of retry.
func Unavailable(code, msg string, retry time.Duration, cause error) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: code, Message: msg, RetryAfter: retry, Err: cause}
}

// TooManyRequests is a 429: the client is throttled for retry.
func TooManyRequests(msg string, retry time.Duration) *Error {
	return &Error{Status: http.StatusTooManyRequests, Code: CodeTooManyRequests, Message: msg, RetryAfter: retry}
}

// MethodNotAllowed is a 405 naming the method to use (also in Allow).
func MethodNotAllowed(ctx *fasthttp.RequestCtx, allow string) *Error {
	ctx.Response.Header.Set("Allow", allow)
	return &Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed, Message: "use " + allow}
}

// As maps any error to a request error; one that is not an *Error is a
// 500, which only a bug can produce (client input always maps to a 4xx).
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error", Err: err}
}

// Body is the JSON shape of an error answer.
type Body struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Write is the one place request errors become responses. realm names the
// WWW-Authenticate realm of a 401.
func Write(ctx *fasthttp.RequestCtx, e *Error, realm string) {
	var body Body
	body.Error.Code, body.Error.Message = e.Code, e.Message
	if e.RetryAfter > 0 {
		ctx.Response.Header.Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
	if e.Status == http.StatusUnauthorized {
		ctx.Response.Header.Set("WWW-Authenticate", `Bearer realm="`+realm+`"`)
	}
	WriteJSON(ctx, e.Status, body)
}

// WriteJSON answers status with v as JSON.
func WriteJSON(ctx *fasthttp.RequestCtx, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only a programming error can get here
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	ctx.SetBody(b)
}
