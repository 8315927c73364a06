package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	_ "golang.org/x/image/bmp"

	"github.com/qrgate/qrgate/internal/testenv"
	_ "golang.org/x/image/webp"
)

// TestGenerate runs the generator as `go run ./benchmarks/synth` does, on
// the installed photographs and encoders (.ci/run installs them; without
// them the test skips naming the packages, and fails under CI=true), twice:
// the files must be the same bytes, decode in the format their extension
// names, and the manifest must label them by the policy table.
func TestGenerate(t *testing.T) {
	needPhotosAndTools(t)
	const n = 6
	dirs := [2]string{t.TempDir(), t.TempDir()}
	for _, d := range dirs {
		if err := run(options{seed: 3, n: n, out: d, workers: 2}); err != nil {
			t.Fatal(err)
		}
	}
	manifest := filepath.Join(dirs[0], "images", "manifest.jsonl")
	lines := readManifest(t, manifest)
	if len(lines) != n {
		t.Fatalf("manifest has %d lines, want %d", len(lines), n)
	}
	for _, l := range lines {
		a, err := os.ReadFile(filepath.Join(dirs[0], l.File))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dirs[1], l.File))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs at the same seed", l.File)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(a))
		if err != nil {
			t.Errorf("%s does not decode: %v", l.File, err)
			continue
		}
		if want := map[string]string{"jpg": "jpeg", "png": "png", "gif": "gif", "bmp": "bmp", "webp": "webp"}[filepath.Ext(l.File)[1:]]; format != want {
			t.Errorf("%s is %s", l.File, format)
		}
		if long := max(cfg.Width, cfg.Height); long < 320 || long > 4000 {
			t.Errorf("%s is %dx%d", l.File, cfg.Width, cfg.Height)
		}
		checkLabels(t, l)
	}
	m2, _ := os.ReadFile(filepath.Join(dirs[1], "images", "manifest.jsonl"))
	if m1, _ := os.ReadFile(manifest); !bytes.Equal(m1, m2) {
		t.Error("manifests differ between two runs at the same seed")
	}
	if err := run(options{seed: 3, n: 1, out: dirs[0], workers: 1}); err == nil {
		t.Error("writing over a set that is there was accepted")
	}
}

func readManifest(t *testing.T, path string) []manifestLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []manifestLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l manifestLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// checkLabels: the verdict is the most severe action of the codes'
// categories, every code and image carries its bins, clean images say so.
func checkLabels(t *testing.T, l manifestLine) {
	t.Helper()
	verdict := "allow"
	for _, c := range l.Codes {
		a, ok := actions[c.Category]
		if !ok {
			t.Errorf("%s: category %q is not in the policy table", l.File, c.Category)
		}
		if severity[a] > severity[verdict] {
			verdict = a
		}
		for _, d := range []string{"symbology", "module", "rotation", "perspective", "blur", "contrast", "occlusion", "quiet_zone", "inverted", "logo"} {
			if c.Bins[d] == "" {
				t.Errorf("%s: code without bin %q", l.File, d)
			}
		}
		if c.Bins["symbology"] != c.Symbology {
			t.Errorf("%s: bin symbology %q for a %s", l.File, c.Bins["symbology"], c.Symbology)
		}
	}
	if l.Verdict != verdict {
		t.Errorf("%s: verdict %q, want %q", l.File, l.Verdict, verdict)
	}
	for _, d := range []string{"container", "quality", "codes", "photo", "negative"} {
		if l.Bins[d] == "" {
			t.Errorf("%s: image without bin %q", l.File, d)
		}
	}
	clean := false
	for _, tag := range l.Tags {
		clean = clean || tag == "clean"
	}
	if clean != (len(l.Codes) == 0) || clean != (l.Bins["codes"] == "0") {
		t.Errorf("%s: %d codes, tags %v, bins %v", l.File, len(l.Codes), l.Tags, l.Bins)
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-n", "3", "-out", "x"},    // no seed
		{"-seed", "1", "-out", "x"}, // no count
		{"-seed", "1", "-n", "3"},   // no output
		{"-seed", "1", "-n", "3", "-out", "x", "y"},
		{"-seed", "1", "-n", "3", "-out", "x", "-j", "0"},
	} {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		}
	}
	o, err := parseFlags([]string{"-seed", "0", "-n", "3", "-out", "x"}, &bytes.Buffer{})
	if err != nil || o.seed != 0 || o.n != 3 {
		t.Errorf("seed 0: %+v, %v", o, err)
	}
}

// TestPayloadCategories checks payload forms against the categories the
// default policy gives their hosts and keywords, by construction.
func TestPayloadCategories(t *testing.T) {
	for cat, gens := range generators {
		if _, ok := actions[cat]; !ok {
			t.Errorf("generator category %q is not in the policy table", cat)
		}
		if len(gens) == 0 {
			t.Errorf("%s has no generator", cat)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		p := newPayload(rand.New(rand.NewPCG(uint64(i), 1)), i%2 == 0, 150)
		seen[p.Category] = true
		if i%2 == 0 && !isASCII(p.Text) {
			t.Fatalf("ASCII payload asked, got %q", p.Text)
		}
	}
	for cat := range actions {
		if !seen[cat] {
			t.Errorf("no payload of category %s in 2000 draws", cat)
		}
	}
	if d := eanDigits(rand.New(rand.NewPCG(1, 1))); len(d) != 13 || eanCheck(d[:12]) != d[12] {
		t.Errorf("bad EAN %q", d)
	}
}

// needPhotosAndTools skips (fails in CI) when the photographs or the
// encoders the generator needs are not installed, naming the packages.
func needPhotosAndTools(t *testing.T) {
	t.Helper()
	_, err := openPhotos()
	if err == nil {
		err = checkTools()
	}
	testenv.Need(t, err == nil, "the generator's photographs or encoders", fmt.Sprint(err))
}
