package policy

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/qrgate/qrgate/policy/textnorm"
)

// textMatch is one channel found in a text: a byte span of the original
// text and its class; seq is its place in the order the scan found it.
type textMatch struct {
	Start, End int
	class
	seq int
}

// channel is a compiled channelSpec.
type channel struct {
	name     string
	category string
	action   Action
	ids      []string
}

// textScanner finds channels in text. It is immutable after compileText.
type textScanner struct {
	p          *Policy
	cfg        textConfig
	reader     *textnorm.Reader // the policy's readings over Unicode's
	channels   []channel
	words      []word     // every dictionary word; hits index into it
	ac         *automaton // literal words over the normalised text
	sound      *automaton // sound keywords over the text read as syllables
	syllableOf map[rune]rune
	symbolOf   map[string]rune   // keyword syllable → its symbol
	components map[rune][]string // a character → how it is written as its components
	links      linkWords
	fillers    map[rune]bool // characters that may stand between keyword and identifier
	stopwords  map[string]bool
	linkHosts  map[string]bool // hosts and domains of the policy's link rules
	bare       class           // class of a bare mobile ("" category: off)
	sameNumber class           // class of the phone behind "同号"
	wxid       class           // class of a default WeChat ID ("" category: off)
}

// dictionary collects the words of the two automata while compiling.
type dictionary struct {
	words                []word
	literal, sound       [][]rune
	literalIDs, soundIDs []int
}

func (d *dictionary) add(rs []rune, w word, sound bool) {
	w.runes, w.first, w.last = len(rs), rs[0], rs[len(rs)-1]
	w.ascii = true
	for _, r := range rs {
		w.ascii = w.ascii && r < 0x80
	}
	d.words = append(d.words, w)
	if sound {
		d.sound, d.soundIDs = append(d.sound, rs), append(d.soundIDs, len(d.words)-1)
	} else {
		d.literal, d.literalIDs = append(d.literal, rs), append(d.literalIDs, len(d.words)-1)
	}
}

func compileText(c *textConfig, p *Policy) (*textScanner, error) {
	cfg := *c
	if err := cfg.validate(p); err != nil {
		return nil, err
	}
	reader, err := cfg.Readings.reader()
	if err != nil {
		return nil, err
	}
	comps := textnorm.Components()
	for c, forms := range cfg.Components {
		r, _ := utf8.DecodeRuneInString(c)
		comps[r] = append(comps[r], forms...)
	}
	t := &textScanner{p: p, cfg: cfg, reader: reader, components: comps, stopwords: map[string]bool{}, linkHosts: map[string]bool{},
		syllableOf: map[rune]rune{}, fillers: map[rune]bool{}}
	t.links = t.compileLinkWords(cfg.LinkWords)
	var d dictionary
	add := func(s string, w word) error {
		alts, err := expandKeyword(s)
		if err != nil {
			return err
		}
		for _, a := range alts {
			rs := t.compactRunes(a)
			if len(rs) == 0 {
				return fmt.Errorf("text: keyword %q is empty after normalisation", s)
			}
			if w.kind != wordChannel {
				d.add(rs, w, false)
				continue
			}
			for _, v := range t.spelledOut(rs) {
				d.add(v, w, false)
			}
		}
		return nil
	}
	syllables := map[string]rune{}
	for i, ch := range cfg.Channels {
		t.channels = append(t.channels, channel{name: ch.Name, category: ch.Category, action: p.ActionFor(ch.Category), ids: ch.IDs})
		for _, k := range ch.Keywords {
			if err := add(k, word{kind: wordChannel, channel: i}); err != nil {
				return nil, &Error{Line: ch.line, Msg: err.Error()}
			}
		}
		for _, k := range ch.Short {
			if err := add(k, word{kind: wordChannel, channel: i, short: true}); err != nil {
				return nil, &Error{Line: ch.line, Msg: err.Error()}
			}
		}
		for _, snd := range ch.Sounds {
			pats, err := t.soundPatterns(snd, syllables)
			if err != nil {
				return nil, &Error{Line: ch.line, Msg: fmt.Sprintf("text channel %q: %v", ch.Name, err)}
			}
			for _, rs := range pats {
				d.add(rs, word{kind: wordChannel, channel: i}, true)
			}
		}
	}
	lists := []struct {
		kind  wordKind
		words []string
	}{{wordFiller, cfg.Fillers}, {wordSame, cfg.SameNumber}, {wordContext, cfg.Context}, {wordPrompt, cfg.Prompts}, {wordVeto, cfg.Veto},
		{wordPayMethod, cfg.Payment.Methods}, {wordPay, cfg.Payment.Words}}
	for _, l := range lists {
		for _, s := range l.words {
			if err := add(s, word{kind: l.kind}); err != nil {
				return nil, &Error{Line: cfg.line, Msg: err.Error()}
			}
		}
	}
	for _, s := range cfg.Stopwords {
		t.stopwords[string(t.compactRunes(s))] = true
	}
	for _, r := range t.compactRunes(cfg.FillerChars) {
		t.fillers[r] = true
	}
	t.symbolOf = syllables
	for syl, sym := range syllables {
		for _, r := range textnorm.Homophones(syl) {
			if _, taken := t.syllableOf[r]; !taken || sym < t.syllableOf[r] {
				t.syllableOf[r] = sym // a character with two readings in use keeps the first
			}
		}
	}
	for _, r := range p.rules {
		for _, h := range slices.Concat(r.hosts, r.domains) {
			t.linkHosts[h] = true
		}
	}
	if cfg.BareMobile.Enabled {
		cat := cfg.BareMobile.Category
		t.bare = class{Category: cat, Action: p.ActionFor(cat), Rule: cat + ".mobile-bare"}
		t.sameNumber = class{Category: cat, Action: p.ActionFor(cat), Rule: cat + ".same-number"}
	}
	if cat := cfg.WxidCategory; cat != "" {
		t.wxid = class{Category: cat, Action: p.ActionFor(cat), Rule: cat + ".wxid"}
	}
	t.words = d.words
	t.ac = newAutomaton(d.literal, d.literalIDs, d.words)
	// A character of a sound form that is itself read as a keyword
	// syllable ("口" in 口卩, the components of 叩) is read as the syllable
	// in the text the sound automaton sees: the form must say so too.
	for _, pat := range d.sound {
		for k, r := range pat {
			if sym, ok := t.syllableOf[r]; ok && r < syllableBase {
				pat[k] = sym
			}
		}
	}
	t.sound = newAutomaton(d.sound, d.soundIDs, d.words)
	return t, nil
}

