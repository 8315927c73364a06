package decoder

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// pngHeader is enough for image.Sniff to say PNG.
const pngHeader = "\x89PNG\r\n\x1a\n"

// A panic in pixel decoding (injected where image.Open runs) reaches
// OnPanic as a *PanicError, and the image fails as corrupt with it as the
// cause: not a crash, not a silent "corrupt".
func TestPixelPanicReachesOnPanic(t *testing.T) {
	var got []any
	d := New(Config{OnPanic: func(r any) { got = append(got, r) }})
	d.open = func(context.Context, []byte, image.Limits) (image.Info, []bitmap.Plane, error) {
		panic("injected fault")
	}
	res, err := d.Decode(context.Background(), []byte(pngHeader))
	if len(got) != 1 {
		t.Fatalf("OnPanic called %d times, want once", len(got))
	}
	pe, ok := got[0].(*PanicError)
	if !ok || pe.Value != "injected fault" || len(pe.Stack) == 0 {
		t.Fatalf("OnPanic got %#v, want a *PanicError with the value and a stack", got[0])
	}
	de := AsError(err)
	if de == nil || de.Code != ErrCorrupt {
		t.Fatalf("error %v, want ErrCorrupt", err)
	}
	var cause *PanicError
	if !errors.As(err, &cause) || cause != pe {
		t.Errorf("error %v does not carry the *PanicError OnPanic got", err)
	}
	if res == nil || res.Format != image.PNG {
		t.Errorf("result %+v, want the sniffed format", res)
	}
}

// A panic in one reader call of the strategies is reported the same way and
// costs only that attempt.
func TestAttemptPanicReachesOnPanic(t *testing.T) {
	var got []any
	s := charged{newScanState(context.Background(), DefaultBudget, func(r any) { got = append(got, r) }), chargeTriplet}
	ran := false
	s.Attempt(func() { panic(errors.New("reader fault")) })
	s.Attempt(func() { ran = true })
	if len(got) != 1 {
		t.Fatalf("OnPanic called %d times, want once", len(got))
	}
	if pe, ok := got[0].(*PanicError); !ok || pe.Error() != "decoder panic: reader fault" {
		t.Fatalf("OnPanic got %#v, want a *PanicError", got[0])
	}
	if !ran {
		t.Error("the attempt after the panic did not run")
	}
}

// An expired context stops the decode before any pixel is decoded.
func TestExpiredContextDecodesNothing(t *testing.T) {
	opened := 0
	d := New(Config{})
	d.open = func(ctx context.Context, b []byte, l image.Limits) (image.Info, []bitmap.Plane, error) {
		opened++
		return image.Open(ctx, b, l)
	}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := d.Decode(ctx, []byte(pngHeader))
	if de := AsError(err); de == nil || de.Code != ErrTimeout {
		t.Errorf("error %v, want ErrTimeout", err)
	}
	if opened != 0 {
		t.Errorf("pixels decoded %d times under an expired context", opened)
	}
}
