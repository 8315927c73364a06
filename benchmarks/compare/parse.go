package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"strings"
	"unicode/utf8"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

// parseJSONRecords reads qrgate-shaped JSON lines (qrgate, naive, the
// zxing-wasm script), skipping a line cut short by a crash.
func parseJSONRecords(out []byte, _ []string) map[string]*scoring.ImageRecord {
	recs := map[string]*scoring.ImageRecord{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		var r scoring.ImageRecord
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.File != "" {
			recs[r.File] = &r
		}
	}
	return recs
}

// parseZXingCPP reads ZXingReader 1.4's default output: per code a block
// of "Key: value" lines, each opened by "File: NAME" when it was given
// several files, "No barcode found" for a file without codes. The payload
// comes from the Bytes line (hex, immune to newlines in the text) when it
// is UTF-8, else from the quoted Text line.
func parseZXingCPP(out []byte, files []string) map[string]*scoring.ImageRecord {
	recs := map[string]*scoring.ImageRecord{}
	cur := ""
	if len(files) == 1 {
		cur = files[0] // one file: no "File:" lines
		recs[cur] = newRecord(cur)
	}
	var text string
	for _, line := range strings.Split(string(out), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch key {
		case "File":
			cur = val
			if recs[cur] == nil {
				recs[cur] = newRecord(cur)
			}
		case "Text":
			text = strings.TrimSuffix(strings.TrimPrefix(val, `"`), `"`)
		case "Bytes":
			if r := recs[cur]; r != nil {
				r.Findings = append(r.Findings, scoring.Finding{Source: "image", Payload: payloadFromHex(val, text)})
			}
		case "Format":
			if r := recs[cur]; r != nil && len(r.Findings) > 0 {
				r.Findings[len(r.Findings)-1].Symbology = val
			}
		}
	}
	return recs
}

func payloadFromHex(h, text string) string {
	b, err := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
	if err == nil && utf8.Valid(b) {
		return string(b)
	}
	return text
}

// parseZbar reads zbarimg --xml output; a run cut short by an unreadable
// file has no closing tags, so decode tokens until the input ends.
func parseZbar(out []byte, _ []string) map[string]*scoring.ImageRecord {
	recs := map[string]*scoring.ImageRecord{}
	dec := xml.NewDecoder(bytes.NewReader(out))
	var cur *scoring.ImageRecord
	var sym string
	for {
		tok, err := dec.Token()
		if err != nil {
			return recs
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "source":
			cur = newRecord(attr(start, "href"))
			recs[cur.File] = cur
		case "symbol":
			sym = attr(start, "type")
		case "data":
			var data string
			if dec.DecodeElement(&data, &start) != nil || cur == nil {
				continue
			}
			if attr(start, "format") == "base64" {
				if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(data)); err == nil {
					data = string(b)
				}
			}
			cur.Findings = append(cur.Findings, scoring.Finding{Source: "image", Symbology: sym, Payload: data})
		}
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func newRecord(file string) *scoring.ImageRecord {
	return &scoring.ImageRecord{File: file, Findings: []scoring.Finding{}}
}
