package gateway

import (
	"errors"
	"testing"

	"github.com/qrgate/qrgate/internal/apierror"
)

var fuzzLimits = limits{MaxImages: 4, MaxTexts: 4, MaxTextBytes: 1024, MaxIDBytes: 64}

// checkParsed is what every parser guarantees: a 4xx request error, or a
// request within the limits.
func checkParsed(t *testing.T, req *scanRequest, err error) {
	if err != nil {
		var e *apierror.Error
		if !errors.As(err, &e) || e.Status < 400 || e.Status > 499 {
			t.Fatalf("error is not a 4xx request error: %#v", err)
		}
		return
	}
	if req.ListingID == "" || len(req.Images) > fuzzLimits.MaxImages || len(req.Texts) > fuzzLimits.MaxTexts {
		t.Fatalf("accepted a request outside the limits: %+v", req)
	}
	for _, s := range req.Texts {
		if len(s) > fuzzLimits.MaxTextBytes {
			t.Fatalf("accepted a text of %d bytes", len(s))
		}
	}
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"listing_id":"L1","seller_id":"S1","texts":["a","b"],"images":[{"name":"a.png","data":"iVBORw0KGgo="}]}`))
	f.Add([]byte(`{"listing_id":"L1","images":[{"data":"data:image/png;base64,iVBORw0KGgo"}]}`))
	f.Add([]byte(`{"listing_id":"L1","images":[{"data":"-_-_"}]}`))
	f.Add([]byte(`{"listing_id":"L1","images":[{"name":"x"}]}`))
	f.Add([]byte(`[[[[[[[[[[`))
	f.Add([]byte(`{"listing_id":"\u0000\ud800"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := parseJSON(body, fuzzLimits)
		checkParsed(t, req, err)
	})
}

func FuzzParseMultipart(f *testing.F) {
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"listing_id\"\r\n\r\nL1\r\n--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello\r\n--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--b--\r\n"), "b")
	f.Add([]byte("--b\r\n\r\n--b--"), "b")
	f.Add([]byte("no boundary here"), "")
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"text\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=FF=FE\r\n--b--\r\n"), "b")
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		req, err := parseMultipart(body, boundary, fuzzLimits)
		checkParsed(t, req, err)
	})
}

func FuzzDecodeBase64(f *testing.F) {
	for _, s := range []string{"", "aGVsbG8=", "aGVsbG8", "a-_b", "data:x;base64,aGk=", " aG\nk= "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = decodeBase64(s) // must not panic
	})
}
