package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fakeSamples is a miniature test/samples with one file of every kind the
// layout has a rule for.
func fakeSamples(t *testing.T) map[string][]byte {
	img := pngBytes(t, 40, 30)
	return map[string][]byte{
		"qrcode-1/a.png":           img,
		"qrcode-1/a.txt":           []byte("hello\n"), // the trailing newline is payload
		"qrcode-1/a.result.txt":    []byte("symbologyIdentifier=]Q1\n"),
		"qrcode-1/b.png":           img,
		"qrcode-1/b.bin":           []byte{0xe1, 0xa1, 0x00, 0xff}, // not UTF-8
		"qrcode-1/c.png":           img,
		"qrcode-1/c.bin":           []byte("bytes that are text"),
		"qrcode-1/d.png":           img, // no label
		"qrcode-1/h.png":           []byte("not an image at all"),
		"qrcode-1/h.txt":           []byte("h"),
		"qrcode-1/orphan.txt":      []byte("no image"),
		"qrcode-7/01-01.png":       img,
		"qrcode-7/01.txt":          []byte("joined"),
		"datamatrix-2/x.webp":      img, // the extension lies: the bytes are PNG
		"datamatrix-2/x.txt":       []byte("dm"),
		"ean13-4/9.jpg":            jpegBytes(t, 900, 20),
		"ean13-4/9.txt":            []byte("9780735200449"),
		"ean13-extension-1/1.png":  img,
		"ean13-extension-1/1.txt":  []byte("978073520044951299"),
		"aztec-1/a.png":            img,
		"aztec-1/a.txt":            []byte("aztec"),
		"falsepositives-1/p.jpg":   jpegBytes(t, 1700, 10),
		"falsepositives-2/.hidden": []byte("x"),
	}
}

func writeTree(t *testing.T, root string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		if err := writeFile(filepath.Join(root, filepath.FromSlash(name)), data); err != nil {
			t.Fatal(err)
		}
	}
}

var wantManifest = []entry{
	{File: "datamatrix-2/x.webp", Codes: []code{{Payload: "dm", Symbology: "DATA_MATRIX", Bins: map[string]string{"symbology": "DATA_MATRIX"}}},
		Tags: []string{"datamatrix", "datamatrix-2"}, Bins: map[string]string{"folder": "datamatrix-2", "container": "png", "photo": "<800"}},
	{File: "ean13-4/9.jpg", Codes: []code{{Payload: "9780735200449", Symbology: "EAN_13", Bins: map[string]string{"symbology": "EAN_13"}}},
		Tags: []string{"ean13", "ean13-4"}, Bins: map[string]string{"folder": "ean13-4", "container": "jpeg", "photo": "800-1600"}},
	{File: "falsepositives-1/p.jpg", Codes: []code{},
		Tags: []string{"falsepositives", "falsepositives-1", "clean"}, Bins: map[string]string{"folder": "falsepositives-1", "container": "jpeg", "photo": "1600-3000"}},
	{File: "qrcode-1/a.png", Codes: []code{{Payload: "hello\n", Symbology: "QR_CODE", Bins: map[string]string{"symbology": "QR_CODE"}}},
		Tags: []string{"qrcode", "qrcode-1"}, Bins: map[string]string{"folder": "qrcode-1", "container": "png", "photo": "<800"}},
	{File: "qrcode-1/c.png", Codes: []code{{Payload: "bytes that are text", Symbology: "QR_CODE", Bins: map[string]string{"symbology": "QR_CODE"}}},
		Tags: []string{"qrcode", "qrcode-1"}, Bins: map[string]string{"folder": "qrcode-1", "container": "png", "photo": "<800"}},
}

var wantSkipped = map[string]string{
	"qrcode-1/b.png":     "binary",
	"qrcode-1/d.png":     "no label",
	"qrcode-1/h.png":     "not an image",
	"qrcode-7/01-01.png": "structured-append",
}

func readManifest(t *testing.T, out string) []entry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "images", "manifest.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var got []entry
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var e entry
		if err := dec.Decode(&e); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	return got
}

