package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// family is a kind of zxing-cpp sample folder: "qrcode-3" is in family
// "qrcode", whose images each carry one QR code.
type family struct {
	name      string
	symbology string // zxing name; "" for folders of photos with no code
}

var families = []family{
	{"qrcode", "QR_CODE"},
	{"datamatrix", "DATA_MATRIX"},
	{"ean13", "EAN_13"},
	{"falsepositives", ""},
}

// folderName is FAMILY-N. Only numbered folders are taken: zxing-cpp's
// "ean13-extension-1" labels each image with the 13 digits and the add-on
// run together, which no reader reports with its default options, so it is
// not an EAN-13 test of the same kind.
var folderName = regexp.MustCompile(`^([a-z0-9]+)-([0-9]+)$`)

func familyOf(folder string) (family, bool) {
	m := folderName.FindStringSubmatch(folder)
	if m == nil {
		return family{}, false
	}
	for _, f := range families {
		if f.name == m[1] {
			return f, true
		}
	}
	return family{}, false
}

// entry is one manifest line, in the shape benchmarks/score reads. The
// samples carry no policy, so verdict is empty: score skips verdicts there.
type entry struct {
	File    string            `json:"file"`
	Verdict string            `json:"verdict"`
	Codes   []code            `json:"codes"`
	Tags    []string          `json:"tags"`
	Bins    map[string]string `json:"bins"`
}

type code struct {
	Payload   string            `json:"payload"`
	Symbology string            `json:"symbology"`
	Bins      map[string]string `json:"bins"`
}

// skip is a sample image left out of the corpus, and why.
type skip struct {
	file, reason string
}

// summary says what was laid out.
type summary struct {
	perFolder map[string][2]int // folder → {coded, clean}
	skipped   []skip
	ignored   []string // folders named like a family's but not numbered
	images    int
}

// sample is an image file with the label files beside it.
type sample struct {
	folder string
	fam    family
	image  string // path relative to the samples root
}

// layout copies the chosen samples into out/images and writes the
// manifest, in lexical order of their paths.
func layout(src tree, out string) (summary, error) {
	sum := summary{perFolder: map[string][2]int{}}
	manifest := filepath.Join(out, "images", "manifest.jsonl")
	if _, err := os.Stat(manifest); err == nil {
		return sum, fmt.Errorf("%s exists: give an empty -out", manifest)
	}
	files, err := src.list()
	if err != nil {
		return sum, err
	}
	samples, labels, ignored := classify(files)
	sum.ignored = ignored
	var lines bytes.Buffer
	enc := json.NewEncoder(&lines)
	enc.SetEscapeHTML(false)
	for _, s := range samples {
		e, reason, err := s.entry(src, labels)
		if err != nil {
			return sum, err
		}
		if reason != "" {
			sum.skipped = append(sum.skipped, skip{s.image, reason})
			continue
		}
		data, err := src.read(s.image)
		if err != nil {
			return sum, err
		}
		format := sniff(data)
		if format.container == "" {
			sum.skipped = append(sum.skipped, skip{s.image, "not an image format the readers take"})
			continue
		}
		e.Bins["container"] = format.container
		if format.photo != "" {
			e.Bins["photo"] = format.photo
		}
		if err := writeFile(filepath.Join(out, "images", filepath.FromSlash(s.image)), data); err != nil {
			return sum, err
		}
		if err := enc.Encode(e); err != nil {
			return sum, err
		}
		n := sum.perFolder[s.folder]
		if len(e.Codes) > 0 {
			n[0]++
		} else {
			n[1]++
		}
		sum.perFolder[s.folder] = n
		sum.images++
	}
	if sum.images == 0 {
		return sum, errors.New("no sample image found (is this zxing-cpp's test/samples?)")
	}
	return sum, writeFile(manifest, lines.Bytes())
}

