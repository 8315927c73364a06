package scoring

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// ImageSummary is an image report with its cost, as printed and as -json.
type ImageSummary struct {
	ImageReport
	Usage           *Usage  `json:"usage,omitempty"`
	CPUMSPerImage   float64 `json:"cpu_ms_per_image,omitempty"`
	ImagesPerCPUSec float64 `json:"images_per_cpu_second,omitempty"`
}

// TextSummary is a text report with its cost.
type TextSummary struct {
	TextReport
	Usage *Usage `json:"usage,omitempty"`
}

// Summarize attaches usage (nil when the records were read from a file).
func Summarize(rep ImageReport, u *Usage) ImageSummary {
	s := ImageSummary{ImageReport: rep, Usage: u}
	if u != nil {
		s.CPUMSPerImage = u.CPUPerInput(rep.Images)
		s.ImagesPerCPUSec = u.InputsPerCPUSecond(rep.Images)
	}
	return s
}

// Ratio formats a/b as "a/b = p%".
func Ratio(a, b int) string {
	if b == 0 {
		return fmt.Sprintf("%d/0", a)
	}
	return fmt.Sprintf("%d/%d = %.1f%%", a, b, 100*float64(a)/float64(b))
}

// WriteImages prints an image summary for people.
func WriteImages(w io.Writer, s ImageSummary) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("## images: %d (%d coded, %d clean)", s.Images, s.Coded, s.Clean)
	p("recall (coded images, every payload):  %s", Ratio(s.Read, s.Coded))
	p("false positives (clean images):        %d/%d", s.FalsePositives, s.Clean)
	p("extra reads (coded images):            %d", s.Extras)
	switch {
	case !s.HasVerdicts:
		p("verdict accuracy:                      – (the reader gives no verdicts)")
	case s.VerdictLabelled == 0:
		p("verdict accuracy:                      – (the manifest labels no verdicts)")
	default:
		p("verdict accuracy:                      %s (on read images: %s)",
			Ratio(s.VerdictRight, s.VerdictLabelled), Ratio(s.VerdictRightRead, s.ReadLabelled))
	}
	p("UNDECODED on unread coded images:      %d/%d", s.UndecodedOnMissed, s.Coded-s.Read)
	p("UNDECODED on clean images:             %d/%d", s.UndecodedOnClean, s.Clean)
	p("image errors: %d, partial: %d, no record: %d", s.Errors, s.Partial, s.NoRecord)
	if s.Usage != nil {
		p("CPU (user+sys, whole process): %.2f s, wall %.2f s", s.Usage.CPU.Seconds(), s.Usage.Wall.Seconds())
		p("CPU ms/image: %.1f   images/CPU-s: %.1f", s.CPUMSPerImage, s.ImagesPerCPUSec)
	}
	if len(s.PerImageMS) > 0 {
		p("per-image %s ms (reader-reported): median %.1f, p99 %.1f", perImageKind(s.PerImageIsCPU),
			Percentile(s.PerImageMS, 50), Percentile(s.PerImageMS, 99))
	}
	p("")
	p("| tag | coded | read | clean | false positives |")
	p("|---|---|---|---|---|")
	for _, t := range s.Tags {
		p("| %s | %d | %d | %d | %d |", t.Tag, t.Coded, t.Read, t.Clean, t.FalsePositives)
	}
	WriteBins(w, s.Bins)
	writeImageIssues(w, "misses", s.Misses)
	writeImageIssues(w, "false positives", s.FalsePosList)
	writeImageIssues(w, "extra reads", s.ExtraList)
	if s.HasVerdicts {
		writeImageIssues(w, "wrong verdicts", s.WrongVerdicts)
	}
	if len(s.UnmatchedFiles) > 0 {
		p("\nrecords naming no manifest image: %d (e.g. %s)", len(s.UnmatchedFiles), s.UnmatchedFiles[0])
	}
}

func perImageKind(cpu bool) string {
	if cpu {
		return "CPU"
	}
	return "wall"
}

func writeImageIssues(w io.Writer, title string, issues []ImageIssue) {
	if len(issues) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### %s (%d)\n", title, len(issues))
	for _, i := range issues {
		line := fmt.Sprintf("- %s [%s]", i.File, strings.Join(i.Tags, " "))
		if len(i.Missing) > 0 {
			line += fmt.Sprintf(" missing %q", i.Missing)
		}
		if len(i.Got) > 0 {
			line += fmt.Sprintf(" got %q", i.Got)
		}
		if i.Want != "" || i.Verdict != "" {
			line += fmt.Sprintf(" verdict %q want %q", i.Verdict, i.Want)
		}
		if i.Error != "" {
			line += " error " + i.Error
		}
		fmt.Fprintln(w, line)
	}
}

// WriteTexts prints a text summary for people.
func WriteTexts(w io.Writer, s TextSummary) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("## texts: %d cases", s.Cases)
	p("verdict accuracy:      %s", Ratio(s.VerdictRight, s.Cases))
	p("identifier recall:     %s", Ratio(s.Found, s.Labels))
	p("extra identifiers:     %d", s.Extras)
	p("span errors:           %d of %d text findings", s.SpanErrors, s.Spans)
	p("allow cases blocked:   %d", s.AllowBlocked)
	if s.NoRecord > 0 {
		p("no record:             %d", s.NoRecord)
	}
	if s.Usage != nil {
		p("CPU (user+sys, whole process): %.2f s, wall %.2f s, %.3f ms/text",
			s.Usage.CPU.Seconds(), s.Usage.Wall.Seconds(), s.Usage.CPUPerInput(s.Cases))
	}
	p("")
	p("| tag | cases | verdict right | identifiers found | extras |")
	p("|---|---|---|---|---|")
	for _, t := range s.Tags {
		p("| %s | %d | %d | %d/%d | %d |", t.Tag, t.Cases, t.VerdictRight, t.Found, t.Labels, t.Extras)
	}
	writeTextIssues(w, "allow cases blocked", s.AllowBlockedL)
	writeTextIssues(w, "wrong verdicts", s.WrongVerdicts)
	writeTextIssues(w, "missed identifiers", s.MissedIDs)
	writeTextIssues(w, "extra identifiers", s.ExtraList)
	writeTextIssues(w, "span errors", s.SpanErrorList)
}

func writeTextIssues(w io.Writer, title string, issues []TextIssue) {
	if len(issues) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### %s (%d)\n", title, len(issues))
	for _, i := range issues {
		line := fmt.Sprintf("- %s [%s] verdict %q want %q", i.ID, strings.Join(i.Tags, " "), i.Verdict, i.Want)
		if len(i.Missing) > 0 {
			line += fmt.Sprintf(" missing %q", i.Missing)
		}
		if len(i.Extra) > 0 {
			line += fmt.Sprintf(" extra %q", i.Extra)
		}
		if len(i.Spans) > 0 {
			line += fmt.Sprintf(" bad spans %q", i.Spans)
		}
		fmt.Fprintln(w, line)
	}
}

// FormatMS prints a millisecond figure, or "–" for NaN.
func FormatMS(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f", v)
}
