package policy

// TextConfig is the text scanner's part of the policy file: keyword
// dictionaries and thresholds. (Placeholder until the disguise-aware scanner lands.)
type TextConfig struct{}

// TextMatch is one channel found in a text: a byte span of the original text and its class.
type TextMatch struct {
	Start, End int
	Class
}

type textScanner struct{ p *Policy }

func compileText(_ *TextConfig, p *Policy) (*textScanner, error) { return &textScanner{p: p}, nil }

func (t *textScanner) scan(string) []TextMatch { return nil }

// ScanText finds the channels in one listing text; index is the text's
// position in the listing.
func (p *Policy) ScanText(index int, text string) []Finding {
	ms := p.text.scan(text)
	out := make([]Finding, 0, len(ms))
	for _, m := range ms {
		out = append(out, Finding{
			Source: SourceText, Text: index, Start: m.Start, End: m.End,
			Symbology: SymbologyText, Payload: text[m.Start:m.End], Identifier: m.Identifier,
			Category: m.Category, Action: m.Action, Rule: m.Rule,
		})
	}
	return out
}
