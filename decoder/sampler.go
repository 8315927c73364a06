package decoder

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
)

// Reading a QR code from its finder triplet without binarizing the image:
// a perspective transform maps module centres to the plane, the luminance is
// sampled there (bilinear), and the small dim×dim grid of grey values is
// thresholded in a few ways, each handed to Reed–Solomon decoding. A grid of
// 33×33 samples is cheap, so several thresholds, sizes and corner estimates
// cost far less than one binarization of the region.

// bilinear samples p at (x, y), clamping at the borders.
func (p plane) bilinear(x, y float64) float64 {
	x -= 0.5
	y -= 0.5
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	x0c, x1c := clampInt(x0, 0, p.w-1), clampInt(x0+1, 0, p.w-1)
	y0c, y1c := clampInt(y0, 0, p.h-1), clampInt(y0+1, 0, p.h-1)
	r0, r1 := p.pix[y0c*p.stride:], p.pix[y1c*p.stride:]
	top := float64(r0[x0c])*(1-fx) + float64(r0[x1c])*fx
	bot := float64(r1[x0c])*(1-fx) + float64(r1[x1c])*fx
	return top*(1-fy) + bot*fy
}

func clampInt(v, lo, hi int) int { return max(lo, min(hi, v)) }

// sampleGrid fills grid (dim*dim) with the luminance at each module centre
// under t, inverted when the code is light on dark so that dark is low.
// It reports false when too many samples fall outside the plane.
func sampleGrid(p plane, t *common.PerspectiveTransform, dim int, dark bool, grid []float64, pts []float64) bool {
	pts = pts[:0]
	for y := 0; y < dim; y++ {
		for x := 0; x < dim; x++ {
			pts = append(pts, float64(x)+0.5, float64(y)+0.5)
		}
	}
	t.TransformPoints(pts)
	outside := 0
	for i := 0; i < dim*dim; i++ {
		x, y := pts[2*i], pts[2*i+1]
		if x < -1 || y < -1 || x > float64(p.w)+1 || y > float64(p.h)+1 || math.IsNaN(x) || math.IsNaN(y) {
			outside++
		}
		v := p.bilinear(x, y)
		if !dark {
			v = 255 - v
		}
		grid[i] = v
	}
	return outside <= dim*dim/10
}

// thresholds are the ways a sampled grid is cut into dark and light modules.
type thresholder func(grid []float64, dim int, bits *gozxing.BitMatrix)

// globalMean cuts at the grid's mean: QR data is about half dark.
func globalMean(grid []float64, dim int, bits *gozxing.BitMatrix) {
	s := 0.0
	for _, v := range grid {
		s += v
	}
	cut(grid, dim, bits, func(int, int) float64 { return s / float64(len(grid)) })
}

// localMean cuts each module at the mean of the modules around it, for
// uneven lighting, gradients and low contrast on part of the code.
func localMean(r int) thresholder {
	return func(grid []float64, dim int, bits *gozxing.BitMatrix) {
		// summed-area table
		sat := make([]float64, (dim+1)*(dim+1))
		for y := 0; y < dim; y++ {
			row := 0.0
			for x := 0; x < dim; x++ {
				row += grid[y*dim+x]
				sat[(y+1)*(dim+1)+x+1] = sat[y*(dim+1)+x+1] + row
			}
		}
		cut(grid, dim, bits, func(x, y int) float64 {
			x0, y0 := max(0, x-r), max(0, y-r)
			x1, y1 := min(dim, x+r+1), min(dim, y+r+1)
			s := sat[y1*(dim+1)+x1] - sat[y0*(dim+1)+x1] - sat[y1*(dim+1)+x0] + sat[y0*(dim+1)+x0]
			return s / float64((x1-x0)*(y1-y0))
		})
	}
}

// otsu cuts at the threshold that best separates two grey populations.
func otsu(grid []float64, dim int, bits *gozxing.BitMatrix) {
	var hist [256]int
	for _, v := range grid {
		hist[clampInt(int(v), 0, 255)]++
	}
	total := len(grid)
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
	cut(grid, dim, bits, func(int, int) float64 { return bestT })
}

func cut(grid []float64, dim int, bits *gozxing.BitMatrix, thr func(x, y int) float64) {
	bits.Clear()
	for y := 0; y < dim; y++ {
		for x := 0; x < dim; x++ {
			if grid[y*dim+x] < thr(x, y) {
				bits.Set(x, y)
			}
		}
	}
}
