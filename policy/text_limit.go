package policy

import (
	"slices"

	"github.com/qrgate/qrgate/decoder/symbology"
)

// DefaultMaxTextFindings is how many findings one text lists by default.
// A listing a moderator can read names a handful of channels; 50 leaves
// room for honest catalogues of links while a text of 24,840 "x.io/N"
// words (issue 22) no longer makes a 4.5 MB answer and 15 MB of store.
const DefaultMaxTextFindings = 50

// Rule and category of the summary finding a capped text ends with.
const (
	CategoryTooManyFindings = "too_many_findings"
	RuleTextLimit           = "text.limit"
)

// textFindings keeps what a text will list while its scan runs: for each
// severity the earliest matches, never more than twice the cap of them, and
// how many matches there were in all. A flood of matches costs their
// classification, never their storage.
type textFindings struct {
	max   int            // the cap; 0: no cap
	bySev [3][]textMatch // per severity, in emission order until trimmed
	seq   int            // matches seen: the next one's emission index
}

// add records one match.
func (f *textFindings) add(m textMatch) {
	m.seq = f.seq
	f.seq++
	sev := m.Action.Severity()
	f.bySev[sev] = append(f.bySev[sev], m)
	if l := f.bySev[sev]; f.max > 0 && len(l) >= 2*f.max {
		slices.SortFunc(l, textOrder)
		f.bySev[sev] = l[:f.max]
	}
}

// textOrder is the order findings are listed in: by span start, then in the
// order the scan found them.
func textOrder(a, b textMatch) int {
	if a.Start != b.Start {
		return a.Start - b.Start
	}
	return a.seq - b.seq
}

// listed returns the matches a text lists, in text order: the cap's worth
// of the most severe, earliest first; and how many were left out.
func (f *textFindings) listed() ([]textMatch, int) {
	var out []textMatch
	for sev := len(f.bySev) - 1; sev >= 0; sev-- {
		l := f.bySev[sev]
		if f.max > 0 {
			slices.SortFunc(l, textOrder)
			l = l[:min(len(l), f.max-len(out))]
		}
		out = append(out, l...)
	}
	slices.SortFunc(out, textOrder)
	return out, f.seq - len(out)
}

// ScanText finds the channels in one listing text, listing at most
// DefaultMaxTextFindings of them; index is the text's position in the
// listing.
func (p *Policy) ScanText(index int, text string) []Finding {
	return p.ScanTextLimited(index, text, DefaultMaxTextFindings)
}

// ScanTextLimited finds the channels in one listing text and lists at most
// max of them (max ≤ 0: all), in text order. A text with more keeps its
// most severe (then its earliest) and ends with one summary finding,
// category too_many_findings, whose Count is how many were left out and
// whose action is the policy's on_image_error: the verdict of the listed
// findings is the verdict of them all, and never milder than a listing cut
// short deserves.
func (p *Policy) ScanTextLimited(index int, text string, max int) []Finding {
	ms, dropped := p.text.scan(text, max)
	out := make([]Finding, 0, len(ms)+1)
	for _, m := range ms {
		out = append(out, Finding{
			Source: SourceText, Text: index, Start: m.Start, End: m.End,
			Symbology: symbology.TEXT, Payload: text[m.Start:m.End], Identifier: m.Identifier,
			Category: m.Category, Action: m.Action, Rule: m.Rule,
		})
	}
	if dropped > 0 {
		out = append(out, Finding{
			Source: SourceText, Text: index, Symbology: symbology.TEXT,
			Category: CategoryTooManyFindings, Action: p.onImageError, Rule: RuleTextLimit, Count: dropped,
		})
	}
	return out
}
