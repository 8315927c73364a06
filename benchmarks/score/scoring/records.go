package scoring

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Finding is the part of a contract finding the scorer reads.
type Finding struct {
	Source        string `json:"source"`
	Symbology     string `json:"symbology"`
	Payload       string `json:"payload"`
	PayloadBase64 string `json:"payload_base64,omitempty"`
	Identifier    string `json:"identifier"`
	Category      string `json:"category"`
	Action        string `json:"action"`
	Start         *int   `json:"start,omitempty"`
	End           *int   `json:"end,omitempty"`
}

// RecordError is a record's error object.
type RecordError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ImageRecord is one image line of a reader's output. Peers that have no
// verdict leave it nil; readers that time each image set ElapsedMS (wall)
// and possibly CPUMS (CPU of the whole process during that image).
type ImageRecord struct {
	File      string       `json:"file"`
	Verdict   *string      `json:"verdict,omitempty"`
	Findings  []Finding    `json:"findings"`
	Error     *RecordError `json:"error"`
	Partial   bool         `json:"partial,omitempty"`
	ElapsedMS *float64     `json:"elapsed_ms,omitempty"`
	CPUMS     *float64     `json:"cpu_ms,omitempty"`
}

// TextRecord is one text line of qrgate's output.
type TextRecord struct {
	ID       string    `json:"-"`
	Verdict  string    `json:"verdict"`
	Findings []Finding `json:"findings"`
}

// Records is a reader's output split by kind.
type Records struct {
	Images []ImageRecord
	Texts  []TextRecord
}

// ReadRecords parses JSON lines: a line with "file" is an image record, one
// with "id" a text record (qrgate writes both kinds to one stream).
func ReadRecords(r io.Reader, name string) (Records, error) {
	var out Records
	err := scanJSONL(r, name, func(_ int, raw []byte) error {
		var probe struct {
			File *string         `json:"file"`
			ID   json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal(raw, &probe); err != nil {
			return err
		}
		switch {
		case probe.File != nil:
			var rec ImageRecord
			if err := json.Unmarshal(raw, &rec); err != nil {
				return err
			}
			out.Images = append(out.Images, rec)
		case probe.ID != nil:
			var rec TextRecord
			if err := json.Unmarshal(raw, &rec); err != nil {
				return err
			}
			rec.ID = idString(probe.ID)
			out.Texts = append(out.Texts, rec)
		default:
			return errors.New(`record has neither "file" nor "id"`)
		}
		return nil
	})
	return out, err
}

// ReadRecordsFile reads one results file.
func ReadRecordsFile(path string) (Records, error) {
	f, err := os.Open(path)
	if err != nil {
		return Records{}, err
	}
	defer f.Close()
	return ReadRecords(f, path)
}

// idString turns a JSON id ("t0001" from --texts, 0 from --text) into text.
func idString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

// fileIndex finds the manifest case a record's file names. Readers print
// the path they were given, which may be absolute, relative to another
// directory, or a converted copy; match the absolute path first, then the
// longest unambiguous suffix of path elements.
type fileIndex struct {
	bySuffix map[string]int // -1 when ambiguous
}

func newFileIndex(cases []ImageCase) fileIndex {
	ix := fileIndex{bySuffix: map[string]int{}}
	for i, c := range cases {
		for _, s := range suffixes(c.Path) {
			if j, ok := ix.bySuffix[s]; ok && j != i {
				ix.bySuffix[s] = -1
				continue
			}
			ix.bySuffix[s] = i
		}
	}
	return ix
}

// lookup returns the case index for a record's file, or -1.
func (ix fileIndex) lookup(file string) int {
	if abs, err := filepath.Abs(file); err == nil {
		if i, ok := ix.bySuffix[filepath.ToSlash(abs)]; ok && i >= 0 {
			return i
		}
	}
	for _, s := range suffixes(file) {
		if i, ok := ix.bySuffix[s]; ok {
			return i // longest suffix decides, even when ambiguous (-1)
		}
	}
	return -1
}

// suffixes lists "a/b/c", "b/c", "c" for a path, longest first.
func suffixes(p string) []string {
	parts := strings.Split(strings.Trim(filepath.ToSlash(filepath.Clean(p)), "/"), "/")
	out := make([]string, 0, len(parts)+1)
	if filepath.IsAbs(p) {
		out = append(out, "/"+strings.Join(parts, "/"))
	}
	for i := range parts {
		out = append(out, strings.Join(parts[i:], "/"))
	}
	return out
}
