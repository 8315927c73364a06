package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

// severity orders the default policy's actions.
var actionOf = map[string]string{
	"wechat": "block", "qq": "block", "messenger": "block", "offsite_payment": "block",
	"external_link": "warn", "short_link": "warn", "phone": "warn",
	"platform": "allow", "partner": "allow",
}

var severity = map[string]int{"allow": 0, "warn": 1, "block": 2}

// genCase is a composed listing with its labels and where they are shown.
type genCase struct {
	text  string
	spans []span
	tags  []string
}

// maxAttempts bounds the redraws of one case; doubtful compositions are
// rare, so reaching it means the generator itself is broken.
const maxAttempts = 500

var errNoCase = errors.New("textgen: no unambiguous composition found")

// generate draws case i of a seed; each case has its own stream, so a case
// does not change when n does.
func generate(seed int64, i int) (genCase, error) {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(i)+0x9e3779b97f4a7c15))
	for attempt := 0; attempt < maxAttempts; attempt++ {
		c := compose(r)
		if doubt(c.text, c.spans) == "" && distinctLabels(c) {
			return c, nil
		}
	}
	return genCase{}, fmt.Errorf("%w (seed %d, case %d)", errNoCase, seed, i)
}

// compose draws one listing: allow-only text about 40% of the time, else
// one to three channels, among ordinary and hard-negative clauses.
func compose(r *rand.Rand) genCase {
	en := r.IntN(100) < 30
	var parts []clause
	var tags []string
	if r.IntN(100) < 35 {
		tags = append(tags, "case:allow")
		for n := 1 + r.IntN(3); n > 0; n-- {
			parts = append(parts, negClause(r, en))
		}
		if r.IntN(100) < 25 {
			parts = append(parts, linkClause(r, en, newLink(r, pick(r, []string{"platform", "partner"}))))
		}
	} else {
		n := 1
		if k := r.IntN(100); k < 5 {
			n = 3
		} else if k < 25 {
			n = 2
		}
		for ; n > 0; n-- {
			parts = append(parts, positiveClause(r, en))
		}
		for n := r.IntN(3); n > 0; n-- {
			parts = append(parts, negClause(r, en))
		}
	}
	phrases := r.IntN(3)
	if r.IntN(100) < 12 { // a longer description
		phrases = 4 + r.IntN(6)
		tags = append(tags, "len:long")
	}
	for ; phrases > 0; phrases-- {
		parts = append(parts, phraseClause(r, en))
	}
	r.Shuffle(len(parts), func(a, b int) { parts[a], parts[b] = parts[b], parts[a] })
	if en {
		tags = append(tags, "lang:en")
	}
	return join(r, en, titleClause(r, en), parts, tags)
}

// positiveClause draws one channel of a random family.
func positiveClause(r *rand.Rand, en bool) clause {
	switch n := r.IntN(100); {
	case n < 36:
		return wechatClause(r, en)
	case n < 40:
		return sameNumberClause(r, en)
	case n < 54:
		return qqClause(r, en)
	case n < 70:
		return phoneClause(r, en)
	case n < 78:
		return messengerClause(r, en)
	default:
		return linkClause(r, en, pickLink(r, pick(r, linkCategories)))
	}
}

// pickLink draws a link of a category, a quarter of the time from the
// hosts round 3 adds when the category has some.
func pickLink(r *rand.Rand, category string) link {
	if r.IntN(4) == 0 {
		if l, ok := round3Link(r, category); ok {
			return l
		}
	}
	return newLink(r, category)
}

// join puts the title and clauses together with sentence punctuation, so a
// clause's last identifier never runs into the next clause's words.
func join(r *rand.Rand, en bool, title string, parts []clause, tags []string) genCase {
	var b strings.Builder
	var spans []span
	joiners := []string{"，", "，", "，", "。", "；", "！", "，\n", "。\n", " "}
	// Beside a link, a full stop would read as one of its disguised dots.
	linkSafe := []string{"，", "；", "！", "，\n"}
	if en {
		joiners = []string{", ", ", ", ". ", "; ", "! ", ".\n", " - "}
		linkSafe = []string{", ", "; ", "! ", ",\n"}
	}
	start := r.IntN(4) > 0
	if start {
		b.WriteString(title)
	}
	for i, p := range parts {
		if i > 0 || start {
			j := pick(r, joiners)
			if j == " " || j == " - " {
				j = pick(r, joiners[:3])
			}
			if p.link || (i > 0 && parts[i-1].link) {
				j = pick(r, linkSafe)
			}
			b.WriteString(j)
		}
		off := b.Len()
		b.WriteString(p.text)
		for _, s := range p.spans {
			spans = append(spans, span{s.start + off, s.end + off, s.labels})
		}
		tags = append(tags, p.tags...)
	}
	lastLink := len(parts) > 0 && parts[len(parts)-1].link
	if !start {
		b.WriteString(pick(r, linkSafe[:2]))
		b.WriteString(title)
		lastLink = false
	}
	ends := []string{"", "", "！", "～", "。"}
	if en {
		ends = []string{"", "", "!", "."}
	}
	if lastLink {
		ends = ends[:3]
	}
	b.WriteString(pick(r, ends))
	if n := len(spans); n > 1 {
		tags = append(tags, fmt.Sprintf("multi:%d", n))
	}
	return genCase{b.String(), spans, dedupe(tags)}
}

func dedupe(tags []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tags {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// distinctLabels rejects a case whose labels would repeat an identifier
// under two spans (one channel drawn twice).
func distinctLabels(c genCase) bool {
	seen := map[string]bool{}
	for _, s := range c.spans {
		ids := map[string]bool{}
		for _, l := range s.labels {
			ids[scoring.NormalizeIdentifier(l.identifier)] = true
		}
		for id := range ids {
			if seen[id] {
				return false
			}
			seen[id] = true
		}
	}
	return true
}

// toCase turns a composed listing into a corpus line.
func (c genCase) toCase(id string) scoring.TextCase {
	tc := scoring.TextCase{ID: id, Text: c.text, Verdict: "allow", Findings: []scoring.TextLabel{}, Tags: c.tags}
	for _, s := range c.spans {
		for _, l := range s.labels {
			tc.Findings = append(tc.Findings, scoring.TextLabel{Identifier: l.identifier, Category: l.category})
			if a := actionOf[l.category]; severity[a] > severity[tc.Verdict] {
				tc.Verdict = a
			}
		}
	}
	sort.SliceStable(tc.Tags, func(a, b int) bool { return tagOrder(tc.Tags[a]) < tagOrder(tc.Tags[b]) })
	return tc
}

func tagOrder(t string) int {
	for i, p := range []string{"case:", "len:", "kw:", "kwdisguise:", "pos:", "kwsep:", "filler:", "wechat:", "phone:", "disguise:", "wrap:", "link:", "url:", "multi:", "neg:", "read:", "lang:"} {
		if strings.HasPrefix(t, p) {
			return i
		}
	}
	return 99
}
