package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestWeChatScript runs the real wechat.py against a stand-in cv2 module
// (testdata/fakecv2) and parses what it prints the way compare does.
func TestWeChatScript(t *testing.T) {
	python, err := exec.LookPath("/usr/bin/python3") // a version manager's shim costs seconds per start
	if err != nil {
		if python, err = exec.LookPath("python3"); err != nil {
			t.Skip("no python3")
		}
	}
	fake, err := filepath.Abs("testdata/fakecv2")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PYTHONPATH", fake)
	dir := t.TempDir()
	files := map[string]string{
		"one.png":  "IMG\nqr:https://u.wechat.com/x\n",
		"two.jpg":  "IMG\nqr:微信号: abc_123\nqr:line one\\nline two\n",
		"none.png": "IMG\n",
		"anim.gif": "GIF89a\n--frame--\nqr:later frame\n",
		"bad.bin":  "not an image",
		"err.png":  "RAISE\n",
		"sjis.png": "IMG\nqr:SJIS\n",
	}
	var paths []string
	for _, name := range []string{"one.png", "two.jpg", "none.png", "anim.gif", "bad.bin", "err.png", "missing.png", "sjis.png"} {
		p := filepath.Join(dir, name)
		if body, ok := files[name]; ok {
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		paths = append(paths, p)
	}
	c := config{python: python, wechatPy: "wechat.py", wechatModels: dir}
	var log bytes.Buffer
	r, ok := c.wechatReader(&log)
	if !ok {
		t.Fatalf("WeChat reader not set up: %s", log.String())
	}
	if r.name != "WeChat (OpenCV 0.0-fake wechat_qrcode, QR only)" || r.needsPNG {
		t.Errorf("reader %q, needsPNG %v", r.name, r.needsPNG)
	}
	res, err := r.batch.run(paths)
	if err != nil {
		t.Fatal(err)
	}
	got := payloadsOf(res.records)
	want := map[string][]string{
		paths[0]: {"https://u.wechat.com/x"},
		paths[1]: {"微信号: abc_123", "line one\nline two"},
		paths[2]: {},
		paths[3]: {"later frame"},
		paths[4]: {},
		paths[5]: {},
		paths[6]: {},
		paths[7]: {},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("payloads:\ngot  %q\nwant %q", got, want)
	}
	if f := res.records[paths[0]].Findings[0]; f.Symbology != "QR_CODE" || f.Source != "image" {
		t.Errorf("finding: %+v", f)
	}
	wantErr := map[string]string{paths[4]: "unsupported", paths[5]: "reader", paths[6]: "reader", paths[7]: "non_utf8"}
	for _, p := range paths {
		rec := res.records[p]
		switch code, bad := wantErr[p]; {
		case bad && (rec.Error == nil || rec.Error.Code != code):
			t.Errorf("%s: error %+v, want %s", filepath.Base(p), rec.Error, code)
		case !bad && rec.Error != nil:
			t.Errorf("%s: unexpected error %+v", filepath.Base(p), rec.Error)
		}
		if rec.CPUMS == nil || rec.ElapsedMS == nil {
			t.Errorf("%s: no per-image times", filepath.Base(p))
		}
	}
	if res.restarts != 0 {
		t.Errorf("%d restarts", res.restarts)
	}
}

func TestWeChatReaderSkipped(t *testing.T) {
	var log bytes.Buffer
	if _, ok := (config{}).wechatReader(&log); ok || !strings.Contains(log.String(), "skipped") {
		t.Errorf("no models: ok=%v, %q", ok, log.String())
	}
	log.Reset()
	c := config{python: "/no/such/python", wechatPy: "wechat.py", wechatModels: t.TempDir()}
	if _, ok := c.wechatReader(&log); ok {
		t.Error("a missing interpreter was accepted")
	}
}

// TestExtractModels extracts model files from a bare repository's
// wechat_qrcode branch, reuses them once intact, repairs a damaged one and
// refuses files that are not the published ones.
func TestExtractModels(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	models := map[string]string{"detect.prototxt": "layer {}", "detect.caffemodel": "\x00\x01weights"}
	want := map[string]string{}
	work := t.TempDir()
	for name, body := range models {
		want[name] = md5Hex([]byte(body))
		if err := os.WriteFile(filepath.Join(work, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bare := filepath.Join(t.TempDir(), "repo.git")
	for _, args := range [][]string{
		{"-C", work, "init", "-q", "-b", wechatBranch},
		{"-C", work, "add", "-A"},
		{"-C", work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "models"},
		{"clone", "-q", "--bare", work, bare},
	} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	dir := filepath.Join(t.TempDir(), "cache")
	if err := extractModels(bare, dir, want); err != nil {
		t.Fatal(err)
	}
	for name, body := range models {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != body {
			t.Errorf("%s: %q", name, got)
		}
	}
	// Intact: no git needed.
	if err := extractModels("/no/such/git/dir", dir, want); err != nil {
		t.Errorf("intact cache not reused: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "detect.caffemodel"), []byte("truncated"), 0o644)
	if err := extractModels(bare, dir, want); err != nil {
		t.Errorf("damaged file not repaired: %v", err)
	}
	want["detect.prototxt"] = md5Hex([]byte("another release"))
	if err := extractModels(bare, dir, want); !errors.Is(err, errModelMismatch) {
		t.Errorf("unpublished model accepted: %v", err)
	}
}

func TestWasmVersionPin(t *testing.T) {
	dir := t.TempDir()
	pkg := filepath.Join(dir, "node_modules", "zxing-wasm")
	os.MkdirAll(pkg, 0o755)
	os.WriteFile(filepath.Join(pkg, "package.json"), []byte(`{"name":"zxing-wasm","version":"3.1.3"}`), 0o644)
	if err := checkWasmVersion(dir, "3.1.4"); err == nil || !strings.Contains(err.Error(), "3.1.3") {
		t.Errorf("3.1.3 against a 3.1.4 pin: %v", err)
	}
	if err := checkWasmVersion(filepath.Join(dir, "node_modules"), "3.1.3"); err != nil {
		t.Errorf("matching pin: %v", err)
	}
	if err := checkWasmVersion(dir, ""); err != nil {
		t.Errorf("no pin: %v", err)
	}
	if got := wasmLabel("zxing-wasm 3.1.4, zxing-cpp 0b2d9a8fc81f420f369928c24331091ff0525976"); got != "zxing-wasm 3.1.4 (zxing-cpp 0b2d9a8fc81f)" {
		t.Errorf("wasmLabel: %q", got)
	}
}
