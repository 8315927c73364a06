package gateway

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"unicode/utf8"

	"github.com/qrgate/qrgate/internal/apierror"
)

// scanRequest is one listing as a client sent it, whatever the form.
type scanRequest struct {
	ListingID string
	SellerID  string
	Texts     []string
	Images    []imageInput
}

// imageInput is one uploaded image. Data may alias the fasthttp request
// body (raw form): it must not outlive the handler; whatever is kept (the
// review record) is copied.
type imageInput struct {
	Name string
	Data []byte
}

// limits bound one request beyond its body size.
type limits struct {
	MaxImages    int
	MaxTexts     int
	MaxTextBytes int
	MaxIDBytes   int
}

func (c Config) limits() limits {
	return limits{MaxImages: c.MaxImages, MaxTexts: c.MaxTexts, MaxTextBytes: c.MaxTextBytes, MaxIDBytes: c.MaxIDBytes}
}

// mediaType returns the lowercased media type and its parameters; an
// unparsable header yields "" (answered 415).
func mediaType(contentType string) (string, map[string]string) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", nil
	}
	return mt, params
}

// jsonRequest is the JSON form's wire shape. Image data is a string so that
// a missing field is told apart from an empty image and base64 variants
// (unpadded, URL-safe) can be accepted.
type jsonRequest struct {
	ListingID string      `json:"listing_id"`
	SellerID  string      `json:"seller_id"`
	Texts     []string    `json:"texts"`
	Images    []jsonImage `json:"images"`
}

type jsonImage struct {
	Name string  `json:"name"`
	Data *string `json:"data"`
}

// parseJSON parses the JSON form.
func parseJSON(body []byte, lim limits) (*scanRequest, error) {
	var in jsonRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, apierror.BadRequest(apierror.CodeBadRequest, "malformed JSON: %s", jsonErrorMessage(err))
	}
	req := &scanRequest{ListingID: in.ListingID, SellerID: in.SellerID, Texts: in.Texts}
	if len(in.Images) > lim.MaxImages {
		return nil, apierror.BadRequest(apierror.CodeTooManyParts, "%d images is over the limit of %d", len(in.Images), lim.MaxImages)
	}
	for i, im := range in.Images {
		if im.Data == nil {
			return nil, apierror.BadRequest(apierror.CodeMissingField, "images[%d]: missing \"data\"", i)
		}
		data, err := decodeBase64(*im.Data)
		if err != nil {
			return nil, apierror.BadRequest(apierror.CodeBadRequest, "images[%d]: \"data\" is not valid base64", i)
		}
		req.Images = append(req.Images, imageInput{Name: im.Name, Data: data})
	}
	return req, req.validate(lim)
}

// jsonErrorMessage keeps the position of a syntax error but not the
// decoder's echo of the input.
func jsonErrorMessage(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return se.Error()
	case errors.As(err, &te):
		return "field " + te.Field + " must be " + te.Type.String()
	}
	return err.Error()
}

// decodeBase64 accepts standard base64 with or without padding, the
// URL-safe alphabet, and a data: URI prefix; whitespace is ignored.
func decodeBase64(s string) ([]byte, error) {
	if strings.HasPrefix(s, "data:") {
		if i := strings.Index(s, ";base64,"); i >= 0 {
			s = s[i+len(";base64,"):]
		}
	}
	if strings.ContainsAny(s, " \t\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, s)
	}
	enc := base64.StdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.URLEncoding
	}
	if len(s)%4 != 0 {
		enc = enc.WithPadding(base64.NoPadding)
	}
	return enc.DecodeString(s)
}

