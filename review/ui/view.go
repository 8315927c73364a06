package ui

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Span is a finding's byte range in a text, numbered like the findings
// table so that a moderator can match mark and row.
type Span struct {
	Start, End int
	N          int // 1-based finding number
	Category   string
}

// Segment is a piece of a text, marked or not.
type Segment struct {
	Text     string
	Mark     bool
	N        int
	Category string
}

// Highlight cuts text into segments, marking the spans. Spans out of range,
// not on UTF-8 boundaries or overlapping an earlier span are ignored rather
// than trusted: offsets come from a finding, and a bad one must not split a
// character or panic the page.
func Highlight(text string, spans []Span) []Segment {
	ok := make([]Span, 0, len(spans))
	for _, s := range spans {
		if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
			continue
		}
		if !boundary(text, s.Start) || !boundary(text, s.End) {
			continue
		}
		ok = append(ok, s)
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].Start < ok[j].Start })
	var out []Segment
	pos := 0
	for _, s := range ok {
		if s.Start < pos {
			continue // overlaps the previous mark
		}
		if s.Start > pos {
			out = append(out, Segment{Text: text[pos:s.Start]})
		}
		out = append(out, Segment{Text: text[s.Start:s.End], Mark: true, N: s.N, Category: s.Category})
		pos = s.End
	}
	if pos < len(text) || len(out) == 0 {
		out = append(out, Segment{Text: text[pos:]})
	}
	return out
}

func boundary(s string, i int) bool {
	return i == len(s) || utf8.RuneStart(s[i])
}

// Points formats corners for an SVG polygon's points attribute. Only
// integers reach the attribute, so it needs no further escaping (the
// template escapes it anyway).
func Points(corners [][2]int) string {
	var b strings.Builder
	for i, c := range corners {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(c[0]))
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(c[1]))
	}
	return b.String()
}
