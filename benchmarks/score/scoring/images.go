package scoring

import (
	"sort"
	"strings"
)

// Symbologies with a special meaning in the contract.
const (
	Undecoded  = "UNDECODED"
	ImageError = "IMAGE_ERROR"
)

// ImageReport is the score of a reader's image records against a manifest.
type ImageReport struct {
	Images         int `json:"images"`
	Coded          int `json:"coded"`
	Clean          int `json:"clean"`
	Read           int `json:"read"`            // coded images with every expected payload
	FalsePositives int `json:"false_positives"` // clean images with any finding
	Extras         int `json:"extras"`          // findings on coded images matching no code
	NoRecord       int `json:"no_record"`       // manifest images the output does not mention
	Errors         int `json:"errors"`          // records whose error is set
	Partial        int `json:"partial"`

	// UNDECODED findings: on coded images not read (a moderator is told a
	// code is there) and on clean images (false alarms, also counted in
	// FalsePositives).
	UndecodedOnMissed int `json:"undecoded_on_missed"`
	UndecodedOnClean  int `json:"undecoded_on_clean"`

	// Verdicts are scored only when the reader gives them (qrgate does,
	// peers do not): HasVerdicts is false and the counts zero otherwise;
	// and only on images the manifest labels with one (a set from another
	// project's test suite carries no policy, so its verdicts are "").
	HasVerdicts      bool `json:"has_verdicts"`
	VerdictLabelled  int  `json:"verdict_labelled"`   // images with a verdict label
	ReadLabelled     int  `json:"read_labelled"`      // read images with a verdict label
	VerdictRight     int  `json:"verdict_right"`      // of VerdictLabelled
	VerdictRightRead int  `json:"verdict_right_read"` // of ReadLabelled

	Tags           []TagStat    `json:"tags"`
	Bins           []BinStat    `json:"bins,omitempty"` // when the manifest has bins
	Misses         []ImageIssue `json:"misses"`
	FalsePosList   []ImageIssue `json:"false_positive_list"`
	ExtraList      []ImageIssue `json:"extra_list"`
	WrongVerdicts  []ImageIssue `json:"wrong_verdicts"`
	PerImageMS     []float64    `json:"-"` // reader-reported per-image times
	PerImageIsCPU  bool         `json:"-"`
	UnmatchedFiles []string     `json:"unmatched_files,omitempty"` // records naming no manifest image
}

// TagStat is recall on the coded images and false positives on the clean
// images that carry a tag group.
type TagStat struct {
	Tag            string `json:"tag"`
	Coded          int    `json:"coded"`
	Read           int    `json:"read"`
	Clean          int    `json:"clean"`
	FalsePositives int    `json:"false_positives"`
}

// ImageIssue names one image that was scored wrong and why.
type ImageIssue struct {
	File    string   `json:"file"`
	Tags    []string `json:"tags"`
	Missing []string `json:"missing,omitempty"` // expected payloads not read
	Got     []string `json:"got,omitempty"`     // what the reader reported
	Want    string   `json:"want,omitempty"`    // expected verdict
	Verdict string   `json:"verdict,omitempty"` // reader's verdict
	Error   string   `json:"error,omitempty"`
}

// ScoreImages scores records against cases by the contract's rules.
func ScoreImages(cases []ImageCase, recs []ImageRecord) ImageReport {
	ix := newFileIndex(cases)
	byCase := make([]*ImageRecord, len(cases))
	var rep ImageReport
	for i := range recs {
		j := ix.lookup(recs[i].File)
		if j < 0 {
			rep.UnmatchedFiles = append(rep.UnmatchedFiles, recs[i].File)
			continue
		}
		byCase[j] = &recs[i]
	}
	for _, r := range recs {
		if r.Verdict != nil {
			rep.HasVerdicts = true
		}
	}
	tags := map[string]*TagStat{}
	bins := binTally{}
	for i, c := range cases {
		rep.scoreOne(c, byCase[i], tags, bins)
	}
	if len(bins) > 0 {
		rep.Bins = bins.sorted()
	}
	for _, t := range tags {
		rep.Tags = append(rep.Tags, *t)
	}
	sort.Slice(rep.Tags, func(a, b int) bool { return rep.Tags[a].Tag < rep.Tags[b].Tag })
	return rep
}