// parseMultipart parses the multipart form: fields listing_id, seller_id,
// text (repeatable); every part with a file name is an image.
func parseMultipart(body []byte, boundary string, lim limits) (*scanRequest, error) {
	if boundary == "" {
		return nil, apierror.BadRequest(apierror.CodeBadRequest, "multipart/form-data without a boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	req := &scanRequest{}
	maxParts := lim.MaxImages + lim.MaxTexts + 8
	for n := 0; ; n++ {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, apierror.BadRequest(apierror.CodeBadRequest, "malformed multipart body: %v", err)
		}
		if n >= maxParts {
			return nil, apierror.BadRequest(apierror.CodeTooManyParts, "more than %d parts", maxParts)
		}
		if p.FileName() != "" {
			if len(req.Images) >= lim.MaxImages {
				return nil, apierror.BadRequest(apierror.CodeTooManyParts, "more than %d images", lim.MaxImages)
			}
			data, err := io.ReadAll(p)
			if err != nil {
				return nil, apierror.BadRequest(apierror.CodeBadRequest, "malformed multipart body: %v", err)
			}
			req.Images = append(req.Images, imageInput{Name: p.FileName(), Data: data})
			continue
		}
		v, err := readField(p, lim)
		if err != nil {
			return nil, err
		}
		switch p.FormName() {
		case "listing_id":
			req.ListingID = v
		case "seller_id":
			req.SellerID = v
		case "text", "texts":
			req.Texts = append(req.Texts, v)
		}
	}
	return req, req.validate(lim)
}

// readField reads a non-file part, refusing more than MaxTextBytes.
func readField(p *multipart.Part, lim limits) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, int64(lim.MaxTextBytes)+1))
	if err != nil {
		return "", apierror.BadRequest(apierror.CodeBadRequest, "malformed multipart body: %v", err)
	}
	if len(b) > lim.MaxTextBytes {
		return "", apierror.TooLarge(apierror.CodeTextTooLarge, "field %q is over the limit of %d bytes", p.FormName(), lim.MaxTextBytes)
	}
	if !utf8.Valid(b) {
		return "", apierror.BadRequest(apierror.CodeBadRequest, "field %q is not valid UTF-8", p.FormName())
	}
	return string(b), nil
}

// rawRequest builds the raw-image form from the query's ids and the body.
func rawRequest(listingID, sellerID, name string, body []byte, lim limits) (*scanRequest, error) {
	if len(body) == 0 {
		return nil, apierror.BadRequest(apierror.CodeMissingField, "empty body: send the image bytes")
	}
	for _, v := range []string{listingID, sellerID, name} {
		if !utf8.ValidString(v) {
			return nil, apierror.BadRequest(apierror.CodeBadRequest, "query parameters must be valid UTF-8")
		}
	}
	req := &scanRequest{ListingID: listingID, SellerID: sellerID, Images: []imageInput{{Name: name, Data: body}}}
	return req, req.validate(lim)
}

// validate applies the checks common to every form.
func (r *scanRequest) validate(lim limits) error {
	if r.ListingID == "" {
		return apierror.BadRequest(apierror.CodeMissingField, "missing listing_id")
	}
	if len(r.ListingID) > lim.MaxIDBytes || len(r.SellerID) > lim.MaxIDBytes {
		return apierror.BadRequest(apierror.CodeBadRequest, "listing_id and seller_id are limited to %d bytes", lim.MaxIDBytes)
	}
	if len(r.Texts) > lim.MaxTexts {
		return apierror.BadRequest(apierror.CodeTooManyParts, "%d texts is over the limit of %d", len(r.Texts), lim.MaxTexts)
	}
	if len(r.Images) > lim.MaxImages {
		return apierror.BadRequest(apierror.CodeTooManyParts, "%d images is over the limit of %d", len(r.Images), lim.MaxImages)
	}
	for i, t := range r.Texts {
		if len(t) > lim.MaxTextBytes {
			return apierror.TooLarge(apierror.CodeTextTooLarge, "texts[%d] is over the limit of %d bytes", i, lim.MaxTextBytes)
		}
	}
	if len(r.Texts) == 0 && len(r.Images) == 0 {
		return apierror.BadRequest(apierror.CodeMissingField, "nothing to scan: send texts or images")
	}
	return nil
}
