package qr

import "sort"

// Two finders of three: sellers hide one finder pattern of a QR code under
// a sticker, a logo or another card, which defeats every reader that needs
// three. Two visible finders of the same polarity and module size fix the
// code's square up to which of them are which: they are one side of it
// (the third finder off either end, turned either way) or its diagonal (the
// third off the middle). Each placement is tried as a triplet; the timing
// patterns reject wrong ones cheaply, and Reed–Solomon decoding, which must
// succeed, rules out a false read (the hidden finder's modules are the
// code's fixed pattern, so they cost no data).

const (
	// maxPairCandidates: the best-ranked candidates of a level paired with
	// each other (a printed finder ranks high: strong contrast, many rows).
	maxPairCandidates = 8
	// maxPairAttempts bounds the pairs tried per level.
	maxPairAttempts = 6
	// minPairRows: a finder paired without its third must be confirmed on
	// several rows (a printed one is; texture rarely is).
	minPairRows = 3
)

type finderPair struct {
	a, b  candidate
	score float64 // lower is better
}

// plausiblePairs lists candidate pairs that could be two finders of one
// code, best first: same polarity, module sizes within 1.5×, and centres
// 14 to 240 modules apart (a side of a 21- to 177-module code, or its
// diagonal).
func plausiblePairs(cands []candidate) []finderPair {
	var out []finderPair
	for i := range cands {
		for j := i + 1; j < len(cands); j++ {
			a, b := cands[i], cands[j]
			mn, mx := min(a.m, b.m), max(a.m, b.m)
			if a.dark != b.dark || mx > 1.5*mn || !a.strict && !b.strict {
				continue
			}
			d := dist(a, b) / ((a.m + b.m) / 2)
			if d < 14 || d > 240 {
				continue
			}
			// rank order of the candidates first, module agreement second
			out = append(out, finderPair{a: a, b: b, score: float64(i+j) + (mx/mn-1)*4})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score < out[j].score })
	return out
}

// completions are the third-finder positions two finders a and b imply:
// off either end of the side ab, turned either way, and off the middle of
// the diagonal ab, either side.
func completions(a, b candidate) []candidate {
	dx, dy := b.x-a.x, b.y-a.y
	mx, my := (a.x+b.x)/2, (a.y+b.y)/2
	at := func(x, y float64) candidate {
		return candidate{x: x, y: y, m: (a.m + b.m) / 2, dark: a.dark, count: 1}
	}
	return []candidate{
		at(a.x-dy, a.y+dx), at(a.x+dy, a.y-dx),
		at(b.x-dy, b.y+dx), at(b.x+dy, b.y-dx),
		at(mx-dy/2, my+dx/2), at(mx+dy/2, my-dx/2),
	}
}