// scoreOne adds one image's outcome to the report.
func (rep *ImageReport) scoreOne(c ImageCase, rec *ImageRecord, tags map[string]*TagStat, bins binTally) {
	rep.Images++
	if rec == nil {
		rec = &ImageRecord{File: c.File}
		rep.NoRecord++
	} else {
		rep.noteRecord(rec)
	}
	o := judgeImage(c, rec)
	bins.add(c, rec, o.falsePositive)
	undecoded := hasUndecoded(rec)
	issue := ImageIssue{File: c.File, Tags: c.Tags, Got: payloads(rec.Findings)}
	if rec.Error != nil {
		issue.Error = rec.Error.Code + ": " + rec.Error.Message
	}
	if c.Coded() {
		rep.Coded++
		rep.Extras += o.extras
		if o.read {
			rep.Read++
		} else {
			issue.Missing = o.missing
			rep.Misses = append(rep.Misses, issue)
			if undecoded {
				rep.UndecodedOnMissed++
			}
		}
		if o.extras > 0 {
			rep.ExtraList = append(rep.ExtraList, issue)
		}
	} else {
		rep.Clean++
		if undecoded {
			rep.UndecodedOnClean++
		}
		if o.falsePositive {
			rep.FalsePositives++
			rep.FalsePosList = append(rep.FalsePosList, issue)
		}
	}
	if c.Verdict != "" {
		rep.VerdictLabelled++
		if o.read {
			rep.ReadLabelled++
		}
		if rep.HasVerdicts {
			rep.scoreVerdict(c, rec, o.read, issue)
		}
	}
	for _, g := range tagGroups(c.Tags) {
		t := tags[g]
		if t == nil {
			t = &TagStat{Tag: g}
			tags[g] = t
		}
		if c.Coded() {
			t.Coded++
			if o.read {
				t.Read++
			}
		} else {
			t.Clean++
			if o.falsePositive {
				t.FalsePositives++
			}
		}
	}
}

func (rep *ImageReport) scoreVerdict(c ImageCase, rec *ImageRecord, read bool, issue ImageIssue) {
	if rec.Verdict != nil && *rec.Verdict == c.Verdict {
		rep.VerdictRight++
		if read {
			rep.VerdictRightRead++
		}
		return
	}
	issue.Want, issue.Verdict = c.Verdict, deref(rec.Verdict)
	rep.WrongVerdicts = append(rep.WrongVerdicts, issue)
}

func (rep *ImageReport) noteRecord(rec *ImageRecord) {
	if rec.Error != nil {
		rep.Errors++
	}
	if rec.Partial {
		rep.Partial++
	}
	switch {
	case rec.CPUMS != nil:
		rep.PerImageMS = append(rep.PerImageMS, *rec.CPUMS)
		rep.PerImageIsCPU = true
	case rec.ElapsedMS != nil:
		rep.PerImageMS = append(rep.PerImageMS, *rec.ElapsedMS)
	}
}

// imageOutcome is the contract's judgement of one record.
type imageOutcome struct {
	read          bool
	missing       []string
	extras        int
	falsePositive bool
}

// judgeImage applies CONTRACT.md's image rules: read when every expected
// payload appears byte for byte; on a clean image any finding (UNDECODED
// and IMAGE_ERROR included) is a false positive; on a coded image a finding
// matching no expected payload is extra, UNDECODED only once all are read.
func judgeImage(c ImageCase, rec *ImageRecord) imageOutcome {
	var o imageOutcome
	if !c.Coded() {
		o.falsePositive = len(rec.Findings) > 0
		return o
	}
	got := map[string]bool{}
	for _, f := range rec.Findings {
		if f.Symbology != Undecoded {
			got[f.Payload] = true
		}
	}
	want := map[string]bool{}
	for _, code := range c.Codes {
		want[code.Payload] = true
		if !got[code.Payload] {
			o.missing = append(o.missing, code.Payload)
		}
	}
	o.read = len(o.missing) == 0
	for _, f := range rec.Findings {
		switch {
		case f.Symbology == Undecoded:
			if o.read {
				o.extras++
			}
		case !want[f.Payload]:
			o.extras++
		}
	}
	return o
}

func hasUndecoded(rec *ImageRecord) bool {
	for _, f := range rec.Findings {
		if f.Symbology == Undecoded {
			return true
		}
	}
	return false
}

func payloads(fs []Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		if f.Symbology == Undecoded || f.Symbology == ImageError {
			out = append(out, f.Symbology)
			continue
		}
		if f.Symbology != "" && !strings.Contains(strings.ToUpper(f.Symbology), "QR") {
			// name other symbologies: a stray EAN-8 read says where to look
			out = append(out, f.Symbology+":"+f.Payload)
			continue
		}
		out = append(out, f.Payload)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