// syllableBase is where the private-use symbols for syllables start: a
// character read as a keyword syllable becomes that symbol in the text the
// sound automaton reads.
const syllableBase = 0xF0000

// maxSoundPatterns bounds what one sound keyword expands to.
const maxSoundPatterns = 512

// soundPatterns expands a sound keyword, "wei/w/v xin/x/❤": syllables
// separated by blanks, each matched by any character read that way, by its
// spelling, or by the other forms after its slashes (abbreviations, a
// character used for its look, an emoji). syllables numbers the
// syllables in use.
func (t *textScanner) soundPatterns(k string, syllables map[string]rune) ([][]rune, error) {
	parts := strings.Fields(strings.ToLower(k))
	if len(parts) == 0 {
		return nil, fmt.Errorf("empty sound keyword")
	}
	out := [][]rune{nil}
	for _, part := range parts {
		forms := strings.Split(part, "/")
		syl := forms[0]
		if !textnorm.IsSyllable(syl) {
			return nil, fmt.Errorf("sound keyword %q: %q is not a Mandarin syllable", k, syl)
		}
		sym, ok := syllables[syl]
		if !ok {
			sym = syllableBase + rune(len(syllables))
			syllables[syl] = sym
		}
		alts := [][]rune{{sym}}
		for r, spellings := range t.components { // "亻言" for 信 where the syllable is xin
			if slices.Contains(textnorm.Homophones(syl), r) {
				forms = append(forms, spellings...)
			}
		}
		slices.Sort(forms[1:])
		for _, f := range forms {
			rs := t.compactRunes(f)
			if len(rs) == 0 {
				return nil, fmt.Errorf("sound keyword %q: empty form", k)
			}
			alts = append(alts, rs)
		}
		var next [][]rune
		for _, p := range out {
			for _, a := range alts {
				next = append(next, slices.Concat(p, a))
			}
		}
		if out = next; len(out) > maxSoundPatterns {
			return nil, fmt.Errorf("sound keyword %q expands to more than %d forms", k, maxSoundPatterns)
		}
	}
	return out, nil
}

// maxSpellings bounds the forms one keyword takes when its characters are
// written as their components.
const maxSpellings = 64

// spelledOut returns a keyword and its forms with characters written as
// their components (微信 → 微亻言, 扣扣 → 扌口扌口), at most maxSpellings.
func (t *textScanner) spelledOut(rs []rune) [][]rune {
	out := [][]rune{nil}
	for _, r := range rs {
		alts := [][]rune{{r}}
		for _, f := range t.components[r] {
			alts = append(alts, t.compactRunes(f))
		}
		var next [][]rune
		for _, p := range out {
			for _, a := range alts {
				if len(next) < maxSpellings {
					next = append(next, slices.Concat(p, a))
				}
			}
		}
		out = next
	}
	return out
}

// compactRunes normalises a dictionary word like text and drops its blanks.
func (t *textScanner) compactRunes(s string) []rune {
	n := t.reader.Normalize(s)
	out := make([]rune, 0, n.Len())
	for _, r := range n.Runes {
		if !isSpace(r) {
			out = append(out, r)
		}
	}
	return out
}

// scan finds the channels in text and returns those it lists, in text
// order, with how many it left out (see textFindings; max ≤ 0 lists all).
// Spans are byte offsets into text and never overlap except where one span
// carries two channels ("手机微信同号 138…" is both wechat and phone).
func (t *textScanner) scan(text string, max int) ([]textMatch, int) {
	if t == nil || text == "" {
		return nil, 0
	}
	s := newTextScan(t, text)
	s.found.max = max
	s.keywordsAndLinks()
	s.bareNumbers()
	return s.found.listed()
}
