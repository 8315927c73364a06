package gateway

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime/multipart"
	"runtime"
	rtmetrics "runtime/metrics"
	"strings"
	"sync"
	"testing"

	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// Decompression bombs: tiny files whose headers declare huge images. The
// decoder package has its own tests (decoder/hostile_test.go); these send
// them through the running gateway over loopback and check what a client
// gets and what the process allocates meanwhile.

type bomb struct {
	name, code string
	data       []byte
}

func bombs() []bomb {
	return []bomb{
		{"png-50000x50000", "too_large", testfixtures.PNGBomb(50000, 50000)},
		{"gif-50000x50000", "too_large", testfixtures.GIFBomb(50000, 50000)},
		// A frame larger than its screen is refused as corrupt (image/gif's own
		// check) before the frame is allocated.
		{"gif-frame-50000x50000-on-1x1-screen", "corrupt", testfixtures.GIFFrameBomb(1, 1, 50000, 50000)},
		// x/image/webp refuses a canvas over 2^31-1 pixels itself; the
		// decoder reads the VP8X canvas size and calls it what it is.
		{"webp-50000x50000", "too_large", testfixtures.WebPBombVP8X(50000, 50000)},
		{"webp-40000x40000", "too_large", testfixtures.WebPBombVP8X(40000, 40000)},
		{"webp-vp8l-16384x16384", "too_large", testfixtures.WebPBombVP8L(16384, 16384)},
		{"jpeg-65000x65000", "too_large", testfixtures.JPEGBomb(65000, 65000)},
		{"gif-3000-frames", "too_many_frames", testfixtures.ManyFramesGIF(3000)},
	}
}

// heapAllocs is the cumulative bytes allocated on the heap by the whole
// process (runtime/metrics). Its growth over a window bounds from above how
// much the heap can have grown in that window, whatever the GC did.
func heapAllocs() uint64 {
	s := []rtmetrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	rtmetrics.Read(s)
	return s[0].Value.Uint64()
}

// TestBombsOverLoopback sends every bomb to the running gateway, each 8
// times at once (the cache is off, so each is decoded), raw and in one
// multipart listing, and checks the answer and the allocations: each image
// is refused by its header with too_large or too_many_frames (a warn
// IMAGE_ERROR finding, answered 200), and everything the process allocated
// meanwhile — client and server together, so an overestimate — stays far
// below the 64 MiB the issue allows above idle.
func TestBombsOverLoopback(t *testing.T) {
	tg := startGateway(t, func(o *Options) { o.Config.CacheEntries = -1; o.Config.Workers = 4; o.Config.QueueSize = 64 })
	bs := bombs()
	var files = map[string][]byte{}
	for _, b := range bs {
		files[b.name] = b.data
	}
	ct, mp := multipartBody(t, map[string][]string{"listing_id": {"bombs"}}, files)
	// Warm up the connection pool and the handler before measuring.
	do(t, "POST", tg.pub+"/v1/scan?listing_id=warm", "image/png", blankPNG(t, 8, 8))
	runtime.GC()
	before := heapAllocs()

	var wg sync.WaitGroup
	for _, b := range bs {
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := do(t, "POST", tg.pub+"/v1/scan?listing_id=L&name="+b.name, "application/octet-stream", b.data)
				checkBombAnswer(t, b.name, r, []string{b.code})
			}()
		}
	}
	wg.Wait()
	r := do(t, "POST", tg.pub+"/v1/scan", ct, mp)
	allocated := heapAllocs() - before

	if r.status != 200 {
		t.Fatalf("multipart listing of bombs: %d %s", r.status, r.body)
	}
	want := map[string]string{}
	for _, b := range bs {
		want[b.name] = b.code
	}
	for _, im := range r.json(t)["images"].([]any) {
		im := im.(map[string]any)
		e, _ := im["error"].(map[string]any)
		if e == nil || e["code"] != want[im["name"].(string)] {
			t.Errorf("multipart %v: error %v, want %s", im["name"], im["error"], want[im["name"].(string)])
		}
	}
	t.Logf("%d bomb requests: %.1f MiB allocated by the whole test process", 8*len(bs)+1, float64(allocated)/(1<<20))
	if allocated > 64<<20 {
		t.Errorf("%d MiB allocated while the bombs were sent; the bound is 64 MiB", allocated>>20)
	}
	if n := metric(t, tg.reg, "qrgate_requests_total", "code", "200"); n != float64(8*len(bs)+2) {
		t.Errorf("requests{200} = %v, want %d", n, 8*len(bs)+2)
	}
}

