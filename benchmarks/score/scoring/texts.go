package scoring

import (
	"sort"
	"strings"
)

// TextReport is the score of text records against text/cases.jsonl.
type TextReport struct {
	Cases        int `json:"cases"`
	NoRecord     int `json:"no_record"`
	VerdictRight int `json:"verdict_right"`
	Labels       int `json:"labels"`        // labelled identifiers
	Found        int `json:"found"`         // labelled identifiers among the findings
	Extras       int `json:"extras"`        // distinct identifiers per case matching no label
	Spans        int `json:"spans"`         // text findings checked
	SpanErrors   int `json:"span_errors"`   // text[start:end] != payload
	AllowBlocked int `json:"allow_blocked"` // allow-labelled cases given block

	Tags          []TextTagStat `json:"tags"`
	WrongVerdicts []TextIssue   `json:"wrong_verdicts"`
	MissedIDs     []TextIssue   `json:"missed_identifiers"`
	ExtraList     []TextIssue   `json:"extra_list"`
	SpanErrorList []TextIssue   `json:"span_error_list"`
	AllowBlockedL []TextIssue   `json:"allow_blocked_list"`
	UnmatchedIDs  []string      `json:"unmatched_ids,omitempty"`
}

// TextTagStat is the outcome on the cases carrying one tag.
type TextTagStat struct {
	Tag          string `json:"tag"`
	Cases        int    `json:"cases"`
	VerdictRight int    `json:"verdict_right"`
	Labels       int    `json:"labels"`
	Found        int    `json:"found"`
	Extras       int    `json:"extras"`
}

// TextIssue names one case scored wrong.
type TextIssue struct {
	ID      string   `json:"id"`
	Tags    []string `json:"tags"`
	Want    string   `json:"want"`
	Verdict string   `json:"verdict"`
	Missing []string `json:"missing,omitempty"`
	Extra   []string `json:"extra,omitempty"`
	Spans   []string `json:"bad_spans,omitempty"`
}

// NormalizeIdentifier folds an identifier the way the contract compares
// them: case-insensitive, without a leading http:// or https://, a trailing
// '/' or any '-' (sellers insert dashes; real ones are not required).
func NormalizeIdentifier(id string) string {
	s := strings.ToLower(strings.TrimSpace(id))
	for _, p := range []string{"https://", "http://"} {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	s = strings.TrimSuffix(s, "/")
	return strings.ReplaceAll(s, "-", "")
}

// ScoreTexts scores text records against cases.
func ScoreTexts(cases []TextCase, recs []TextRecord) TextReport {
	byID := map[string]*TextRecord{}
	for i := range recs {
		byID[recs[i].ID] = &recs[i]
	}
	known := map[string]bool{}
	var rep TextReport
	tags := map[string]*TextTagStat{}
	for _, c := range cases {
		known[c.ID] = true
		rec := byID[c.ID]
		if rec == nil {
			rep.NoRecord++
			rec = &TextRecord{ID: c.ID}
		}
		rep.add(c, judgeText(c, rec), tags)
	}
	for _, r := range recs {
		if !known[r.ID] {
			rep.UnmatchedIDs = append(rep.UnmatchedIDs, r.ID)
		}
	}
	for _, t := range tags {
		rep.Tags = append(rep.Tags, *t)
	}
	sort.Slice(rep.Tags, func(a, b int) bool { return rep.Tags[a].Tag < rep.Tags[b].Tag })
	return rep
}

// textOutcome is the judgement of one text record.
type textOutcome struct {
	verdict  string
	right    bool
	found    int
	missing  []string
	extra    []string
	spans    int
	badSpans []string
}

// judgeText applies CONTRACT.md's text rules to one case.
func judgeText(c TextCase, rec *TextRecord) textOutcome {
	o := textOutcome{verdict: rec.Verdict, right: rec.Verdict == c.Verdict}
	got := map[string]bool{}
	for _, f := range rec.Findings {
		if f.Identifier != "" {
			got[NormalizeIdentifier(f.Identifier)] = true
		}
		if f.Source == "text" || f.Start != nil || f.End != nil {
			o.spans++
			if !spanOK(c.Text, f) {
				o.badSpans = append(o.badSpans, spanString(f))
			}
		}
	}
	labelled := map[string]bool{}
	for _, l := range c.Findings {
		n := NormalizeIdentifier(l.Identifier)
		labelled[n] = true
		if got[n] {
			o.found++
		} else {
			o.missing = append(o.missing, l.Identifier)
		}
	}
	for _, f := range rec.Findings {
		n := NormalizeIdentifier(f.Identifier)
		if n != "" && !labelled[n] {
			o.extra = append(o.extra, f.Identifier)
			labelled[n] = true // count each distinct identifier once
		}
	}
	return o
}

// spanOK checks text[start:end] == payload with byte offsets.
func spanOK(text string, f Finding) bool {
	if f.Start == nil || f.End == nil {
		return false
	}
	s, e := *f.Start, *f.End
	return 0 <= s && s <= e && e <= len(text) && text[s:e] == f.Payload
}

func spanString(f Finding) string {
	s, e := -1, -1
	if f.Start != nil {
		s = *f.Start
	}
	if f.End != nil {
		e = *f.End
	}
	return strings.Join([]string{itoa(s), itoa(e), f.Payload}, " ")
}

// add folds one case's outcome into the report.
func (rep *TextReport) add(c TextCase, o textOutcome, tags map[string]*TextTagStat) {
	rep.Cases++
	rep.Labels += len(c.Findings)
	rep.Found += o.found
	rep.Extras += len(o.extra)
	rep.Spans += o.spans
	rep.SpanErrors += len(o.badSpans)
	issue := TextIssue{ID: c.ID, Tags: c.Tags, Want: c.Verdict, Verdict: o.verdict}
	if o.right {
		rep.VerdictRight++
	} else {
		rep.WrongVerdicts = append(rep.WrongVerdicts, issue)
	}
	if len(o.missing) > 0 {
		rep.MissedIDs = append(rep.MissedIDs, withMissing(issue, o.missing))
	}
	if len(o.extra) > 0 {
		issue.Extra = o.extra
		rep.ExtraList = append(rep.ExtraList, issue)
	}
	if len(o.badSpans) > 0 {
		issue.Spans = o.badSpans
		rep.SpanErrorList = append(rep.SpanErrorList, issue)
	}
	if c.Verdict == "allow" && o.verdict == "block" {
		rep.AllowBlocked++
		rep.AllowBlockedL = append(rep.AllowBlockedL, issue)
	}
	for _, tag := range c.Tags {
		t := tags[tag]
		if t == nil {
			t = &TextTagStat{Tag: tag}
			tags[tag] = t
		}
		t.Cases++
		t.Labels += len(c.Findings)
		t.Found += o.found
		t.Extras += len(o.extra)
		if o.right {
			t.VerdictRight++
		}
	}
}

func withMissing(i TextIssue, missing []string) TextIssue {
	i.Missing = missing
	return i
}