func checkLayout(t *testing.T, src tree, files map[string][]byte) {
	t.Helper()
	out := t.TempDir()
	sum, err := layout(src, out)
	if err != nil {
		t.Fatal(err)
	}
	if got := readManifest(t, out); !reflect.DeepEqual(got, wantManifest) {
		t.Errorf("manifest:\ngot  %+v\nwant %+v", got, wantManifest)
	}
	if !reflect.DeepEqual(sum.ignored, []string{"ean13-extension-1"}) {
		t.Errorf("folders not taken: %v", sum.ignored)
	}
	if len(sum.skipped) != len(wantSkipped) {
		t.Errorf("skipped %+v, want %v", sum.skipped, wantSkipped)
	}
	for _, s := range sum.skipped {
		if w, ok := wantSkipped[s.file]; !ok || !strings.Contains(s.reason, w) {
			t.Errorf("skipped %s (%s), want %q", s.file, s.reason, w)
		}
	}
	// The copies are byte for byte, and the scorer reads the manifest.
	cases, err := scoring.LoadImages(filepath.Join(out, "images"))
	if err != nil || len(cases) != len(wantManifest) {
		t.Fatalf("scoring.LoadImages: %d cases, %v", len(cases), err)
	}
	for _, c := range cases {
		got, err := os.ReadFile(c.Path)
		if err != nil || !bytes.Equal(got, files[c.File]) {
			t.Errorf("%s: copy differs from the sample (%v)", c.File, err)
		}
	}
	if _, err := layout(src, out); err == nil {
		t.Error("a second layout into the same directory was accepted")
	}
}

func TestLayoutFromDir(t *testing.T) {
	files := fakeSamples(t)
	root := t.TempDir()
	writeTree(t, root, files)
	checkLayout(t, dirTree(root), files)
}

// TestLayoutFromGit reads the samples from a bare repository whose
// .gitattributes marks them export-ignore, as zxing-cpp's does: the
// layout must not depend on `git archive`.
func TestLayoutFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	files := fakeSamples(t)
	work := t.TempDir()
	tree := map[string][]byte{".gitattributes": []byte("test/samples export-ignore\n"), "README": []byte("x")}
	for name, data := range files {
		tree["test/samples/"+name] = data
	}
	writeTree(t, work, tree)
	bare := filepath.Join(t.TempDir(), "repo.git")
	for _, args := range [][]string{
		{"-C", work, "init", "-q"},
		{"-C", work, "add", "-A"},
		{"-C", work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "samples"},
		{"clone", "-q", "--bare", work, bare},
	} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	g, err := openGitTree(bare, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	defer g.close()
	if len(g.commit) != 40 {
		t.Errorf("commit %q is not a full hash", g.commit)
	}
	checkLayout(t, g, files)
	if _, err := openGitTree(bare, "no-such-rev"); err == nil {
		t.Error("an unknown revision was accepted")
	}
}

func TestSniff(t *testing.T) {
	riff := func(chunks ...string) []byte {
		b := []byte("RIFF\x00\x00\x00\x00WEBP")
		for _, c := range chunks {
			b = append(b, c[:4]...)
			body := c[4:]
			b = append(b, byte(len(body)), 0, 0, 0)
			b = append(b, body...)
			if len(body)%2 == 1 {
				b = append(b, 0)
			}
		}
		return b
	}
	// A progressive frame header after an APP0 segment.
	progressive := []byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x06, 'J', 'F', 'I', 'F', 0xff, 0xc2, 0x00, 0x02}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"baseline jpeg", jpegBytes(t, 8, 8), "jpeg"},
		{"progressive jpeg", progressive, "jpeg-progressive"},
		{"png", pngBytes(t, 4, 4), "png"},
		{"gif", []byte("GIF89a...."), "gif"},
		{"bmp", []byte("BM......"), "bmp"},
		{"webp lossy", riff("VP8 abcd"), "webp-lossy"},
		{"webp lossless", riff("VP8Labcd"), "webp-lossless"},
		{"webp extended lossless", riff("VP8Xabcdefghij", "ICCPxyz", "VP8Labcd"), "webp-lossless"},
		{"webp extended lossy", riff("VP8Xabcdefghij", "ALPHab", "VP8 abcd"), "webp-lossy"},
		{"text", []byte("hello"), ""},
	} {
		if got := sniff(tc.data).container; got != tc.want {
			t.Errorf("%s: container %q, want %q", tc.name, got, tc.want)
		}
	}
	for side, want := range map[int]string{799: "<800", 800: "800-1600", 1599: "800-1600", 1600: "1600-3000", 3000: ">=3000"} {
		if got := photoBin(side); got != want {
			t.Errorf("photoBin(%d) = %q, want %q", side, got, want)
		}
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-out", "x"},
		{"-zxing-git", "g", "-from", "d", "-out", "x"},
		{"-from", "d"},
		{"-from", "d", "-out", "x", "extra"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parseFlags([]string{"-zxing-git", "g", "-out", "x"}, io.Discard)
	if err != nil || o.commit != defaultCommit {
		t.Errorf("defaults: %+v, %v", o, err)
	}
}
