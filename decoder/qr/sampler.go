package qr

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Reading a QR code from its finder triplet without binarizing the image:
// a perspective transform maps module centres to the plane, the luminance is
// sampled there (bilinear), and the small dim×dim grid of grey values is
// thresholded in a few ways, each handed to Reed–Solomon decoding. A grid of
// 33×33 samples is cheap, so several thresholds, sizes and corner estimates
// cost far less than one binarization of the region.

// pointMapper maps module coordinates to the plane, in place (x, y pairs):
// one perspective transform, or a piecewise one (piecewise.go).
type pointMapper interface{ TransformPoints(pts []float64) }

// sampleGrid fills grid (dim*dim) with the luminance at each module centre
// under t, inverted when the code is light on dark so that dark is low.
// It reports false when too many samples fall outside the plane.
func sampleGrid(p bitmap.Plane, t pointMapper, dim int, dark bool, g *gridBuf) bool {
	grid := g.v
	pts := g.pts[:0]
	for y := 0; y < dim; y++ {
		for x := 0; x < dim; x++ {
			pts = append(pts, float64(x)+0.5, float64(y)+0.5)
		}
	}
	t.TransformPoints(pts)
	outside := 0
	for i := 0; i < dim*dim; i++ {
		x, y := pts[2*i], pts[2*i+1]
		if x < -1 || y < -1 || x > float64(p.W)+1 || y > float64(p.H)+1 || math.IsNaN(x) || math.IsNaN(y) {
			outside++
		}
		v := p.Bilinear(x, y)
		if !dark {
			v = 255 - v
		}
		grid[i] = v
	}
	g.prepare(dim)
	return outside <= dim*dim/10
}

// thresholder cuts a sampled grid into dark (set) and light modules.
type thresholder func(g *gridBuf, dim int, bits *gozxing.BitMatrix)

// gridBuf holds one sampled grid and its summed-area table.
type gridBuf struct {
	v   []float64
	sat []float64
	pts []float64
}

func newGridBuf() *gridBuf {
	return &gridBuf{v: make([]float64, 177*177), sat: make([]float64, 178*178), pts: make([]float64, 0, 2*177*177)}
}

// prepare computes the summed-area table of the first dim*dim values.
func (g *gridBuf) prepare(dim int) {
	w := dim + 1
	for x := 0; x < w; x++ {
		g.sat[x] = 0
	}
	for y := 0; y < dim; y++ {
		row := 0.0
		g.sat[(y+1)*w] = 0
		for x := 0; x < dim; x++ {
			row += g.v[y*dim+x]
			g.sat[(y+1)*w+x+1] = g.sat[y*w+x+1] + row
		}
	}
}

// globalMean cuts at the grid's mean: QR data is about half dark.
func globalMean(g *gridBuf, dim int, bits *gozxing.BitMatrix) {
	cutAt(g.v[:dim*dim], dim, bits, g.sat[dim*(dim+1)+dim]/float64(dim*dim))
}

// localMean cuts each module at the mean of the (2r+1)² modules around it,
// for uneven lighting, gradients and low contrast on part of the code.
func localMean(r int) thresholder {
	return func(g *gridBuf, dim int, bits *gozxing.BitMatrix) {
		bits.Clear()
		w := dim + 1
		for y := 0; y < dim; y++ {
			y0, y1 := max(0, y-r), min(dim, y+r+1)
			for x := 0; x < dim; x++ {
				x0, x1 := max(0, x-r), min(dim, x+r+1)
				s := g.sat[y1*w+x1] - g.sat[y0*w+x1] - g.sat[y1*w+x0] + g.sat[y0*w+x0]
				if g.v[y*dim+x]*float64((x1-x0)*(y1-y0)) < s {
					bits.Set(x, y)
				}
			}
		}
	}
}

// otsu cuts at the threshold that best separates two grey populations.
func otsu(g *gridBuf, dim int, bits *gozxing.BitMatrix) {
	var hist [256]int
	vals := g.v[:dim*dim]
	for _, v := range vals {
		hist[clampInt(int(v), 0, 255)]++
	}
	total := len(vals)
	sum := 0.0
	for i, h := range hist {
		sum += float64(i * h)
	}
	best, bestT, sumB, wB := -1.0, 128.0, 0.0, 0
	for t := 0; t < 256; t++ {
		wB += hist[t]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB, mF := sumB/float64(wB), (sum-sumB)/float64(wF)
		if between := float64(wB) * float64(wF) * (mB - mF) * (mB - mF); between > best {
			best, bestT = between, float64(t)+0.5
		}
	}
	cutAt(vals, dim, bits, bestT)
}

func cutAt(vals []float64, dim int, bits *gozxing.BitMatrix, t float64) {
	bits.Clear()
	for i, v := range vals {
		if v < t {
			bits.Set(i%dim, i/dim)
		}
	}
}

// timingSamples samples the timing patterns (row and column 6 between the
// finders) under t and returns the share of modules that alternate as they
// should, cutting each at the mean of its neighbours along the pattern.
func timingSamples(p bitmap.Plane, t pointMapper, dim int, dark bool, g *gridBuf) float64 {
	n := dim - 16
	if n < 5 {
		return 0
	}
	pts := g.pts[:0]
	for i := 8; i < dim-8; i++ {
		pts = append(pts, float64(i)+0.5, 6.5)
	}
	for i := 8; i < dim-8; i++ {
		pts = append(pts, 6.5, float64(i)+0.5)
	}
	t.TransformPoints(pts)
	v := g.v[:2*n]
	for i := range v {
		v[i] = p.Bilinear(pts[2*i], pts[2*i+1])
		if !dark {
			v[i] = 255 - v[i]
		}
	}
	ok := 0
	for _, line := range [][]float64{v[:n], v[n:]} {
		for i, x := range line {
			lo, hi := max(0, i-2), min(n, i+3)
			s := 0.0
			for _, y := range line[lo:hi] {
				s += y
			}
			wantDark := (i+8)%2 == 0
			if (x*float64(hi-lo) < s) == wantDark {
				ok++
			}
		}
	}
	return float64(ok) / float64(2*n)
}

func clampInt(v, lo, hi int) int { return max(lo, min(hi, v)) }
