package scan_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/scan"
)

// TestScanComposesAListing: the images' findings come first, in image order,
// then the texts', each with its own index; the verdict is the strictest of
// them all; what the Decode says of each image (cached, elapsed) reaches it.
func TestScanComposesAListing(t *testing.T) {
	pol := policy.Default()
	shop := scan.Decoded{Result: &decoder.Result{Format: "png", Width: 10, Height: 10, Frames: 1,
		Codes: []decoder.Code{{Symbology: "QR_CODE", Text: "https://item.taobao.com/item.htm?id=1", Corners: [][2]int{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}},
		Cached: true, Elapsed: 3 * time.Millisecond}
	broken := scan.Decoded{Err: &decoder.Error{Code: decoder.ErrCorrupt, Message: "bad"}}
	in := scan.Input{Texts: []string{"全新耳机，包邮", "加微信 abc_123456 详聊"}, Images: make([][]byte, 2)}
	l, err := scan.Scan(context.Background(), pol, in, fixed(shop, broken))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Images) != 2 || !l.Images[0].Cached || l.Images[0].Elapsed != 3*time.Millisecond || l.Images[0].Codes != 1 ||
		l.Images[0].Format != "png" || l.Images[1].Error == nil || l.Images[1].Error.Code != decoder.ErrCorrupt || l.Images[1].Cached {
		t.Fatalf("images %+v", l.Images)
	}
	var order []string
	for _, f := range l.Findings {
		switch f.Source {
		case policy.SourceImage:
			order = append(order, string(f.Symbology)+"@"+string(rune('0'+f.Image)))
		case policy.SourceText:
			order = append(order, "TEXT@"+string(rune('0'+f.Text)))
		}
	}
	want := []string{"QR_CODE@0", "IMAGE_ERROR@1", "TEXT@1"}
	if len(order) != len(want) {
		t.Fatalf("findings %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("findings %v, want %v", order, want)
		}
	}
	if l.Verdict != policy.Block {
		t.Errorf("verdict %s, want block (the WeChat ID in text 1)", l.Verdict)
	}
}

// TestScanTextsOnly: a listing without images never calls its Decode, and a
// clean one has an empty (not nil) list of findings and the verdict allow.
func TestScanTextsOnly(t *testing.T) {
	never := func(context.Context, [][]byte) ([]scan.Decoded, error) {
		t.Fatal("Decode called for a listing without images")
		return nil, nil
	}
	l, err := scan.Scan(context.Background(), policy.Default(), scan.Input{Texts: []string{"全新耳机，包邮"}}, never)
	if err != nil {
		t.Fatal(err)
	}
	if l.Findings == nil || len(l.Findings) != 0 || l.Verdict != policy.Allow || len(l.Images) != 0 {
		t.Errorf("got %+v", l)
	}
}

// TestScanRefused: a Decode that refuses the listing fails the scan with its
// error; one that returns the wrong number of outcomes is an error too.
func TestScanRefused(t *testing.T) {
	errBusy := errors.New("busy")
	refuse := func(context.Context, [][]byte) ([]scan.Decoded, error) { return nil, errBusy }
	in := scan.Input{Texts: []string{"hi"}, Images: make([][]byte, 2)}
	if l, err := scan.Scan(context.Background(), policy.Default(), in, refuse); !errors.Is(err, errBusy) || l != nil {
		t.Errorf("got %+v, %v; want the Decode's error", l, err)
	}
	if _, err := scan.Scan(context.Background(), policy.Default(), in, fixed(scan.Decoded{Result: &decoder.Result{}})); err == nil {
		t.Error("one outcome for two images was accepted")
	}
}

// TestTimeoutIsPartial: an image the deadline cut short is the image error
// timeout and partial, whatever the stage it was in.
func TestTimeoutIsPartial(t *testing.T) {
	pol := policy.Default()
	late := scan.Decoded{Err: &decoder.Error{Code: decoder.ErrTimeout, Message: "deadline"}}
	l, err := scan.Scan(context.Background(), pol, scan.Input{Images: make([][]byte, 1)}, fixed(late))
	if err != nil {
		t.Fatal(err)
	}
	im := l.Images[0]
	if im.Error == nil || im.Error.Code != decoder.ErrTimeout || !im.Partial || l.Verdict != pol.OnImageError() {
		t.Errorf("got %+v, verdict %s", im, l.Verdict)
	}
}

// TestDirectDecodesEachImage: Direct gives one outcome per image, in order,
// with the decoder's error for bytes that are no image.
func TestDirectDecodesEachImage(t *testing.T) {
	out, err := direct(context.Background(), [][]byte{read(t, "qr-url.png"), []byte("not an image")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Err != nil || out[0].Result == nil || len(out[0].Result.Codes) != 1 || out[0].Elapsed <= 0 || out[0].Cached {
		t.Fatalf("image 0: %+v", out[0])
	}
	if de := decoder.AsError(out[1].Err); de == nil || de.Code != decoder.ErrUnsupported {
		t.Errorf("image 1: %+v", out[1])
	}
}
