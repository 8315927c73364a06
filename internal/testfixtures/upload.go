package testfixtures

import (
	"bytes"
	"image"
	"image/color"
	"image/png"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// QRPNG is a size×size greyscale PNG of a QR code of content drawn by
// gozxing's writer, with its quiet zone: the simplest upload that holds a
// code.
func QRPNG(content string, size int) []byte {
	m, err := qrcode.NewQRCodeWriter().Encode(content, gozxing.BarcodeFormat_QR_CODE, size, size, nil)
	if err != nil {
		panic(err) // a fixed test input that gozxing cannot encode is a bug
	}
	img := image.NewGray(image.Rect(0, 0, m.GetWidth(), m.GetHeight()))
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if !m.Get(x, y) {
				img.Pix[y*img.Stride+x] = 255
			}
		}
	}
	return encodePNG(img)
}

// QRPhoto draws a QR code of payload onto a w×h "photo" and returns the PNG
// and the code's corners in image pixels (what the decoder would report).
func QRPhoto(payload string, w, h int, seed byte) ([]byte, [][2]int) {
	bm, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		panic(err) // a fixed test input that gozxing cannot encode is a bug
	}
	n := bm.GetWidth()
	mod := (h / 2) / n
	ox, oy := w/2+int(seed%3)*20-20, h/4
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// A soft backdrop with a "product" box on the left.
			c := color.RGBA{uint8(225 - y/12), uint8(228 - y/14), uint8(235 - x/40 + int(seed)), 255}
			if x > 50 && x < 250 && y > 120 && y < 400 {
				c = color.RGBA{uint8(70 + int(seed)*20), 90, 140, 255}
			}
			img.Set(x, y, c)
		}
	}
	quiet := 2 * mod
	for y := oy - quiet; y < oy+n*mod+quiet; y++ {
		for x := ox - quiet; x < ox+n*mod+quiet; x++ {
			img.Set(x, y, color.White)
		}
	}
	for my := 0; my < n; my++ {
		for mx := 0; mx < n; mx++ {
			if !bm.Get(mx, my) {
				continue
			}
			for y := 0; y < mod; y++ {
				for x := 0; x < mod; x++ {
					img.Set(ox+mx*mod+x, oy+my*mod+y, color.Black)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // a fixed test input that gozxing cannot encode is a bug
	}
	s := n * mod
	return b.Bytes(), [][2]int{{ox, oy}, {ox + s, oy}, {ox + s, oy + s}, {ox, oy + s}}
}
