package image

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"os"
	"path/filepath"
	"testing"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// referenceGIF is how frames were read before: image/gif's DecodeAll, each
// frame drawn over an RGBA screen (white at first), disposal honoured,
// the screen's luminance taken after each frame.
func referenceGIF(data []byte) ([]bitmap.Plane, error) {
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	bounds := image.Rect(0, 0, g.Config.Width, g.Config.Height)
	canvas := image.NewRGBA(bounds)
	draw.Draw(canvas, bounds, image.White, image.Point{}, draw.Src)
	var frames []bitmap.Plane
	for i, fr := range g.Image {
		var prev *image.RGBA
		if g.Disposal[i] == gif.DisposalPrevious {
			prev = image.NewRGBA(bounds)
			copy(prev.Pix, canvas.Pix)
		}
		draw.Draw(canvas, fr.Bounds(), fr, fr.Bounds().Min, draw.Over)
		frames = append(frames, Luma(canvas))
		switch g.Disposal[i] {
		case gif.DisposalBackground:
			draw.Draw(canvas, fr.Bounds(), image.White, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			canvas = prev
		}
	}
	return frames, nil
}

// animated is a GIF of frames at offsets, with local palettes, a
// transparent index and each disposal method.
func animated() []byte {
	pal := color.Palette{color.White, color.Black, color.RGBA{200, 30, 30, 255}, color.RGBA{}}
	g := &gif.GIF{Config: image.Config{Width: 40, Height: 30, ColorModel: pal}}
	disposals := []byte{gif.DisposalNone, gif.DisposalBackground, gif.DisposalPrevious, gif.DisposalNone, gif.DisposalPrevious}
	for i, d := range disposals {
		r := image.Rect(3*i, 2*i, 3*i+20, 2*i+15)
		p := pal
		if i == 3 {
			p = color.Palette{color.RGBA{10, 200, 10, 255}, color.RGBA{}, color.Gray{90}}
		}
		m := image.NewPaletted(r, p)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				m.SetColorIndex(x, y, uint8((x*7+y*3+i)%len(p)))
			}
		}
		g.Image = append(g.Image, m)
		g.Delay = append(g.Delay, 1)
		g.Disposal = append(g.Disposal, d)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func sameFrames(got, want []bitmap.Plane) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d frames, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].W != want[i].W || got[i].H != want[i].H {
			return fmt.Errorf("frame %d: %dx%d, want %dx%d", i, got[i].W, got[i].H, want[i].W, want[i].H)
		}
		if d := lumaDiff(got[i], want[i]); d > 1 {
			return fmt.Errorf("frame %d: luminance differs by %d levels", i, d)
		}
	}
	return nil
}

// TestGIFFramesMatchDrawComposition: frames composited on the 8-bit screen
// are those of image/gif drawn over an RGBA screen — disposal (none,
// background, previous), transparency, local palettes, frames at offsets,
// and the committed GIF fixtures.
func TestGIFFramesMatchDrawComposition(t *testing.T) {
	inputs := map[string][]byte{"animated": animated(), "interlaced": interlacedGIF()}
	files, _ := filepath.Glob("../../testdata/images/*.gif")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			inputs[filepath.Base(p)] = b
		}
	}
	for name, data := range inputs {
		info, err := Inspect(data)
		if err == nil && info.Width*info.Height > 1<<20 {
			continue // the bombs: Limits.Check refuses them before decoding
		}
		want, werr := referenceGIF(data)
		if err != nil {
			if werr == nil {
				t.Errorf("%s: Inspect: %v", name, err)
			}
			continue
		}
		got, err := decodeGIF(data, info, never)
		if (err != nil) != (werr != nil) {
			t.Errorf("%s: error %v, image/gif's %v", name, err, werr)
			continue
		}
		if err := sameFrames(got, want); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// interlacedGIF is animated()'s first frame stored interlaced (the flag
// set and the rows reordered), which image/gif reads but does not write.
func interlacedGIF() []byte {
	m := image.NewPaletted(image.Rect(0, 0, 7, 13), color.Palette{color.White, color.Black, color.Gray{128}})
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 5 % 3)
	}
	stored := image.NewPaletted(m.Rect, m.Palette)
	rows := displayRows(13, true)
	for y := 0; y < 13; y++ {
		copy(stored.Pix[rows(y)*7:rows(y)*7+7], m.Pix[y*7:y*7+7])
	}
	var b bytes.Buffer
	if err := gif.Encode(&b, stored, nil); err != nil {
		panic(err)
	}
	data := b.Bytes()
	// The image descriptor follows the global colour table (4 entries).
	desc := bytes.IndexByte(data[13+12:], 0x2C) + 13 + 12
	data[desc+9] |= 0x40
	return data
}

// TestGIFManyFramesBounded (issue 22): a 50-frame 512×512 GIF — the decoy
// had 50 frames of 894×894 — holds one index buffer and one screen besides its
// frames' planes, whatever each frame's palette; and its work is pixels ×
// frames.
func TestGIFManyFramesBounded(t *testing.T) {
	data := testfixtures.NoiseGIF(512, 512, 50, 1)
	info, err := Inspect(data)
	if err != nil || info.Frames != 50 || info.Work != 512*512*50 {
		t.Fatalf("Inspect = %+v, %v; want 50 frames and %d pixel-passes", info, err, 512*512*50)
	}
	px := int64(512 * 512)
	var frames []bitmap.Plane
	allocated := allocatedBy(func() { _, frames, err = Open(context.Background(), data, defaultLimits) })
	if err != nil || len(frames) != 50 {
		t.Fatalf("%d frames, %v", len(frames), err)
	}
	// 50 planes, the screen, the index buffer, the LZW decoder.
	if bound := 52*px + 1<<20; allocated > bound {
		t.Errorf("decoding allocated %d bytes, want at most %d (50 RGBA frames would be %d)", allocated, bound, 4*50*px)
	}
	if info.Bytes < allocated {
		t.Errorf("Inspect estimates %d bytes; the decode allocated %d", info.Bytes, allocated)
	}
	calls := 0
	if _, err := decodeGIF(data, info, func() error { calls++; return nil }); err != nil || calls != 50 {
		t.Errorf("checked its interrupt %d times for 50 frames (%v)", calls, err)
	}
}
