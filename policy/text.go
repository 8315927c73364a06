package policy

import (
	"fmt"
	"slices"

	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/policy/textnorm"
)

// TextMatch is one channel found in a text: a byte span of the original text and its class.
type TextMatch struct {
	Start, End int
	Class
}

// channel is a compiled ChannelSpec.
type channel struct {
	name     string
	category string
	action   Action
	ids      []string
}

// textScanner finds channels in text. It is immutable after compileText.
type textScanner struct {
	p          *Policy
	cfg        TextConfig
	channels   []channel
	ac         *automaton
	stopwords  map[string]bool
	linkHosts  map[string]bool // hosts and domains of the policy's link rules
	bare       Class           // class of a bare mobile ("" category: off)
	sameNumber Class           // class of the phone behind "同号"
}

func compileText(c *TextConfig, p *Policy) (*textScanner, error) {
	cfg := *c
	if err := cfg.validate(p); err != nil {
		return nil, err
	}
	t := &textScanner{p: p, cfg: cfg, stopwords: map[string]bool{}, linkHosts: map[string]bool{}}
	var patterns [][]rune
	var words []word
	add := func(s string, w word) error {
		alts, err := expandKeyword(s)
		if err != nil {
			return err
		}
		for _, a := range alts {
			rs := compactRunes(a)
			if len(rs) == 0 {
				return fmt.Errorf("text: keyword %q is empty after normalisation", s)
			}
			w.runes, w.first, w.last = len(rs), rs[0], rs[len(rs)-1]
			w.ascii = true
			for _, r := range rs {
				w.ascii = w.ascii && r < 0x80
			}
			patterns = append(patterns, rs)
			words = append(words, w)
		}
		return nil
	}
	for i, ch := range cfg.Channels {
		t.channels = append(t.channels, channel{name: ch.Name, category: ch.Category, action: p.ActionFor(ch.Category), ids: ch.IDs})
		for _, k := range ch.Keywords {
			if err := add(k, word{kind: wordChannel, channel: i}); err != nil {
				return nil, &Error{Line: ch.line, Msg: err.Error()}
			}
		}
	}
	lists := []struct {
		kind  wordKind
		words []string
	}{{wordFiller, cfg.Fillers}, {wordSame, cfg.SameNumber}, {wordContext, cfg.Context}}
	for _, l := range lists {
		for _, s := range l.words {
			if err := add(s, word{kind: l.kind}); err != nil {
				return nil, &Error{Line: cfg.line, Msg: err.Error()}
			}
		}
	}
	for _, s := range cfg.Stopwords {
		t.stopwords[string(compactRunes(s))] = true
	}
	for _, r := range p.rules {
		for _, h := range slices.Concat(r.hosts, r.domains) {
			t.linkHosts[h] = true
		}
	}
	if cfg.BareMobile.Enabled {
		cat := cfg.BareMobile.Category
		t.bare = Class{Category: cat, Action: p.ActionFor(cat), Rule: cat + ".mobile-bare"}
		t.sameNumber = Class{Category: cat, Action: p.ActionFor(cat), Rule: cat + ".same-number"}
	}
	t.ac = newAutomaton(patterns, words)
	return t, nil
}

// compactRunes normalises a dictionary word like text and drops its blanks.
func compactRunes(s string) []rune {
	n := textnorm.Normalize(s)
	out := make([]rune, 0, n.Len())
	for _, r := range n.Runes {
		if !isSpace(r) {
			out = append(out, r)
		}
	}
	return out
}

// scan finds every channel in text, in text order. Spans are byte offsets
// into text and never overlap except where one span carries two channels
// ("手机微信同号 138…" is both wechat and phone).
func (t *textScanner) scan(text string) []TextMatch {
	if t == nil || text == "" {
		return nil
	}
	s := newTextScan(t, text)
	s.keywordsAndLinks()
	s.bareNumbers()
	slices.SortStableFunc(s.out, func(a, b TextMatch) int { return a.Start - b.Start })
	return s.out
}

// ScanText finds the channels in one listing text; index is the text's
// position in the listing.
func (p *Policy) ScanText(index int, text string) []Finding {
	ms := p.text.scan(text)
	out := make([]Finding, 0, len(ms))
	for _, m := range ms {
		out = append(out, Finding{
			Source: SourceText, Text: index, Start: m.Start, End: m.End,
			Symbology: symbology.TEXT, Payload: text[m.Start:m.End], Identifier: m.Identifier,
			Category: m.Category, Action: m.Action, Rule: m.Rule,
		})
	}
	return out
}
