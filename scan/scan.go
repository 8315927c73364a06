// Package scan composes the decoder and the policy: image bytes and listing
// texts in, findings and a verdict out. It is what `qrgate scan` and the
// gateway's POST /v1/scan both run, so their findings are identical.
package scan

import (
	"context"
	"encoding/base64"
	"time"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/policy"
)

// Scanner scans images and texts under a policy given per call, so a caller
// that swaps policies (a reload) uses one snapshot per listing.
type Scanner struct {
	dec *decoder.Decoder
}

// New returns a scanner over dec.
func New(dec *decoder.Decoder) *Scanner { return &Scanner{dec: dec} }

// ImageError is the contract's error object of an unreadable image.
type ImageError struct {
	Code    decoder.ErrorCode `json:"code"`
	Message string            `json:"message"`
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
	Elapsed  time.Duration
	Findings []policy.Finding
}

// Image scans one image's bytes; index is its position in the listing.
// An unreadable image is not an error: it gets Error and one IMAGE_ERROR
// finding whose action is the policy's on_image_error.
func (s *Scanner) Image(ctx context.Context, pol *policy.Policy, index int, data []byte) Image {
	start := time.Now()
	res, err := s.Decode(ctx, data)
	out := FromDecode(pol, index, res, err)
	out.Elapsed = time.Since(start)
	return out
}

// Decode runs the decoder alone: its result depends only on the bytes, so
// callers may cache it by content hash and classify it under any policy.
func (s *Scanner) Decode(ctx context.Context, data []byte) (*decoder.Result, error) {
	return s.dec.Decode(ctx, data)
}

// FromDecode classifies a decoder outcome under pol (Elapsed is left zero).
func FromDecode(pol *policy.Policy, index int, res *decoder.Result, err error) Image {
	out := Image{Index: index}
	if res != nil {
		out.Format, out.Width, out.Height, out.Frames, out.Partial = string(res.Format), res.Width, res.Height, res.Frames, res.Partial
	}
	if err != nil {
		de := decoder.AsError(err)
		if de == nil {
			de = &decoder.Error{Code: decoder.ErrCorrupt, Message: err.Error()}
		}
		out.Error = &ImageError{Code: de.Code, Message: de.Message}
		out.Findings = ErrorFindings(pol, index)
		return out
	}
	out.Codes = len(res.Codes)
	out.Findings = codeFindings(pol, index, res.Codes)
	return out
}

// codeFindings classifies decoded codes (also used for cached decode results).
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

// ErrorFindings is the single IMAGE_ERROR finding of an unreadable image.
func ErrorFindings(pol *policy.Policy, index int) []policy.Finding {
	return []policy.Finding{{
		Source: policy.SourceImage, Image: index, Symbology: symbology.IMAGE_ERROR,
		Category: policy.CategoryImageError, Action: pol.OnImageError(), Rule: "on_image_error",
	}}
}
