package decoder

import (
	"fmt"
	"runtime/debug"
)

// PanicError is a panic contained inside decoding: a bug in a reader (ours,
// a fork of Go's or a third-party one) that a hostile input reached. It is
// what Config.OnPanic receives, and the cause (Err) of the ErrCorrupt error
// of an image whose pixels could not be decoded because of it.
type PanicError struct {
	Value any    // what was passed to panic
	Stack []byte // the goroutine's stack where it was recovered
}

func (e *PanicError) Error() string { return fmt.Sprintf("decoder panic: %v", e.Value) }

// contain runs f; a panic in it is reported to onPanic as a *PanicError
// and returned. This is the decoder's one recover: pixel decoding runs
// under it once per image, each reader call of the strategies once per
// call (a reader's bug costs that attempt, not the scan).
func contain(onPanic func(any), f func()) (pe *PanicError) {
	defer func() {
		if r := recover(); r != nil {
			pe = &PanicError{Value: r, Stack: debug.Stack()}
			onPanic(pe)
		}
	}()
	f()
	return nil
}