func checkBombAnswer(t *testing.T, name string, r response, codes []string) {
	t.Helper()
	if r.status != 200 {
		t.Errorf("%s: %d %s", name, r.status, r.body)
		return
	}
	m := r.json(t)
	im := m["images"].([]any)[0].(map[string]any)
	e, _ := im["error"].(map[string]any)
	if e == nil || e["code"] != codes[0] || e["message"] == "" {
		t.Errorf("%s: image error %v, want %s", name, im["error"], codes[0])
	}
	f := m["findings"].([]any)[0].(map[string]any)
	if m["verdict"] != "warn" || f["symbology"] != "IMAGE_ERROR" || f["rule"] != "on_image_error" {
		t.Errorf("%s: %s", name, r.body)
	}
}

// TestWrongContentTypes: the media type chooses the parser; the image
// format is always sniffed from the bytes, never taken from the header.
func TestWrongContentTypes(t *testing.T) {
	tg := startGateway(t)
	png := testfixtures.QRPNG(wechatURL, 200)
	jsonBody := `{"listing_id":"L","texts":["hello"]}`
	tests := []struct {
		name, contentType string
		body              []byte
		status            int
		code              string // error code, or the image's format when 200
	}{
		{"form-urlencoded", "application/x-www-form-urlencoded", []byte("listing_id=L&text=hi"), 415, apierror.CodeUnsupportedType},
		{"xml", "application/xml", []byte("<scan/>"), 415, apierror.CodeUnsupportedType},
		{"text-html", "text/html", []byte("<b>hi</b>"), 415, apierror.CodeUnsupportedType},
		{"video", "video/mp4", png, 415, apierror.CodeUnsupportedType},
		{"json-as-image", "image/png", []byte(jsonBody), 200, "unsupported"},
		{"png-as-gif", "image/gif", png, 200, "png"},
		{"png-as-octet-stream", "application/octet-stream", png, 200, "png"},
		{"png-as-json", "application/json", png, 400, apierror.CodeBadRequest},
		{"json-as-multipart", "multipart/form-data; boundary=zz", []byte(jsonBody), 400, apierror.CodeMissingField},
		{"multipart-empty-boundary", "multipart/form-data; boundary=", []byte("--\r\n"), 415, apierror.CodeUnsupportedType},
		{"json-uppercase", "APPLICATION/JSON", []byte(jsonBody), 200, ""},
		{"json-odd-charset", "application/json; charset=latin1", []byte(jsonBody), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tg.pub + "/v1/scan"
			if strings.HasPrefix(tt.contentType, "image/") || tt.contentType == "application/octet-stream" || tt.contentType == "video/mp4" {
				url += "?listing_id=L"
			}
			r := do(t, "POST", url, tt.contentType, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if r.status != 200 {
				if got := r.errorCode(t); got != tt.code {
					t.Errorf("code %q, want %q", got, tt.code)
				}
				return
			}
			if tt.code == "" {
				return
			}
			im := r.json(t)["images"].([]any)[0].(map[string]any)
			got := im["format"]
			if e, _ := im["error"].(map[string]any); e != nil {
				got = e["code"]
			}
			if got != tt.code {
				t.Errorf("image: %v, want %s", im, tt.code)
			}
		})
	}
}

// TestBase64Garbage: image data that is not base64 is a 400 naming the
// image; base64 of bytes that are not an image is an image error.
func TestBase64Garbage(t *testing.T) {
	tg := startGateway(t)
	tests := []struct {
		name, data string
		status     int
		code       string
	}{
		{"punctuation", "!!!!", 400, apierror.CodeBadRequest},
		{"nul-bytes", "aGVs\u0000bG8=", 400, apierror.CodeBadRequest},
		{"mixed-alphabets", "ab+/-_cd", 400, apierror.CodeBadRequest},
		{"too-much-padding", "aGk===", 400, apierror.CodeBadRequest},
		{"padding-inside", "aG=k", 400, apierror.CodeBadRequest},
		{"lone-char", "a", 400, apierror.CodeBadRequest},
		{"data-uri-garbage", "data:image/png;base64,@@@@", 400, apierror.CodeBadRequest},
		{"non-ascii", "aGVsbG8微", 400, apierror.CodeBadRequest},
		{"random-bytes", base64.StdEncoding.EncodeToString([]byte("\x00\x01\x02random bytes, not an image")), 200, "unsupported"},
		{"bomb", base64.StdEncoding.EncodeToString(testfixtures.PNGBomb(50000, 50000)), 200, "too_large"},
		{"empty", "", 200, "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, tg.pub+"/v1/scan", map[string]any{"listing_id": "L", "images": []map[string]any{{"name": "x", "data": tt.data}}})
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if r.status != 200 {
				if got := r.errorCode(t); got != tt.code {
					t.Errorf("code %q, want %q", got, tt.code)
				}
				if !contains(string(r.body), "images[0]") {
					t.Errorf("the error does not name the image: %s", r.body)
				}
				return
			}
			checkBombAnswer(t, tt.name, r, []string{tt.code})
		})
	}
}