// classify splits the files of the chosen folders into images (sorted)
// and label files (".txt", ".bin"; ".result.txt" holds metadata such as
// the symbology identifier, not the payload, and is not a label).
func classify(files []string) ([]sample, map[string]bool, []string) {
	var samples []sample
	labels := map[string]bool{}
	ignored := map[string]bool{}
	for _, f := range files {
		folder, name, ok := strings.Cut(f, "/")
		if !ok || strings.Contains(name, "/") {
			continue
		}
		fam, ok := familyOf(folder)
		if !ok {
			if looksLikeFamily(folder) {
				ignored[folder] = true
			}
			continue
		}
		if strings.HasPrefix(name, ".") {
			continue
		}
		switch ext := path.Ext(name); {
		case strings.HasSuffix(name, ".result.txt"):
		case ext == ".txt" || ext == ".bin":
			labels[f] = true
		default:
			samples = append(samples, sample{folder: folder, fam: fam, image: f})
		}
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i].image < samples[j].image })
	return samples, labels, sortedKeys(ignored)
}

func looksLikeFamily(folder string) bool {
	for _, f := range families {
		if strings.HasPrefix(folder, f.name+"-") {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// entry builds the manifest line of a sample, or says why it is left out.
// The payload is the label beside the image: STEM.txt (the text, byte for
// byte, as zxing-cpp's own test runner compares it), else STEM.bin (raw
// bytes), taken only when it is UTF-8 text, since scoring compares text.
func (s sample) entry(src tree, labels map[string]bool) (entry, string, error) {
	e := entry{File: s.image, Codes: []code{}, Tags: []string{s.fam.name, s.folder},
		Bins: map[string]string{"folder": s.folder}}
	if s.fam.symbology == "" {
		e.Tags = append(e.Tags, "clean")
		return e, "", nil
	}
	stem := strings.TrimSuffix(s.image, path.Ext(s.image))
	var label string
	for _, ext := range []string{".txt", ".bin"} {
		if labels[stem+ext] {
			label = stem + ext
			break
		}
	}
	if label == "" {
		if i := strings.LastIndex(stem, "-"); i > 0 && labels[stem[:i]+".txt"] {
			return e, fmt.Sprintf("part of a structured-append sequence: %s.txt is the whole sequence's text", path.Base(stem[:i])), nil
		}
		return e, "no label (" + path.Base(stem) + ".txt or .bin)", nil
	}
	payload, err := src.read(label)
	if err != nil {
		return e, "", err
	}
	if !utf8.Valid(payload) {
		return e, fmt.Sprintf("label %s is binary, not UTF-8 text (scoring compares payload text)", path.Base(label)), nil
	}
	e.Codes = append(e.Codes, code{Payload: string(payload), Symbology: s.fam.symbology,
		Bins: map[string]string{"symbology": s.fam.symbology}})
	return e, "", nil
}

func writeFile(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// writeSource records where the corpus came from and what was left out,
// beside the images, so the corpus explains itself.
func writeSource(out, origin string, sum summary) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Laid out by benchmarks/samples from %s.\n", origin)
	if len(sum.ignored) > 0 {
		fmt.Fprintf(&b, "Folders not taken (not numbered FAMILY-N folders): %s.\n", strings.Join(sum.ignored, ", "))
	}
	fmt.Fprintf(&b, "%d images; %d left out:\n", sum.images, len(sum.skipped))
	for _, s := range sum.skipped {
		fmt.Fprintf(&b, "  %s: %s\n", s.file, s.reason)
	}
	return writeFile(filepath.Join(out, "SOURCE.txt"), b.Bytes())
}

func (s summary) write(w io.Writer, out string) {
	folders := make([]string, 0, len(s.perFolder))
	for f := range s.perFolder {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	fmt.Fprintf(w, "samples: %d images in %s\n", s.images, filepath.Join(out, "images"))
	for _, f := range folders {
		n := s.perFolder[f]
		fmt.Fprintf(w, "  %-18s %3d coded, %3d clean\n", f, n[0], n[1])
	}
	for _, sk := range s.skipped {
		fmt.Fprintf(w, "  left out %s: %s\n", sk.file, sk.reason)
	}
	if len(s.ignored) > 0 {
		fmt.Fprintf(w, "  folders not taken: %s\n", strings.Join(s.ignored, ", "))
	}
}
