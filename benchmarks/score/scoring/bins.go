package scoring

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Bins places an image or one of its codes in a bin per dimension:
// {"module":"2.5-4","rotation":"other",...}. A generated manifest writes
// image-wide dimensions (container, photo size, codes per image) on the
// image line and per-code ones (module size, perspective, ...) on each code;
// a code's own value wins over the image's for the same dimension.
type Bins map[string]string

// BinStat is one bin's score. An image counts in a per-code bin when one
// of its codes falls there, and as read when every such code was read;
// Codes and CodesRead count the codes themselves. Clean images only count
// in image-wide bins.
type BinStat struct {
	Dim            string `json:"dim"`
	Bin            string `json:"bin"`
	Coded          int    `json:"coded"`
	Read           int    `json:"read"`
	Codes          int    `json:"codes"`
	CodesRead      int    `json:"codes_read"`
	Clean          int    `json:"clean"`
	FalsePositives int    `json:"false_positives"`
}

// binOrder is the order dimensions are printed in; others follow,
// alphabetically.
var binOrder = []string{"symbology", "module", "rotation", "perspective", "curvature", "blur",
	"noise", "contrast", "colour", "inverted", "mirrored", "logo", "card", "occlusion",
	"quiet_zone", "glare", "ec", "version", "container", "quality", "codes", "photo", "negative"}

type binKey struct{ dim, bin string }

// binTally accumulates bin statistics over images.
type binTally map[binKey]*BinStat

func (t binTally) stat(dim, bin string) *BinStat {
	k := binKey{dim, bin}
	s := t[k]
	if s == nil {
		s = &BinStat{Dim: dim, Bin: bin}
		t[k] = s
	}
	return s
}

// add scores one image into its bins; falsePositive is the contract's
// verdict on a clean image.
func (t binTally) add(c ImageCase, rec *ImageRecord, falsePositive bool) {
	if !c.Coded() {
		for dim, bin := range c.Bins {
			s := t.stat(dim, bin)
			s.Clean++
			if falsePositive {
				s.FalsePositives++
			}
		}
		return
	}
	got := readPayloads(rec)
	type group struct{ codes, read int }
	groups := map[binKey]*group{}
	for _, code := range c.Codes {
		for dim, bin := range effectiveBins(c.Bins, code.Bins) {
			k := binKey{dim, bin}
			g := groups[k]
			if g == nil {
				g = &group{}
				groups[k] = g
			}
			g.codes++
			if got[code.Payload] {
				g.read++
			}
		}
	}
	for k, g := range groups {
		s := t.stat(k.dim, k.bin)
		s.Coded++
		if g.read == g.codes {
			s.Read++
		}
		s.Codes += g.codes
		s.CodesRead += g.read
	}
}

func effectiveBins(image, code Bins) Bins {
	out := make(Bins, len(image)+len(code))
	for d, b := range image {
		out[d] = b
	}
	for d, b := range code {
		out[d] = b
	}
	return out
}

// readPayloads is the set of payloads a record read (UNDECODED excluded).
func readPayloads(rec *ImageRecord) map[string]bool {
	got := map[string]bool{}
	for _, f := range rec.Findings {
		if f.Symbology != Undecoded {
			got[f.Payload] = true
		}
	}
	return got
}

// sorted lists the tally in print order: dimensions by binOrder then by
// name, bins by the number they start with ("<2.5" < "2.5-4" < ">=4").
func (t binTally) sorted() []BinStat {
	out := make([]BinStat, 0, len(t))
	for _, s := range t {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Dim != b.Dim {
			ra, rb := dimRank(a.Dim), dimRank(b.Dim)
			if ra != rb {
				return ra < rb
			}
			return a.Dim < b.Dim
		}
		return binLess(a.Bin, b.Bin)
	})
	return out
}

func dimRank(dim string) int {
	for i, d := range binOrder {
		if d == dim {
			return i
		}
	}
	return len(binOrder)
}

// binLess orders bins that start with a bound numerically: "<x" before
// "<=x" before "x-y" before ">=x" before ">x"; "none" first; other names
// alphabetically after.
func binLess(a, b string) bool {
	va, ra, oka := binNumber(a)
	vb, rb, okb := binNumber(b)
	switch {
	case oka && okb:
		if va != vb {
			return va < vb
		}
		if ra != rb {
			return ra < rb
		}
		return a < b
	case oka != okb:
		return oka
	}
	return a < b
}

// binNumber reads the bound a bin starts with and where a comparison
// prefix puts it relative to that bound.
func binNumber(bin string) (v float64, rank int, ok bool) {
	if bin == "none" {
		return math.Inf(-1), 0, true
	}
	s := bin
	for _, p := range []struct {
		prefix string
		rank   int
	}{{"<=", -1}, {"≤", -1}, {"<", -2}, {">=", 1}, {"≥", 1}, {">", 2}} {
		if strings.HasPrefix(s, p.prefix) {
			s, rank = s[len(p.prefix):], p.rank
			break
		}
	}
	end := strings.IndexFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	if end == 0 {
		return 0, 0, false
	}
	if end > 0 {
		s = s[:end]
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, rank, err == nil
}

// WriteBins prints bin statistics as a Markdown table.
func WriteBins(w io.Writer, bins []BinStat) {
	if len(bins) == 0 {
		return
	}
	fmt.Fprintln(w, "\n### bins")
	fmt.Fprintln(w, "| dimension | bin | coded images read | codes read | false positives (clean) |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, b := range bins {
		fp := "–"
		if b.Clean > 0 {
			fp = fmt.Sprintf("%d/%d", b.FalsePositives, b.Clean)
		}
		coded, codes := "–", "–"
		if b.Coded > 0 {
			coded, codes = Ratio(b.Read, b.Coded), fmt.Sprintf("%d/%d", b.CodesRead, b.Codes)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", b.Dim, b.Bin, coded, codes, fp)
	}
}
