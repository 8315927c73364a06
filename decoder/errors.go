package decoder

import (
	"errors"
	"fmt"

	"github.com/qrgate/qrgate/decoder/image"
)

// ErrorCode names why an image could not be read. The codes are part of
// qrgate's output contract.
type ErrorCode string

// Error codes, as qrgate's output format lists them (docs/api.md).
const (
	ErrUnsupported   ErrorCode = "unsupported"
	ErrCorrupt       ErrorCode = "corrupt"
	ErrTruncated     ErrorCode = "truncated"
	ErrTooLarge      ErrorCode = "too_large"
	ErrTooManyFrames ErrorCode = "too_many_frames"
	ErrTooComplex    ErrorCode = "too_complex"
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

// classify maps what decoder/image could not read to an error code.
func classify(err error) *Error {
	var ie *image.Error
	if !errors.As(err, &ie) {
		return newError(ErrCorrupt, err, "%v", err)
	}
	code := ErrCorrupt
	switch ie.Kind {
	case image.Unsupported:
		code = ErrUnsupported
	case image.Truncated:
		code = ErrTruncated
	case image.TooLarge:
		code = ErrTooLarge
	case image.TooManyFrames:
		code = ErrTooManyFrames
	case image.TooComplex:
		code = ErrTooComplex
	case image.Interrupted:
		code = ErrTimeout
	}
	return &Error{Code: code, Message: ie.Message, Err: ie.Err}
}
