package main

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // the photographs are JPEG
	"math/rand/v2"
	"os"
	"strings"
	"sync"
)

// photoPackages are the Debian packages whose photographs the images
// are made from, and the files taken from each (paths as installed).
// Only photographs: drawn or rendered wallpapers are left out.
var photoPackages = []struct {
	pkg   string
	files []string
}{
	{"mate-backgrounds", prefixed("/usr/share/backgrounds/mate/nature/",
		"Aqua.jpg", "Blinds.jpg", "Dune.jpg", "FreshFlower.jpg", "Garden.jpg", "GreenMeadow.jpg",
		"LadyBird.jpg", "RainDrops.jpg", "Storm.jpg", "TwoWings.jpg", "Wood.jpg", "YellowFlower.jpg")},
	{"plasma-workspace-wallpapers", kdeWallpapers(
		"BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf",
		"Grey", "Kite", "OneStandsOut", "Path", "summer_1am")},
}

func prefixed(dir string, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = dir + n
	}
	return out
}

func kdeWallpapers(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "/usr/share/wallpapers/" + n + "/contents/images/2560x1600.jpg"
	}
	return out
}

// photoSet loads the photographs lazily, each once, whatever the worker.
type photoSet struct {
	paths []string
	once  []sync.Once
	imgs  []*image.RGBA
	errs  []error
}

// openPhotos checks that every photograph is installed, naming the
// packages to install when one is not: nothing is fetched at run time.
func openPhotos() (*photoSet, error) {
	var paths, missing []string
	pkgs := map[string]bool{}
	for _, p := range photoPackages {
		for _, f := range p.files {
			if _, err := os.Stat(f); err != nil {
				missing = append(missing, f)
				pkgs[p.pkg] = true
			}
			paths = append(paths, f)
		}
	}
	if len(missing) > 0 {
		var names []string
		for _, p := range photoPackages {
			if pkgs[p.pkg] {
				names = append(names, p.pkg)
			}
		}
		return nil, fmt.Errorf("%d photographs missing (first %s): install them with `apt-get install -y %s`",
			len(missing), missing[0], strings.Join(names, " "))
	}
	n := len(paths)
	return &photoSet{paths: paths, once: make([]sync.Once, n), imgs: make([]*image.RGBA, n), errs: make([]error, n)}, nil
}

func (ps *photoSet) get(i int) (*image.RGBA, error) {
	ps.once[i].Do(func() {
		f, err := os.Open(ps.paths[i])
		if err != nil {
			ps.errs[i] = err
			return
		}
		defer f.Close()
		im, _, err := image.Decode(f)
		if err != nil {
			ps.errs[i] = fmt.Errorf("%s: %w", ps.paths[i], err)
			return
		}
		rgba := image.NewRGBA(im.Bounds().Sub(im.Bounds().Min))
		draw.Draw(rgba, rgba.Bounds(), im, im.Bounds().Min, draw.Src)
		ps.imgs[i] = rgba
	})
	return ps.imgs[i], ps.errs[i]
}

// backdrop crops a random part of a random photograph to w x h, scaling
// it bilinearly (up or down).
func (ps *photoSet) backdrop(rng *rand.Rand, w, h int) (*image.RGBA, int, error) {
	idx := rng.IntN(len(ps.paths))
	src, err := ps.get(idx)
	if err != nil {
		return nil, idx, err
	}
	if src.Bounds().Empty() {
		return nil, idx, errors.New("empty photograph")
	}
	sw, sh := float64(src.Bounds().Dx()), float64(src.Bounds().Dy())
	aspect := float64(w) / float64(h)
	cw := min(sw, sh*aspect) * (0.45 + 0.55*rng.Float64())
	ch := cw / aspect
	ox, oy := rng.Float64()*(sw-cw), rng.Float64()*(sh-ch)
	flip := rng.IntN(2) == 0
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	sx, sy := cw/float64(w), ch/float64(h)
	maxX, maxY := src.Bounds().Dx()-1, src.Bounds().Dy()-1
	for y := 0; y < h; y++ {
		fy := oy + (float64(y)+0.5)*sy - 0.5
		y0 := min(max(int(fy), 0), maxY)
		y1 := min(y0+1, maxY)
		ty := min(max(fy-float64(y0), 0), 1)
		row := dst.Pix[y*dst.Stride:]
		for x := 0; x < w; x++ {
			xx := x
			if flip {
				xx = w - 1 - x
			}
			fx := ox + (float64(xx)+0.5)*sx - 0.5
			x0 := min(max(int(fx), 0), maxX)
			x1 := min(x0+1, maxX)
			tx := min(max(fx-float64(x0), 0), 1)
			a, b := src.PixOffset(x0, y0), src.PixOffset(x1, y0)
			c, d := src.PixOffset(x0, y1), src.PixOffset(x1, y1)
			for k := 0; k < 3; k++ {
				top := float64(src.Pix[a+k])*(1-tx) + float64(src.Pix[b+k])*tx
				bot := float64(src.Pix[c+k])*(1-tx) + float64(src.Pix[d+k])*tx
				row[4*x+k] = uint8(top*(1-ty) + bot*ty + 0.5)
			}
			row[4*x+3] = 255
		}
	}
	return dst, idx, nil
}
