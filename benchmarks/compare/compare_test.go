package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

func payloadsOf(recs map[string]*scoring.ImageRecord) map[string][]string {
	out := map[string][]string{}
	for f, r := range recs {
		out[f] = []string{}
		for _, x := range r.Findings {
			out[f] = append(out[f], x.Payload)
		}
	}
	return out
}

func TestParseZXingCPP(t *testing.T) {
	out, err := os.ReadFile("testdata/zxingcpp.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := payloadsOf(parseZXingCPP(out, []string{"/c/a.jpg", "/c/b.jpg", "/c/c.jpg"}))
	want := map[string][]string{
		"/c/a.jpg": {},
		"/c/b.jpg": {"https://u.wechat.com/x", "line one\nline two"},
		"/c/c.jpg": {`caf\xe9`}, // not UTF-8: the Text line as printed
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// With one file, ZXingReader prints no "File:" line.
	one := "Text:       \"x\"\nBytes:      78\nFormat:     QRCode\n"
	if got := payloadsOf(parseZXingCPP([]byte(one), []string{"/c/z.jpg"})); !reflect.DeepEqual(got, map[string][]string{"/c/z.jpg": {"x"}}) {
		t.Errorf("one file: got %q", got)
	}
}

func TestParseZbar(t *testing.T) {
	out, err := os.ReadFile("testdata/zbar.xml")
	if err != nil {
		t.Fatal(err)
	}
	got := payloadsOf(parseZbar(out, nil))
	want := map[string][]string{
		"/c/a.jpg": {},
		"/c/b.jpg": {"https://u.wechat.com/x", "6901234567892"},
		"/c/c.jpg": {"\x00\xff\x00"},
		"/c/d.jpg": {}, // output cut short: the file was reached, nothing read
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// fakePeer writes a shell script that prints one JSON record per argument
// and aborts (exit 134, like ZXingReader's assertion) on files named crash*.
func fakePeer(t *testing.T) string {
	t.Helper()
	script := `#!/bin/sh
for f in "$@"; do
  case "$(basename "$f")" in crash*) exit 134 ;; esac
  printf '{"file":"%s","findings":[{"payload":"%s"}]}\n' "$f" "$(basename "$f")"
done
`
	p := filepath.Join(t.TempDir(), "peer")
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBatchRestartsAfterCrash(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	b := jsonReader(fakePeer(t), nil)
	files := []string{"a", "crash1", "b", "crash2", "crash3", "c"}
	res, err := b.run(files)
	if err != nil {
		t.Fatal(err)
	}
	if res.restarts != 3 {
		t.Errorf("restarts = %d, want 3", res.restarts)
	}
	for _, f := range files {
		r := res.records[f]
		switch {
		case r == nil:
			t.Errorf("%s: no record", f)
		case strings.HasPrefix(f, "crash") && (r.Error == nil || r.Error.Code != "reader_crash"):
			t.Errorf("%s: want a reader_crash error, got %+v", f, r)
		case !strings.HasPrefix(f, "crash") && (len(r.Findings) != 1 || r.Findings[0].Payload != f):
			t.Errorf("%s: got %+v", f, r)
		}
	}
	if res.usage.Wall <= 0 {
		t.Error("no wall time measured")
	}
}

func TestIsWebP(t *testing.T) {
	dir := t.TempDir()
	webp := filepath.Join(dir, "x.jpg") // the name lies; the bytes decide
	os.WriteFile(webp, []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), 0o644)
	jpeg := filepath.Join(dir, "y.webp")
	os.WriteFile(jpeg, []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), 0o644)
	if !isWebP(webp) || isWebP(jpeg) {
		t.Errorf("isWebP: %v %v", isWebP(webp), isWebP(jpeg))
	}
	got, err := pngCopies([]string{jpeg}, dir)
	if err != nil || got[0] != jpeg {
		t.Errorf("pngCopies kept %v, %v", got, err)
	}
}

func TestMeasureScoresPNGCopyAsOriginal(t *testing.T) {
	peer := fakePeer(t)
	cases := []scoring.ImageCase{{File: "images/a.webp", Path: "/c/images/a.webp",
		Codes: []scoring.Code{{Payload: "a.webp.png"}}}}
	s := subset{cases: cases, files: []string{"/c/images/a.webp"}, pngFiles: []string{"/tmp/x/a.webp.png"}}
	m, err := measure(reader{name: "fake", scored: true, needsPNG: true, batch: jsonReader(peer, nil)}, s)
	if err != nil {
		t.Fatal(err)
	}
	if m.report.Read != 1 || m.report.NoRecord != 0 {
		t.Errorf("got %+v", m.report)
	}
}
