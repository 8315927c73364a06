package scan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/scan"
)

// The fixtures are described in docs/fixtures.md and built by
// internal/testfixtures; the manifest says what each must give.
const fixtureDir = "../testdata/images"

type entry struct {
	File  string
	Error string
	Codes []struct {
		Symbology string
		Payload   string
		Frame     int
	}
}

func manifest(t testing.TB) []entry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var es []entry
	if err := json.Unmarshal(b, &es); err != nil {
		t.Fatal(err)
	}
	return es
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// direct has a generous budget: the tests check what is found, not how
// fast (the race detector and a loaded machine slow the strategies).
var direct = scan.Direct(decoder.New(decoder.Config{}))

// scanImages scans a listing of images (and no text) under pol.
func scanImages(t testing.TB, pol *policy.Policy, images ...[]byte) *scan.Listing {
	t.Helper()
	l, err := scan.Scan(context.Background(), pol, scan.Input{Images: images}, direct)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// scanImage scans data as the only image of a listing.
func scanImage(t testing.TB, pol *policy.Policy, data []byte) scan.Image {
	t.Helper()
	return scanImages(t, pol, data).Images[0]
}

// policyWith returns the default policy with on_image_error set to action.
func policyWith(t *testing.T, action string) *policy.Policy {
	t.Helper()
	y := string(policy.DefaultYAML())
	if !strings.Contains(y, "on_image_error: warn") {
		t.Fatal("default policy no longer says on_image_error: warn")
	}
	p, err := policy.Parse([]byte(strings.Replace(y, "on_image_error: warn", "on_image_error: "+action, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestUnreadableImageGivesOneImageErrorFinding: every error fixture gives
// its error code and exactly one IMAGE_ERROR finding whose action is the
// policy's on_image_error (the contract's shape), under the default policy
// and under one that blocks.
func TestUnreadableImageGivesOneImageErrorFinding(t *testing.T) {
	for _, pol := range []*policy.Policy{policy.Default(), policyWith(t, "block"), policyWith(t, "allow")} {
		for _, e := range manifest(t) {
			if e.Error == "" {
				continue
			}
			data := read(t, e.File)
			l := scanImages(t, pol, data, data, data, data)
			img := l.Images[3]
			name := fmt.Sprintf("%s (on_image_error %s)", e.File, pol.OnImageError())
			if img.Error == nil {
				t.Errorf("%s: no error", name)
				continue
			}
			if img.Error.Message == "" {
				t.Errorf("%s: error %q without a message", name, img.Error.Code)
			}
			want := policy.Finding{
				Source: policy.SourceImage, Image: 3, Symbology: symbology.IMAGE_ERROR,
				Category: policy.CategoryImageError, Action: pol.OnImageError(), Rule: "on_image_error",
			}
			if len(img.Findings) != 1 || !sameFinding(img.Findings[0], want) {
				t.Errorf("%s: findings %+v, want exactly %+v", name, img.Findings, want)
			}
			if v := l.Verdict; v != pol.OnImageError() {
				t.Errorf("%s: verdict %s, want %s", name, v, pol.OnImageError())
			}
			got, _ := json.Marshal(img.Findings[0])
			const wire = `{"source":"image","image":3,"frame":0,"symbology":"IMAGE_ERROR","payload":"","identifier":"","category":"image_error","action":"%s","rule":"on_image_error"}`
			if string(got) != fmt.Sprintf(wire, pol.OnImageError()) {
				t.Errorf("%s: wire form %s", name, got)
			}
		}
	}
}

func sameFinding(a, b policy.Finding) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// TestErrorCodesReachTheScan: the decoder's error code is what the scan
// reports, for the codes whose fixtures the decoder classifies today.
func TestErrorCodesReachTheScan(t *testing.T) {
	for _, c := range []struct {
		file string
		code decoder.ErrorCode
	}{
		{"err-unsupported.zip", decoder.ErrUnsupported},
		{"err-corrupt.png", decoder.ErrCorrupt},
		{"err-empty.bin", decoder.ErrTruncated},
		{"err-too-large.png", decoder.ErrTooLarge},
		{"err-too-many-frames.gif", decoder.ErrTooManyFrames},
	} {
		img := scanImage(t, policy.Default(), read(t, c.file))
		if img.Error == nil || img.Error.Code != c.code {
			t.Errorf("%s: error %+v, want %q", c.file, img.Error, c.code)
		}
	}
}

// TestClassifiedFindings: codes read from images carry the category,
// action, rule and identifier the default policy gives their payloads.
func TestClassifiedFindings(t *testing.T) {
	pol := policy.Default()
	cases := []struct {
		file                                string
		payload, category, rule, identifier string
		action                              policy.Action
		frame                               int
	}{
		{"qr-url.png", "https://wa.me/8613812345678", "messenger", "messenger.link", "wa.me/8613812345678", policy.Block, 0},
		{"qr-noscheme.png", "u.wechat.com/kFqR9x2LmP", "wechat", "wechat.link", "u.wechat.com/kfqr9x2lmp", policy.Block, 0},
		{"multi-qr-3.png", "weixin://dl/chat?k7shop", "wechat", "wechat.link", "weixin://dl/chat?k7shop", policy.Block, 0},
		{"multi-qr-3.png", "https://item.taobao.com/item.htm?id=6012345", "platform", "platform.link", "item.taobao.com/item.htm?id=6012345", policy.Allow, 0},
		{"qr-blur.png", "https://t.cn/A6blur", "short_link", "short_link.host", "t.cn/a6blur", policy.Warn, 0},
		{"qr-lowcontrast.png", "https://paypal.me/lowcontrast", "offsite_payment", "offsite_payment.link", "paypal.me/lowcontrast", policy.Block, 0},
		{"gif-code-in-frame2.gif", "https://u.wechat.com/gifframe2", "wechat", "wechat.link", "u.wechat.com/gifframe2", policy.Block, 2},
		{"ean13.png", "4006381333931", "plain", "plain", "", policy.Allow, 0},
	}
	for _, c := range cases {
		img := scanImages(t, pol, []byte{}, read(t, c.file)).Images[1] // image 1 of the listing
		if img.Error != nil {
			t.Errorf("%s: %+v", c.file, img.Error)
			continue
		}
		var f *policy.Finding
		for i := range img.Findings {
			if img.Findings[i].Payload == c.payload {
				f = &img.Findings[i]
			}
		}
		if f == nil {
			t.Errorf("%s: no finding with payload %q in %+v", c.file, c.payload, img.Findings)
			continue
		}
		if f.Source != policy.SourceImage || f.Image != 1 || f.Frame != c.frame || f.Category != c.category ||
			f.Action != c.action || f.Rule != c.rule || f.Identifier != c.identifier {
			t.Errorf("%s: %+v, want category %s action %s rule %s identifier %q frame %d", c.file, *f, c.category, c.action, c.rule, c.identifier, c.frame)
		}
		if len(f.Corners) != 4 && len(f.Corners) != 2 {
			t.Errorf("%s: %d corners", c.file, len(f.Corners))
		}
	}
}

// TestChannelPayloadsClassified: contact cards, tel: and sms: payloads are
// channels, not plain text; every decoded fixture's findings are classified.
func TestChannelPayloadsClassified(t *testing.T) {
	pol := policy.Default()
	for _, file := range []string{"qr-vcard.png", "qr-mecard.png", "qr-tel.png", "qr-sms.png"} {
		img := scanImage(t, pol, read(t, file))
		if img.Error != nil || len(img.Findings) != 1 {
			t.Errorf("%s: error %+v, %d findings", file, img.Error, len(img.Findings))
			continue
		}
		f := img.Findings[0]
		if f.Category == policy.CategoryPlain || f.Action == policy.Allow || f.Identifier == "" || f.Rule == "" {
			t.Errorf("%s: %q classified as %s/%s by %q, identifier %q: a phone channel must not pass as plain", file, f.Payload, f.Category, f.Action, f.Rule, f.Identifier)
		}
	}
	for _, e := range manifest(t) {
		if e.Error != "" || len(e.Codes) == 0 {
			continue
		}
		img := scanImage(t, pol, read(t, e.File))
		for _, f := range img.Findings {
			if f.Category == "" || !f.Action.Valid() || f.Rule == "" {
				t.Errorf("%s: unclassified finding %+v", e.File, f)
			}
		}
	}
}

// TestUndecodedFinding: an UNDECODED code becomes an `undecoded` finding
// with the policy's action, an empty payload and identifier, and its corners.
func TestUndecodedFinding(t *testing.T) {
	corners := [][2]int{{10, 10}, {60, 10}, {60, 60}, {10, 60}}
	undecoded := scan.Decoded{Result: &decoder.Result{Frames: 2, Codes: []decoder.Code{{Symbology: "UNDECODED", Corners: corners, Frame: 1}}}}
	l, err := scan.Scan(context.Background(), policy.Default(), scan.Input{Images: make([][]byte, 3)}, fixed(scan.Decoded{Result: &decoder.Result{}}, scan.Decoded{Result: &decoder.Result{}}, undecoded))
	if err != nil {
		t.Fatal(err)
	}
	fs := l.Findings
	want := policy.Finding{Source: policy.SourceImage, Image: 2, Frame: 1, Symbology: "UNDECODED", Category: "undecoded",
		Action: policy.Default().ActionFor("undecoded"), Rule: "undecoded", Corners: corners}
	if len(fs) != 1 || !sameFinding(fs[0], want) {
		t.Errorf("got %+v, want %+v", fs, want)
	}
	if want.Action != policy.Warn {
		t.Errorf("the default policy's undecoded action is %s, want warn", want.Action)
	}
}

// TestRawPayloadBase64: bytes that are not UTF-8 travel as payload_base64.
func TestRawPayloadBase64(t *testing.T) {
	img := scanImage(t, policy.Default(), read(t, "qr-latin1.png"))
	if len(img.Findings) != 1 {
		t.Fatalf("findings: %+v (error %+v)", img.Findings, img.Error)
	}
	if f := img.Findings[0]; f.PayloadBase64 != "Y2Fm6SB0Lm1lL2xhdGluMQ==" || f.Payload != "café t.me/latin1" {
		t.Errorf("payload %q, payload_base64 %q", f.Payload, f.PayloadBase64)
	}
}

// TestNegativesGiveNoFinding: clean photos and hard negatives give no
// finding at all (UNDECODED included) and the verdict allow.
func TestNegativesGiveNoFinding(t *testing.T) {
	for _, file := range []string{"clean-photo.jpg", "neg-checkerboard.png", "neg-finder-lookalikes.png", "neg-striped-tag.png"} {
		img := scanImage(t, policy.Default(), read(t, file))
		if img.Error != nil || len(img.Findings) != 0 || policy.Verdict(img.Findings) != policy.Allow {
			t.Errorf("%s: error %+v, findings %+v", file, img.Error, img.Findings)
		}
	}
}

// TestImageMetadata: format, size, frames and elapsed time reach the scan.
func TestImageMetadata(t *testing.T) {
	img := scanImage(t, policy.Default(), read(t, "gif-code-in-frame2.gif"))
	if img.Format != "gif" || img.Width != 200 || img.Height != 200 || img.Frames != 4 || img.Codes != 1 || img.Elapsed <= 0 {
		t.Errorf("got %+v", img)
	}
}

// FuzzScanImage: bytes in, findings out. Whatever the input: no panic; an
// unreadable image has a contract error code and exactly one IMAGE_ERROR
// finding; every other finding has a known symbology, 2 or 4 corners, a
// frame within the image, a category, a valid action and a rule, and
// survives the JSON wire form unchanged.
//
//	go test -run '^$' -fuzz FuzzScanImage -fuzztime 60s ./scan/
func FuzzScanImage(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*"))
	for _, p := range files {
		if st, err := os.Stat(p); err == nil && st.Size() <= 8<<10 && filepath.Ext(p) != ".json" {
			b, _ := os.ReadFile(p)
			f.Add(b)
		}
	}
	decode := scan.Direct(decoder.New(decoder.Config{MaxPixels: 1 << 16, MaxFrames: 4, Budget: 2 * decoder.MPass}))
	pol := policy.Default()
	codes := map[decoder.ErrorCode]bool{decoder.ErrUnsupported: true, decoder.ErrCorrupt: true, decoder.ErrTruncated: true,
		decoder.ErrTooLarge: true, decoder.ErrTooManyFrames: true, decoder.ErrTimeout: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := scan.Scan(context.Background(), pol, scan.Input{Images: [][]byte{data}}, decode)
		if err != nil {
			t.Fatal(err)
		}
		img := l.Images[0]
		if img.Error != nil {
			if !codes[img.Error.Code] {
				t.Fatalf("error code %q not in the contract", img.Error.Code)
			}
			// The IMAGE_ERROR finding comes last: alone, or after the codes
			// a scan cut short (partial, timeout) did read.
			if len(img.Findings) == 0 {
				t.Fatalf("unreadable image without findings")
			}
			last := img.Findings[len(img.Findings)-1]
			if len(img.Findings) != img.Codes+1 || last.Symbology != symbology.IMAGE_ERROR || last.Action != pol.OnImageError() ||
				img.Codes > 0 && (!img.Partial || img.Error.Code != decoder.ErrTimeout) {
				t.Fatalf("unreadable image (%d codes, partial %v) with findings %+v", img.Codes, img.Partial, img.Findings)
			}
			return
		}
		if img.Width <= 0 || img.Height <= 0 || img.Frames < 1 || img.Codes != len(img.Findings) {
			t.Fatalf("image %+v", img)
		}
		for _, fd := range img.Findings {
			if !knownSymbology(fd.Symbology) {
				t.Fatalf("unknown symbology %q", fd.Symbology)
			}
			if n, want := len(fd.Corners), cornerCount(fd.Symbology); n != want {
				t.Fatalf("%s %q with %d corners %v, want %d", fd.Symbology, fd.Payload, n, fd.Corners, want)
			}
			if fd.Source != policy.SourceImage || fd.Frame < 0 || fd.Frame >= img.Frames {
				t.Fatalf("finding %+v in an image of %d frames", fd, img.Frames)
			}
			if fd.Category == "" || !fd.Action.Valid() || fd.Rule == "" {
				t.Fatalf("unclassified finding %+v", fd)
			}
			if fd.Symbology == symbology.UNDECODED && (fd.Payload != "" || fd.Identifier != "" || fd.Category != policy.CategoryUndecoded) {
				t.Fatalf("UNDECODED finding %+v", fd)
			}
			wire, err := json.Marshal(fd)
			if err != nil {
				t.Fatal(err)
			}
			var back policy.Finding
			if err := json.Unmarshal(wire, &back); err != nil || back.Payload != fd.Payload || back.Identifier != fd.Identifier {
				t.Fatalf("payload %q does not survive JSON (got %q): %v", fd.Payload, back.Payload, err)
			}
		}
	})
}

// cornerCount: 2 points (the scan line's ends) for 1-D codes, 4 for 2-D codes.
func cornerCount(s symbology.Symbology) int {
	switch s {
	case "EAN_13", "EAN_8", "UPC_A", "UPC_E", "UPC_EAN_EXTENSION", "CODE_128", "CODE_39", "CODE_93", "CODABAR", "ITF", "RSS_14", "RSS_EXPANDED":
		return 2
	}
	return 4
}

func knownSymbology(s symbology.Symbology) bool {
	switch s {
	case "QR_CODE", "DATA_MATRIX", "AZTEC", "PDF_417", "MAXICODE", "EAN_13", "EAN_8", "UPC_A", "UPC_E", "UPC_EAN_EXTENSION",
		"CODE_128", "CODE_39", "CODE_93", "CODABAR", "ITF", "RSS_14", "RSS_EXPANDED", symbology.UNDECODED:
		return true
	}
	return false
}

// fixed is a Decode that returns the given outcomes, whatever the bytes.
func fixed(outcomes ...scan.Decoded) scan.Decode {
	return func(_ context.Context, images [][]byte) ([]scan.Decoded, error) {
		return outcomes[:min(len(images), len(outcomes))], nil
	}
}
