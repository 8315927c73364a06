// Package scan composes the decoder and the policy: a listing's image bytes
// and texts in, findings and a verdict out. Scan is the one composition of a
// listing: `qrgate scan` and the gateway's POST /v1/scan both call it, each
// passing its own way of decoding images (the CLI decodes directly, the
// gateway through its cache and worker pool), so their findings are
// identical.
package scan

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/policy"
)

// ErrUnreadable is the error code of an image whose bytes could not be read
// at all (a file that cannot be opened): it never reached the decoder.
const ErrUnreadable decoder.ErrorCode = "unreadable"

// ImageError is the contract's error object of an unreadable image.
type ImageError struct {
	Code    decoder.ErrorCode `json:"code"`
	Message string            `json:"message"`
}

// Input is what a listing is made of, and how many findings each of its
// texts lists (0: policy.DefaultMaxTextFindings).
type Input struct {
	Texts           []string
	Images          [][]byte
	MaxTextFindings int
}

// Decoded is one image's decode outcome as a Decode returns it. Result and
// Err are the decoder's (Err may be a *decoder.Error; any other error counts
// as corrupt).
type Decoded struct {
	Result  *decoder.Result
	Err     error
	Cached  bool          // the outcome of an earlier decode of the same bytes
	Elapsed time.Duration // how long the image took, waiting included
}

// Decode decodes a listing's images: out[i] is images[i]'s outcome. A problem
// with one image is that image's Err; an error means the listing as a whole
// was refused (an overloaded pool) and nothing of it is used.
type Decode func(ctx context.Context, images [][]byte) ([]Decoded, error)

// Direct decodes images one after another with dec, caching nothing.
func Direct(dec *decoder.Decoder) Decode {
	return func(ctx context.Context, images [][]byte) ([]Decoded, error) {
		out := make([]Decoded, len(images))
		for i, data := range images {
			start := time.Now()
			res, err := dec.Decode(ctx, data)
			out[i] = Decoded{Result: res, Err: err, Elapsed: time.Since(start)}
		}
		return out, nil
	}
}

// Listing is a scanned listing under one policy.
type Listing struct {
	Verdict  policy.Action
	Findings []policy.Finding // every image's, in image order, then every text's
	Images   []Image
}

// Image is the outcome of scanning one image.
type Image struct {
	Index    int
	Format   string
	Width    int
	Height   int
	Frames   int
	Codes    int // codes decoded or seen (UNDECODED included)
	Error    *ImageError
	Partial  bool
	Work     decoder.Work // what the decoder's strategies were charged
	Cached   bool
	Elapsed  time.Duration
	Findings []policy.Finding
}

// Scan composes a listing under pol: its images decoded by decode and
// classified, its texts scanned, and the verdict of all their findings. An
// unreadable image is not an error: it gets Error and one IMAGE_ERROR finding
// whose action is the policy's on_image_error. An image whose scan was cut
// short (Partial) gets the timeout Error and that IMAGE_ERROR finding beside
// the codes it did read. Scan fails only when decode refuses the listing.
func Scan(ctx context.Context, pol *policy.Policy, in Input, decode Decode) (*Listing, error) {
	var decoded []Decoded
	if len(in.Images) > 0 {
		var err error
		if decoded, err = decode(ctx, in.Images); err != nil {
			return nil, err
		}
		if len(decoded) != len(in.Images) {
			return nil, fmt.Errorf("scan: %d decode outcomes for %d images", len(decoded), len(in.Images))
		}
	}
	out := &Listing{Images: make([]Image, len(decoded)), Findings: []policy.Finding{}}
	for i, d := range decoded {
		im := fromDecode(pol, i, d.Result, d.Err)
		im.Cached, im.Elapsed = d.Cached, d.Elapsed
		out.Images[i] = im
		out.Findings = append(out.Findings, im.Findings...)
	}
	maxText := in.MaxTextFindings
	if maxText <= 0 {
		maxText = policy.DefaultMaxTextFindings
	}
	for i, t := range in.Texts {
		out.Findings = append(out.Findings, pol.ScanTextLimited(i, t, maxText)...)
	}
	out.Verdict = policy.Verdict(out.Findings)
	return out, nil
}

// fromDecode classifies a decoder outcome under pol.
func fromDecode(pol *policy.Policy, index int, res *decoder.Result, err error) Image {
	out := Image{Index: index}
	if res != nil {
		out.Format, out.Width, out.Height, out.Frames, out.Partial, out.Work = string(res.Format), res.Width, res.Height, res.Frames, res.Partial, res.Work
	}
	if err != nil {
		de := decoder.AsError(err)
		if de == nil {
			de = &decoder.Error{Code: decoder.ErrCorrupt, Message: err.Error()}
		}
		out.Error = &ImageError{Code: de.Code, Message: de.Message}
		// A deadline cut it short, whatever stage it was in.
		out.Partial = out.Partial || de.Code == decoder.ErrTimeout
		out.Findings = errorFindings(pol, index)
		return out
	}
	out.Codes = len(res.Codes)
	out.Findings = codeFindings(pol, index, res.Codes)
	if res.Partial {
		// Frames, levels or strategies were left unscanned: what was read
		// is reported, beside the timeout image error, so the verdict is
		// never milder than on_image_error (an allowed decoy code in frame
		// 0 cannot carry a blocked one in frame 49 through).
		out.Error = &ImageError{Code: decoder.ErrTimeout, Message: fmt.Sprintf("%s ran out after %d code(s) were found; the rest of the image was not scanned", res.Cut, len(res.Codes))}
		out.Findings = append(out.Findings, errorFindings(pol, index)...)
	}
	return out
}

// codeFindings classifies decoded codes.
func codeFindings(pol *policy.Policy, index int, codes []decoder.Code) []policy.Finding {
	out := make([]policy.Finding, 0, len(codes))
	for _, c := range codes {
		f := policy.Finding{Source: policy.SourceImage, Image: index, Frame: c.Frame, Symbology: c.Symbology, Payload: c.Text, Corners: c.Corners}
		if c.Raw != nil {
			f.PayloadBase64 = base64.StdEncoding.EncodeToString(c.Raw)
		}
		if c.Symbology == symbology.UNDECODED {
			f.Category, f.Action, f.Rule = policy.CategoryUndecoded, pol.ActionFor(policy.CategoryUndecoded), "undecoded"
		} else {
			cl := pol.Classify(c.Text)
			f.Identifier, f.Category, f.Action, f.Rule = cl.Identifier, cl.Category, cl.Action, cl.Rule
		}
		out = append(out, f)
	}
	return out
}

// errorFindings is the single IMAGE_ERROR finding of an unreadable image.
func errorFindings(pol *policy.Policy, index int) []policy.Finding {
	return []policy.Finding{{
		Source: policy.SourceImage, Image: index, Symbology: symbology.IMAGE_ERROR,
		Category: policy.CategoryImageError, Action: pol.OnImageError(), Rule: "on_image_error",
	}}
}
