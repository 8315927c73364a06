package testfixtures

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"math/rand/v2"
)

// The decoy GIF's codes (issue 22): an allowed platform link first, a
// blocked WeChat link last.
const (
	DecoyAllowedPayload = "https://m.tb.cn/h.decoy0"
	DecoyBlockedPayload = "https://u.wechat.com/decoy49"
	DecoyFrames         = 50
	DecoySide           = 894
)

// DecoyGIF is the decoy animation of issue 22: DecoyFrames frames of
// DecoySide² pixels, frame 0 a QR code to an allowed platform link, frames
// 1–48 noise (random 3×3 blocks of black and white, busy enough that every
// strategy works hard on them), frame 49 a QR code to a WeChat link. A
// scan that stops before the last frame and calls what it read "clean"
// lets the blocked code through on the allowed one's back.
func DecoyGIF() []byte {
	pal := color.Palette{color.Gray{0}, color.Gray{255}}
	r := rand.New(rand.NewPCG(22, 49))
	g := &gif.GIF{Config: image.Config{ColorModel: pal, Width: DecoySide, Height: DecoySide}}
	for i := 0; i < DecoyFrames; i++ {
		var img *image.Paletted
		switch i {
		case 0:
			img = decoyCode(DecoyAllowedPayload, pal)
		case DecoyFrames - 1:
			img = decoyCode(DecoyBlockedPayload, pal)
		default:
			img = blockNoise(r, pal)
		}
		g.Image = append(g.Image, img)
		g.Delay = append(g.Delay, 10)
		g.Disposal = append(g.Disposal, gif.DisposalNone)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		panic(err) // fixed, valid frames: a failure is a bug
	}
	return b.Bytes()
}

// decoyCode is a frame with one QR code of text in its middle.
func decoyCode(text string, pal color.Palette) *image.Paletted {
	img, _ := still(canvas(DecoySide, DecoySide, white), item{qr(text, "M", ""), at(DecoySide/2, DecoySide/2, 8)})
	p := image.NewPaletted(img.Bounds(), pal)
	for y := 0; y < DecoySide; y++ {
		for x := 0; x < DecoySide; x++ {
			if img.Pix[img.PixOffset(x, y)] >= 128 {
				p.Pix[p.PixOffset(x, y)] = 1
			}
		}
	}
	return p
}

// blockNoise is a frame of random 3×3 blocks, black or white.
func blockNoise(r *rand.Rand, pal color.Palette) *image.Paletted {
	p := image.NewPaletted(image.Rect(0, 0, DecoySide, DecoySide), pal)
	const block = 3
	for by := 0; by < DecoySide; by += block {
		for bx := 0; bx < DecoySide; bx += block {
			v := uint8(r.IntN(2))
			for y := by; y < min(by+block, DecoySide); y++ {
				for x := bx; x < min(bx+block, DecoySide); x++ {
					p.Pix[y*p.Stride+x] = v
				}
			}
		}
	}
	return p
}
