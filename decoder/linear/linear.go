// Package linear reads 1-D product barcodes (EAN-13) along scanlines of
// a binarized plane: the detector is the choice of lines (those crossing
// enough busy blocks and showing enough changes), the decoder gozxing's
// EAN-13 row reader on each line, binarized on its own.
package linear

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Product barcodes (EAN-13) are read along scanlines of the binarized plane:
// rows, then columns, each also reversed (upside down). A 1-D reader fed
// noise sometimes returns a checksum-valid number, so a code counts only when
// at least two scanlines agree on it. Lines at up to 45° from a bar code's
// axis still cross every bar, so rows and columns cover every rotation.

type rowDecoder interface {
	DecodeRow(rowNumber int, row *gozxing.BitArray, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error)
}

// minLinearChanges is the fewest dark/light changes a line through an EAN-13
// can show (it has 59 edges; blur and binarization may merge a few).
const minLinearChanges = 40

// minLinearBlocks is how many busy blocks a line must cross: an EAN-13 is
// 95 modules wide, and unreadable under about a pixel a module.
const minLinearBlocks = 8

// minLinearVotes is how many scanlines must read the same barcode.
const minLinearVotes = 2

// Host is what the scanlines need from the scan that runs them.
type Host interface {
	// Expired reports whether the scan's budget or deadline has run out.
	Expired() bool
	// Attempt runs one decode, containing a panic inside it.
	Attempt(decode func())
}

// Read is an EAN-13 code read along enough scanlines.
type Read struct {
	Text    string
	Corners [][2]int // the ends of the first line that read it, in plane pixels
}

type linearRead struct {
	votes   int
	corners [][2]int
}

// Scan scans the plane's rows and columns for EAN-13 codes. Each
// line is binarized on its own with gozxing's global-histogram row
// binarizer, which copes with the wide bars and heavy JPEG artefacts of
// product photos better than a 2-D local threshold.
//
// A line with fewer dark/light changes (under t) than a barcode has bars is
// not worth decoding.
//
// busy marks the bitmap.RegionBlock-sized blocks with many changes (from the
// full-resolution finder scan); a line must cross enough of them to be
// looked at pixel by pixel, which skips most lines of a photo for the cost
// of a walk in block steps.
func Scan(s Host, t *bitmap.Thresholds, busy []bool, bw int) []Read {
	p := t.P
	w, h := p.W, p.H
	reader, ok := oned.NewEAN13Reader().(rowDecoder)
	if !ok {
		return nil
	}
	reads := map[string]*linearRead{}
	var order []string
	record := func(r *gozxing.Result, toImage func(x float64) [2]int) {
		text := r.GetText()
		lr := reads[text]
		if lr == nil {
			pts := r.GetResultPoints()
			var cs [][2]int
			if len(pts) >= 2 {
				cs = [][2]int{toImage(pts[0].GetX()), toImage(pts[len(pts)-1].GetX())}
			}
			lr = &linearRead{corners: cs}
			reads[text] = lr
			order = append(order, text)
		}
		lr.votes++
	}
	buf := make([]byte, max(w, h))
	// line reads n pixels from (x0, y0) in steps of (dx, dy).
	line := func(n, x0, y0, dx, dy int, toImage func(x float64) [2]int) {
		if busy != nil {
			crossed := 0
			for i, x, y := 0, x0, y0; i < n; i, x, y = i+bitmap.RegionBlock, x+bitmap.RegionBlock*dx, y+bitmap.RegionBlock*dy {
				if bx, by := x/bitmap.RegionBlock, y/bitmap.RegionBlock; bx < bw && by*bw+bx < len(busy) && busy[by*bw+bx] {
					crossed++
				}
			}
			if crossed < minLinearBlocks {
				return
			}
		}
		changes := 0
		prev := t.Dark(x0, y0)
		for i, x, y := 0, x0, y0; i < n; i, x, y = i+1, x+dx, y+dy {
			d := t.Dark(x, y)
			changes += int(d ^ prev)
			prev = d
			buf[i] = p.Pix[y*p.Stride+x]
		}
		if changes < minLinearChanges {
			return
		}
		src, err := gozxing.NewPlanarYUVLuminanceSource(buf[:n], n, 1, 0, 0, n, 1, false)
		if err != nil {
			return
		}
		row, err := gozxing.NewGlobalHistgramBinarizer(src).GetBlackRow(0, nil)
		if err != nil {
			return
		}
		s.Attempt(func() {
			if r, err := reader.DecodeRow(0, row, nil); err == nil {
				record(r, toImage)
				return
			}
			row.Reverse()
			if r, err := reader.DecodeRow(0, row, nil); err == nil {
				record(r, func(x float64) [2]int { return toImage(float64(n-1) - x) })
			}
		})
	}
	step := max(6, min(w, h)/50)
	for y := step / 2; y < h && !s.Expired(); y += step {
		line(w, 0, y, 1, 0, func(x float64) [2]int { return [2]int{int(x), y} })
	}
	for x := step / 2; x < w && !s.Expired(); x += step {
		line(h, x, 0, 0, 1, func(y float64) [2]int { return [2]int{x, int(y)} })
	}
	// Diagonals (both ways), for codes turned 20–70°: a row or column no
	// longer crosses the whole symbol there.
	for c := -h + step/2; c < w && !s.Expired(); c += step {
		x0, y0 := max(c, 0), max(-c, 0) // along (1, 1)
		n := min(w-x0, h-y0)
		if n >= 60 {
			line(n, x0, y0, 1, 1,
				func(t float64) [2]int { return [2]int{x0 + int(t), y0 + int(t)} })
		}
		x1, y1 := max(c, 0), min(h-1, h-1+c) // along (1, -1), from the bottom edge
		if c > 0 {
			y1 = h - 1
		}
		m := min(w-x1, y1+1)
		if m >= 60 {
			line(m, x1, y1, 1, -1,
				func(t float64) [2]int { return [2]int{x1 + int(t), y1 - int(t)} })
		}
	}
	var out []Read
	for _, text := range order {
		if lr := reads[text]; lr.votes >= minLinearVotes {
			out = append(out, Read{Text: text, Corners: lr.corners})
		}
	}
	return out
}
