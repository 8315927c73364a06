package policy

import (
	"encoding/json"

	"github.com/qrgate/qrgate/decoder/symbology"
)

// Action is what the platform does with a finding or a listing.
type Action string

// Actions, from least to most severe.
const (
	Allow Action = "allow"
	Warn  Action = "warn"
	Block Action = "block"
)

// Severity orders actions: block > warn > allow. Unknown actions rank as allow.
func (a Action) Severity() int {
	switch a {
	case Block:
		return 2
	case Warn:
		return 1
	}
	return 0
}

// Valid reports whether a is one of the three actions.
func (a Action) Valid() bool { return a == Allow || a == Warn || a == Block }

// Sources of a finding.
const (
	SourceImage = "image"
	SourceText  = "text"
)

// Categories with a fixed meaning in code (the rest live in the policy file).
const (
	CategoryPlain      = "plain"
	CategoryUndecoded  = "undecoded"
	CategoryImageError = "image_error"
)

// Finding is one channel found in a listing: the finding object of qrgate's output format (docs/api.md),
// identical in `qrgate scan` output, in /v1/scan responses and in the review store.
type Finding struct {
	Source string // SourceImage or SourceText

	Image int // index of the image in the listing (image findings)
	Frame int // GIF frame (image findings)
	Text  int // index of the text in the listing (text findings)
	Start int // byte offset of the span in the text (text findings)
	End   int // byte offset just past the span (text findings)

	Symbology     symbology.Symbology
	Payload       string // what is there, unchanged
	PayloadBase64 string // raw code bytes when they are not valid UTF-8
	Identifier    string // the normalised channel, "" for plain and undecoded
	Category      string
	Action        Action
	Rule          string
	Corners       [][2]int // 4 points (2-D codes) or 2 (1-D codes), image coordinates
	// Count is, on a text's too_many_findings summary, how many of its
	// findings were not listed (0 on every other finding).
	Count int
}

// findingJSON is the wire shape: image findings carry image/frame/corners,
// text findings text/start/end, a text's too_many_findings summary text and
// count.
type findingJSON struct {
	Source        string              `json:"source"`
	Image         *int                `json:"image,omitempty"`
	Frame         *int                `json:"frame,omitempty"`
	Text          *int                `json:"text,omitempty"`
	Start         *int                `json:"start,omitempty"`
	End           *int                `json:"end,omitempty"`
	Symbology     symbology.Symbology `json:"symbology"`
	Payload       string              `json:"payload"`
	PayloadBase64 string              `json:"payload_base64,omitempty"`
	Identifier    string              `json:"identifier"`
	Category      string              `json:"category"`
	Action        Action              `json:"action"`
	Rule          string              `json:"rule"`
	Corners       [][2]int            `json:"corners,omitempty"`
	Count         int                 `json:"count,omitempty"`
}

// MarshalJSON writes the contract's shape.
func (f Finding) MarshalJSON() ([]byte, error) {
	j := findingJSON{
		Source: f.Source, Symbology: f.Symbology, Payload: f.Payload, PayloadBase64: f.PayloadBase64,
		Identifier: f.Identifier, Category: f.Category, Action: f.Action, Rule: f.Rule, Corners: f.Corners, Count: f.Count,
	}
	switch {
	case f.Source == SourceText && f.Category == CategoryTooManyFindings:
		j.Text = &f.Text // a summary has no span
	case f.Source == SourceText:
		j.Text, j.Start, j.End = &f.Text, &f.Start, &f.End
	default:
		j.Image, j.Frame = &f.Image, &f.Frame
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the contract's shape.
func (f *Finding) UnmarshalJSON(b []byte) error {
	var j findingJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Finding{
		Source: j.Source, Symbology: j.Symbology, Payload: j.Payload, PayloadBase64: j.PayloadBase64,
		Identifier: j.Identifier, Category: j.Category, Action: j.Action, Rule: j.Rule, Corners: j.Corners, Count: j.Count,
	}
	for dst, src := range map[*int]*int{&f.Image: j.Image, &f.Frame: j.Frame, &f.Text: j.Text, &f.Start: j.Start, &f.End: j.End} {
		if src != nil {
			*dst = *src
		}
	}
	return nil
}

// Verdict is the most severe action among findings; no finding is allow.
func Verdict(fs []Finding) Action {
	v := Allow
	for _, f := range fs {
		if f.Action.Severity() > v.Severity() {
			v = f.Action
		}
	}
	return v
}