// TestDeepJSON: encoding/json refuses nesting deeper than 10000 levels
// with an error (no stack exhaustion); shallower nesting in a field the
// API ignores is accepted, bounded by --max-body.
func TestDeepJSON(t *testing.T) {
	tg := startGateway(t)
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		name, body string
		status     int
	}{
		{"unknown-field-5000-deep", `{"listing_id":"L","texts":["hi"],"x":` + deep(5000) + `}`, 200},
		{"unknown-field-20000-deep", `{"listing_id":"L","texts":["hi"],"x":` + deep(20000) + `}`, 400},
		{"texts-20000-deep", `{"listing_id":"L","texts":` + deep(20000) + `}`, 400},
		{"objects-50000-deep", `{"listing_id":"L","x":` + strings.Repeat(`{"a":`, 50000) + "1" + strings.Repeat("}", 50000) + `}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, "POST", tg.pub+"/v1/scan", "application/json", []byte(tt.body))
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			if tt.status == 400 && (r.errorCode(t) != apierror.CodeBadRequest || !contains(string(r.body), "exceeded max depth")) {
				t.Errorf("%s", r.body)
			}
		})
	}
}

// TestHostileMultipart: thousands of file parts, parts with thousands of
// headers, unterminated bodies and zero-byte files.
func TestHostileMultipart(t *testing.T) {
	tg := startGateway(t)
	build := func(f func(w *multipart.Writer)) (string, []byte) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("listing_id", "L")
		f(w)
		w.Close()
		return w.FormDataContentType(), buf.Bytes()
	}
	manyFiles := func(w *multipart.Writer) {
		for i := range 3000 {
			fw, _ := w.CreateFormFile("image", fmt.Sprintf("f%d.png", i))
			fw.Write([]byte{0x89})
		}
	}
	var manyHeaders strings.Builder
	manyHeaders.WriteString("--b\r\nContent-Disposition: form-data; name=\"text\"\r\n")
	for i := range 20000 {
		fmt.Fprintf(&manyHeaders, "X-H%d: v\r\n", i)
	}
	manyHeaders.WriteString("\r\nhi\r\n--b--\r\n")
	ctFiles, bodyFiles := build(manyFiles)
	ctZero, bodyZero := build(func(w *multipart.Writer) {
		fw, _ := w.CreateFormFile("image", "zero.png")
		fw.Write(nil)
	})
	tests := []struct {
		name, contentType string
		body              []byte
		status            int
		code              string
	}{
		{"3000-file-parts", ctFiles, bodyFiles, 400, apierror.CodeTooManyParts},
		{"20000-headers-in-a-part", "multipart/form-data; boundary=b", []byte(manyHeaders.String()), 400, apierror.CodeBadRequest},
		{"unterminated", "multipart/form-data; boundary=b", []byte("--b\r\nContent-Disposition: form-data; name=\"listing_id\"\r\n\r\nL\r\n--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nno end"), 400, apierror.CodeBadRequest},
		{"boundary-not-in-body", "multipart/form-data; boundary=nothere", []byte("--b\r\nContent-Disposition: form-data; name=\"listing_id\"\r\n\r\nL\r\n--b--\r\n"), 400, apierror.CodeMissingField},
		{"zero-byte-file", ctZero, bodyZero, 200, "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, "POST", tg.pub+"/v1/scan", tt.contentType, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			if r.status != 200 {
				if got := r.errorCode(t); got != tt.code {
					t.Errorf("code %q, want %q: %s", got, tt.code, r.body)
				}
				return
			}
			checkBombAnswer(t, tt.name, r, []string{tt.code})
		})
	}
}
