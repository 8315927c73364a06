// Package scoring loads a qrgate corpus (images/manifest.jsonl and
// text/cases.jsonl, as in ../shared/corpus) and scores reader output against
// it by the rules of ../shared/CONTRACT.md. The score command and the compare
// command share it, so every reader is judged by the same code.
package scoring

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Code is one code the manifest expects in an image.
type Code struct {
	Payload   string `json:"payload"`
	Symbology string `json:"symbology"`
	Category  string `json:"category"`
	Bins      Bins   `json:"bins,omitempty"` // per-code bins of a generated set
}

// ImageCase is one line of images/manifest.jsonl.
type ImageCase struct {
	File    string   `json:"file"` // as written in the manifest
	Verdict string   `json:"verdict"`
	Codes   []Code   `json:"codes"`
	Tags    []string `json:"tags"`
	Bins    Bins     `json:"bins,omitempty"` // image-wide bins of a generated set
	Path    string   `json:"-"`              // File resolved to an absolute path
}

// Coded reports whether the image carries at least one code.
func (c ImageCase) Coded() bool { return len(c.Codes) > 0 }

// HasTag reports whether the image carries tag exactly.
func (c ImageCase) HasTag(tag string) bool {
	for _, t := range c.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// TextLabel is one expected finding of a text case.
type TextLabel struct {
	Identifier string `json:"identifier"`
	Category   string `json:"category"`
}

// TextCase is one line of text/cases.jsonl.
type TextCase struct {
	ID       string      `json:"id"`
	Text     string      `json:"text"`
	Verdict  string      `json:"verdict"`
	Findings []TextLabel `json:"findings"`
	Tags     []string    `json:"tags"`
}

// ManifestPath returns the manifest for a directory or the path itself when
// it names a file.
func ManifestPath(dirOrManifest string) (string, error) {
	st, err := os.Stat(dirOrManifest)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return filepath.Join(dirOrManifest, "manifest.jsonl"), nil
	}
	return dirOrManifest, nil
}

// LoadImages reads a manifest (or the manifest.jsonl of a directory) and
// resolves each file to an absolute path.
func LoadImages(dirOrManifest string) ([]ImageCase, error) {
	path, err := ManifestPath(dirOrManifest)
	if err != nil {
		return nil, fmt.Errorf("images manifest: %w", err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	var cases []ImageCase
	err = readJSONL(path, func(line int, raw []byte) error {
		var c ImageCase
		if err := json.Unmarshal(raw, &c); err != nil {
			return err
		}
		if c.File == "" {
			return errors.New(`no "file"`)
		}
		c.Path = resolve(dir, c.File)
		cases = append(cases, c)
		return nil
	})
	return cases, err
}

// resolve finds a manifest file on disk. The corpus README says files are
// relative to the images folder, but its manifest writes "images/0001.jpg",
// relative to the corpus root; accept both, preferring the one that exists.
func resolve(dir, file string) string {
	if filepath.IsAbs(file) {
		return filepath.Clean(file)
	}
	inDir := filepath.Join(dir, file)
	inParent := filepath.Join(filepath.Dir(dir), file)
	for _, p := range []string{inDir, inParent} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	first := strings.SplitN(filepath.ToSlash(file), "/", 2)[0]
	if first == filepath.Base(dir) {
		return inParent
	}
	return inDir
}

// LoadTexts reads text/cases.jsonl.
func LoadTexts(path string) ([]TextCase, error) {
	var cases []TextCase
	err := readJSONL(path, func(line int, raw []byte) error {
		var c TextCase
		if err := json.Unmarshal(raw, &c); err != nil {
			return err
		}
		cases = append(cases, c)
		return nil
	})
	return cases, err
}

// readJSONL calls fn for every non-blank line of a file.
func readJSONL(path string, fn func(line int, raw []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return scanJSONL(f, path, fn)
}

func scanJSONL(r io.Reader, name string, fn func(line int, raw []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for n := 1; sc.Scan(); n++ {
		raw := sc.Bytes()
		if len(strings.TrimSpace(string(raw))) == 0 {
			continue
		}
		if err := fn(n, raw); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
