package decoder

import (
	"errors"
	"fmt"
)

// ErrorCode names why an image could not be read. The codes are part of
// qrgate's output contract.
type ErrorCode string

// Error codes, as ../shared/CONTRACT.md lists them.
const (
	ErrUnsupported   ErrorCode = "unsupported"
	ErrCorrupt       ErrorCode = "corrupt"
	ErrTruncated     ErrorCode = "truncated"
	ErrTooLarge      ErrorCode = "too_large"
	ErrTooManyFrames ErrorCode = "too_many_frames"
	ErrTimeout       ErrorCode = "timeout"
)

// Error is an image that could not be read. Message is safe to show a client.
type Error struct {
	Code    ErrorCode
	Message string
	Err     error // the underlying cause, if any
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }
func (e *Error) Unwrap() error { return e.Err }

func newError(code ErrorCode, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// AsError returns err as an *Error, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
