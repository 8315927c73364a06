package thumbs

import (
	"errors"
	"fmt"
	"html"
	"unicode/utf8"

	"github.com/qrgate/qrgate/decoder/image"
)

// reasons are the placeholder's words for why, the same codes as the
// scan's image errors (docs/api.md), which the marketplace's tools read.
var reasons = map[image.Kind]string{
	image.Unsupported:   "unsupported",
	image.Corrupt:       "corrupt",
	image.Truncated:     "truncated",
	image.TooLarge:      "too_large",
	image.TooManyFrames: "too_many_frames",
	image.TooComplex:    "too_complex",
	image.Interrupted:   "timeout",
}

// reasonOf is err's code ("corrupt" for an error that is not an image's).
func reasonOf(err error) string {
	var ie *image.Error
	if errors.As(err, &ie) {
		if r, ok := reasons[ie.Kind]; ok {
			return r
		}
	}
	return "corrupt"
}

// maxMessage bounds the message shown (the image's own words can be long).
const maxMessage = 160

// placeholder is an SVG of the thumbnail's size (a 4:3 box when the
// header was not read) saying why there is no thumbnail. Everything in
// it is escaped: the message can quote the image's own bytes.
func placeholder(info image.Info, side int, err error) Thumb {
	w, h := side, side*3/4
	if info.Width > 0 && info.Height > 0 {
		w, h = fit(info.Width, info.Height, side)
		w, h = max(w, side/4), max(h, side/8) // room for the words
	}
	reason := reasonOf(err)
	msg := err.Error()
	if len(msg) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	font := max(10, min(w, h)/16)
	body := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+
		`<rect width="100%%" height="100%%" fill="#eeeeee" stroke="#999999"/>`+
		`<text x="50%%" y="45%%" text-anchor="middle" font-family="sans-serif" font-size="%d" fill="#333333">no thumbnail: %s</text>`+
		`<text x="50%%" y="60%%" text-anchor="middle" font-family="sans-serif" font-size="%d" fill="#666666">%s</text>`+
		`</svg>`, w, h, w, h, font, html.EscapeString(reason), max(8, font*2/3), html.EscapeString(msg))
	return Thumb{Body: []byte(body), ContentType: "image/svg+xml", Reason: reason}
}
