package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"

	"golang.org/x/image/bmp"
)

// container is how an image is written: its format, quality and file
// extension.
type container struct {
	Kind    string // bins value: jpeg, jpeg-progressive, webp-lossy, webp-lossless, png, gif, gif-frame2, bmp
	Quality int    // JPEG/WebP quality, 0 for lossless formats
}

func (c container) ext() string {
	switch c.Kind {
	case "jpeg", "jpeg-progressive":
		return "jpg"
	case "webp-lossy", "webp-lossless":
		return "webp"
	case "gif", "gif-frame2":
		return "gif"
	}
	return c.Kind
}

func (c container) tags() []string {
	switch c.Kind {
	case "jpeg":
		return []string{fmt.Sprintf("jpeg:q%d", c.Quality)}
	case "jpeg-progressive":
		return []string{fmt.Sprintf("jpeg:q%d", c.Quality), "progressive"}
	case "webp-lossy":
		return []string{fmt.Sprintf("webp:q%d", c.Quality)}
	case "webp-lossless":
		return []string{"webp:lossless"}
	case "gif-frame2":
		return []string{"gif", "gif-frame2"}
	}
	return []string{c.Kind}
}

func (c container) qualityBin() string {
	switch {
	case c.Quality == 0:
		return "lossless"
	case c.Quality < 40:
		return "<40"
	case c.Quality < 70:
		return "40-70"
	}
	return ">=70"
}

// externalTools are the Debian programs some containers are written
// with (libjpeg-turbo-progs, webp).
var externalTools = []string{"cjpeg", "cwebp"}

func checkTools() error {
	for _, t := range externalTools {
		if _, err := exec.LookPath(t); err != nil {
			return fmt.Errorf("%s not found: install it with `apt-get install -y libjpeg-turbo-progs webp`", t)
		}
	}
	return nil
}

// encode writes img (and, for gif-frame2, the first frame before) in
// the container's format. tmp is a scratch directory for the external
// encoders, which read files.
func encode(c container, img, first *image.RGBA, tmp string) ([]byte, error) {
	var buf bytes.Buffer
	switch c.Kind {
	case "jpeg":
		err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: c.Quality})
		return buf.Bytes(), err
	case "jpeg-progressive":
		return runTool(tmp, img, "ppm", "cjpeg", "-quality", fmt.Sprint(c.Quality), "-progressive", "-optimize")
	case "webp-lossy":
		return runTool(tmp, img, "png", "cwebp", "-quiet", "-q", fmt.Sprint(c.Quality))
	case "webp-lossless":
		return runTool(tmp, img, "png", "cwebp", "-quiet", "-lossless")
	case "png":
		err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
		return buf.Bytes(), err
	case "bmp":
		err := bmp.Encode(&buf, img)
		return buf.Bytes(), err
	case "gif":
		err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{quantize(img)}, Delay: []int{0}})
		return buf.Bytes(), err
	case "gif-frame2":
		err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{quantize(first), quantize(img)}, Delay: []int{60, 60}})
		return buf.Bytes(), err
	}
	return nil, fmt.Errorf("unknown container %q", c.Kind)
}

// runTool writes img to a scratch file and runs an encoder over it, whose
// standard output (cjpeg) or -o file (cwebp) is the result.
func runTool(tmp string, img *image.RGBA, format, tool string, args ...string) ([]byte, error) {
	f, err := os.CreateTemp(tmp, "in-*."+format)
	if err != nil {
		return nil, err
	}
	in := f.Name()
	defer os.Remove(in)
	if format == "ppm" {
		err = writePPM(f, img)
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(f, img)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	var stderr bytes.Buffer
	var cmd *exec.Cmd
	outFile := ""
	if tool == "cwebp" {
		outFile = filepath.Join(tmp, filepath.Base(in)+".webp")
		defer os.Remove(outFile)
		cmd = exec.Command(tool, append(args, in, "-o", outFile)...)
	} else {
		cmd = exec.Command(tool, append(args, in)...)
		cmd.Stdout = &out
	}
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", tool, err, stderr.String())
	}
	if outFile != "" {
		return os.ReadFile(outFile)
	}
	return out.Bytes(), nil
}

func writePPM(f *os.File, img *image.RGBA) error {
	b := img.Bounds()
	buf := make([]byte, 0, 3*b.Dx()*b.Dy()+32)
	buf = fmt.Appendf(buf, "P6\n%d %d\n255\n", b.Dx(), b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):]
		for x := 0; x < b.Dx(); x++ {
			buf = append(buf, row[4*x], row[4*x+1], row[4*x+2])
		}
	}
	_, err := f.Write(buf)
	return err
}

// gifPalette is a 6x6x6 colour cube and 40 further greys: codes are
// mostly grey, and their contrast must survive the palette.
var gifPalette = func() color.Palette {
	p := make(color.Palette, 0, 256)
	for r := 0; r < 6; r++ {
		for g := 0; g < 6; g++ {
			for b := 0; b < 6; b++ {
				p = append(p, color.RGBA{uint8(51 * r), uint8(51 * g), uint8(51 * b), 255})
			}
		}
	}
	for i := 0; i < 40; i++ {
		v := uint8(3 + i*255/41)
		p = append(p, color.RGBA{v, v, v, 255})
	}
	return p
}()

// quantize maps img to gifPalette with Floyd–Steinberg error diffusion,
// finding the nearest entry arithmetically (cube cell or grey ramp).
func quantize(img *image.RGBA) *image.Paletted {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewPaletted(image.Rect(0, 0, w, h), gifPalette)
	errCur := make([]float64, 3*(w+2))
	errNext := make([]float64, 3*(w+2))
	for y := 0; y < h; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := 0; x < w; x++ {
			var v [3]float64
			for c := 0; c < 3; c++ {
				v[c] = min(max(float64(row[4*x+c])+errCur[3*(x+1)+c], 0), 255)
			}
			idx := nearest(v)
			out.Pix[y*out.Stride+x] = idx
			pc := gifPalette[idx].(color.RGBA)
			q := [3]float64{float64(pc.R), float64(pc.G), float64(pc.B)}
			for c := 0; c < 3; c++ {
				e := v[c] - q[c]
				errCur[3*(x+2)+c] += e * 7 / 16
				errNext[3*x+c] += e * 3 / 16
				errNext[3*(x+1)+c] += e * 5 / 16
				errNext[3*(x+2)+c] += e * 1 / 16
			}
		}
		errCur, errNext = errNext, errCur
		clear(errNext)
	}
	return out
}

func nearest(v [3]float64) uint8 {
	r, g, b := int(v[0]/51+0.5), int(v[1]/51+0.5), int(v[2]/51+0.5)
	cube := uint8(36*r + 6*g + b)
	cd := sq(v[0]-float64(51*r)) + sq(v[1]-float64(51*g)) + sq(v[2]-float64(51*b))
	y := (v[0] + v[1] + v[2]) / 3
	gi := min(max(int((y-3)*41/255+0.5), 0), 39)
	gv := float64(3 + gi*255/41)
	gd := sq(v[0]-gv) + sq(v[1]-gv) + sq(v[2]-gv)
	if gd < cd {
		return uint8(216 + gi)
	}
	return cube
}

func sq(x float64) float64 { return x * x }
