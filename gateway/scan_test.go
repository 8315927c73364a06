package gateway

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

const wechatURL = "https://u.wechat.com/7deQLmndVcaY5J8Xx1uw88"

func multipartBody(t *testing.T, fields map[string][]string, files map[string][]byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, data := range files {
		fw, err := w.CreateFormFile("image", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), buf.Bytes()
}

// TestScanForms sends the same listing in each of the three forms.
func TestScanForms(t *testing.T) {
	tg := startGateway(t)
	qr := testfixtures.QRPNG(wechatURL, 240)
	ct, mp := multipartBody(t, map[string][]string{"listing_id": {"L1"}, "seller_id": {"S1"}, "text": {"a title"}}, map[string][]byte{"a.png": qr})
	jsonBody := fmt.Sprintf(`{"listing_id":"L1","seller_id":"S1","texts":["a title"],"images":[{"name":"a.png","data":%q}]}`,
		base64.StdEncoding.EncodeToString(qr))
	tests := []struct {
		name, url, contentType string
		body                   []byte
		wantName               string
	}{
		{"json", tg.pub + "/v1/scan", "application/json", []byte(jsonBody), "a.png"},
		{"json-charset", tg.pub + "/v1/scan", "application/json; charset=utf-8", []byte(jsonBody), "a.png"},
		{"multipart", tg.pub + "/v1/scan", ct, mp, "a.png"},
		{"raw-image", tg.pub + "/v1/scan?listing_id=L1&seller_id=S1&name=a.png", "image/png", qr, "a.png"},
		{"raw-octet-stream", tg.pub + "/v1/scan?listing_id=L1&seller_id=S1&name=a.png", "application/octet-stream", qr, "a.png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, "POST", tt.url, tt.contentType, tt.body)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			m := r.json(t)
			if m["verdict"] != "block" || m["listing_id"] != "L1" || m["seller_id"] != "S1" || m["policy_version"] == "" || m["scan_id"] == "" {
				t.Errorf("unexpected answer: %s", r.body)
			}
			fs := m["findings"].([]any)
			if len(fs) != 1 {
				t.Fatalf("want 1 finding, got %s", r.body)
			}
			f := fs[0].(map[string]any)
			if f["payload"] != wechatURL || f["source"] != "image" || f["category"] != "wechat" || f["symbology"] != "QR_CODE" || len(f["corners"].([]any)) != 4 {
				t.Errorf("finding: %v", f)
			}
			im := m["images"].([]any)[0].(map[string]any)
			if im["name"] != tt.wantName || im["format"] != "png" || im["codes"] != 1.0 || im["error"] != nil {
				t.Errorf("image: %v", im)
			}
			if _, ok := m["review_stored"]; ok {
				t.Errorf("block is not reviewed under the default policy, yet review_stored is present")
			}
		})
	}
}

// TestScanRealImages checks formats from the corpus and a clean photo.
func TestScanRealImages(t *testing.T) {
	tg := startGateway(t)
	tests := []struct {
		file, format, verdict string
	}{
		{"0106.jpg", "jpeg", "block"},
		{"0005.webp", "webp", "block"},
		{"0012.jpg", "jpeg", "allow"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := do(t, "POST", tg.pub+"/v1/scan?listing_id=L1", "image/jpeg", readTestdata(t, tt.file))
			m := r.json(t)
			if r.status != 200 || m["verdict"] != tt.verdict || m["images"].([]any)[0].(map[string]any)["format"] != tt.format {
				t.Errorf("status %d: %s", r.status, r.body)
			}
		})
	}
}

// TestImageErrorsAreNotRequestErrors: unreadable images get their error and
// the policy's on_image_error (warn), which the default policy reviews.
func TestImageErrorsAreNotRequestErrors(t *testing.T) {
	tg := startGateway(t)
	qr := testfixtures.QRPNG(wechatURL, 200)
	tests := []struct {
		name string
		data []byte
		code string
	}{
		{"zero-bytes", []byte{}, "truncated"},
		{"not-an-image", []byte("hello, world"), "unsupported"},
		{"truncated-png", qr[:len(qr)/2], ""},
		{"corrupt-png", append(append([]byte{}, qr[:40]...), bytes.Repeat([]byte{0xAA}, 200)...), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, tg.pub+"/v1/scan", map[string]any{"listing_id": "L", "images": []map[string]any{{"name": "x", "data": tt.data}}})
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			m := r.json(t)
			im := m["images"].([]any)[0].(map[string]any)
			e, _ := im["error"].(map[string]any)
			if e == nil || (tt.code != "" && e["code"] != tt.code) {
				t.Errorf("image error: %v, want code %q", im["error"], tt.code)
			}
			f := m["findings"].([]any)[0].(map[string]any)
			if f["symbology"] != "IMAGE_ERROR" || m["verdict"] != "warn" || m["review_stored"] != true {
				t.Errorf("answer: %s", r.body)
			}
		})
	}
}

// TestRequestErrors covers every request error status the public API has.
func TestRequestErrors(t *testing.T) {
	tg := startGateway(t, func(o *Options) {
		o.Config.MaxBody = 64 << 10
		o.Config.MaxTextBytes = 1000
		o.Config.MaxImages = 3
	})
	big := bytes.Repeat([]byte("a"), 100<<10)
	tests := []struct {
		name, method, path, contentType string
		body                            string
		status                          int
		code                            string
	}{
		{"bad-json", "POST", "/v1/scan", "application/json", `{"listing_id":`, 400, apierror.CodeBadRequest},
		{"json-not-object", "POST", "/v1/scan", "application/json", `[1,2]`, 400, apierror.CodeBadRequest},
		{"json-wrong-type", "POST", "/v1/scan", "application/json", `{"listing_id":7}`, 400, apierror.CodeBadRequest},
		{"json-deep", "POST", "/v1/scan", "application/json", strings.Repeat("[", 20000), 400, apierror.CodeBadRequest},
		{"bad-base64", "POST", "/v1/scan", "application/json", `{"listing_id":"L","images":[{"data":"!!!not base64"}]}`, 400, apierror.CodeBadRequest},
		{"missing-data", "POST", "/v1/scan", "application/json", `{"listing_id":"L","images":[{"name":"a"}]}`, 400, apierror.CodeMissingField},
		{"missing-listing", "POST", "/v1/scan", "application/json", `{"texts":["x"]}`, 400, apierror.CodeMissingField},
		{"nothing-to-scan", "POST", "/v1/scan", "application/json", `{"listing_id":"L"}`, 400, apierror.CodeMissingField},
		{"too-many-images", "POST", "/v1/scan", "application/json", `{"listing_id":"L","images":[{"data":""},{"data":""},{"data":""},{"data":""}]}`, 400, apierror.CodeTooManyParts},
		{"text-too-large", "POST", "/v1/scan", "application/json", `{"listing_id":"L","texts":["` + strings.Repeat("x", 1001) + `"]}`, 413, apierror.CodeTextTooLarge},
		{"multipart-no-boundary", "POST", "/v1/scan", "multipart/form-data", "--x\r\n", 400, apierror.CodeBadRequest},
		{"multipart-garbage", "POST", "/v1/scan", "multipart/form-data; boundary=zz", "not multipart at all", 400, apierror.CodeMissingField},
		{"raw-empty", "POST", "/v1/scan?listing_id=L", "image/png", "", 400, apierror.CodeMissingField},
		{"raw-no-listing", "POST", "/v1/scan", "image/png", "\x89PNG", 400, apierror.CodeMissingField},
		{"body-too-large", "POST", "/v1/scan?listing_id=L", "image/png", string(big), 413, apierror.CodeBodyTooLarge},
		{"unsupported-type", "POST", "/v1/scan", "text/plain", "hello", 415, apierror.CodeUnsupportedType},
		{"no-type", "POST", "/v1/scan", "", "hello", 415, apierror.CodeUnsupportedType},
		{"bad-type", "POST", "/v1/scan", ";;;", "hello", 415, apierror.CodeUnsupportedType},
		{"get", "GET", "/v1/scan", "", "", 405, apierror.CodeMethodNotAllowed},
		{"not-found", "GET", "/v2/nothing", "", "", 404, apierror.CodeNotFound},
		{"metrics-not-public", "GET", "/metrics", "", "", 404, apierror.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, tt.method, tg.pub+tt.path, tt.contentType, []byte(tt.body))
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if got := r.errorCode(t); got != tt.code {
				t.Errorf("code %q, want %q", got, tt.code)
			}
			if r.header.Get("Content-Type") != "application/json" {
				t.Errorf("content type %q", r.header.Get("Content-Type"))
			}
		})
	}
	if n := metric(t, tg.reg, "qrgate_requests_total", "code", "500"); n != 0 {
		t.Errorf("%v requests answered 500", n)
	}
	if n := metric(t, tg.reg, "qrgate_requests_total", "code", "413"); n != 2 {
		t.Errorf("qrgate_requests_total{code=413} = %v, want 2", n)
	}
}

func TestMultipartParts(t *testing.T) {
	tg := startGateway(t)
	ct, body := multipartBody(t, map[string][]string{"listing_id": {"L9"}, "text": {"one", "two"}},
		map[string][]byte{"a.png": testfixtures.QRPNG("https://bit.ly/30Fv7c4", 200), "b.png": blankPNG(t, 64, 64)})
	r := do(t, "POST", tg.pub+"/v1/scan", ct, body)
	m := r.json(t)
	if r.status != 200 || len(m["images"].([]any)) != 2 || m["verdict"] != "warn" || m["review_stored"] != true {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	recs := tg.rec.all()
	// Both images are kept, the blank one too: a moderator judges the
	// listing with every photo it has.
	if len(recs) != 1 || recs[0].ListingID != "L9" || len(recs[0].Texts) != 2 || len(recs[0].Images) != 2 || len(recs[0].Images[0].Data) == 0 {
		t.Fatalf("records: %+v", recs)
	}
}

func TestAPIKeys(t *testing.T) {
	keys := writeFile(t, "keys", "# pipeline keys\nkey-one\n\n  key-two  \n")
	k, err := LoadAPIKeys(keys)
	if err != nil {
		t.Fatal(err)
	}
	tg := startGateway(t, func(o *Options) { o.APIKeys = k })
	body := []byte(`{"listing_id":"L","texts":["hello"]}`)
	tests := []struct {
		name, auth string
		status     int
	}{
		{"missing", "", 401},
		{"wrong", "Bearer key-three", 401},
		{"prefix-of-key", "Bearer key", 401},
		{"basic", "Basic a2V5LW9uZQ==", 401},
		{"first", "Bearer key-one", 200},
		{"second-trimmed", "Bearer key-two", 200},
		{"lowercase-scheme", "bearer key-one", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h []string
			if tt.auth != "" {
				h = []string{"Authorization", tt.auth}
			}
			r := do(t, "POST", tg.pub+"/v1/scan", "application/json", body, h...)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status == 401 && (r.errorCode(t) != apierror.CodeUnauthorized || r.header.Get("WWW-Authenticate") == "") {
				t.Errorf("401 answer: %v %s", r.header, r.body)
			}
		})
	}
	// Probes stay open.
	if r := do(t, "GET", tg.pub+"/healthz", "", nil); r.status != 200 {
		t.Errorf("/healthz with keys configured: %d", r.status)
	}
}

func TestCacheHits(t *testing.T) {
	tg := startGateway(t)
	img := testfixtures.QRPNG(wechatURL, 200)
	for i, wantCached := range []bool{false, true, true} {
		r := do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/png", img)
		m := r.json(t)
		im := m["images"].([]any)[0].(map[string]any)
		if r.status != 200 || im["cached"] != wantCached || m["verdict"] != "block" {
			t.Fatalf("request %d: %s", i, r.body)
		}
	}
	if h, mi := metric(t, tg.reg, "qrgate_cache_hits_total"), metric(t, tg.reg, "qrgate_cache_misses_total"); h != 2 || mi != 1 {
		t.Errorf("hits %v misses %v, want 2 and 1", h, mi)
	}
}

func TestHealthOnBothListeners(t *testing.T) {
	tg := startGateway(t)
	for _, base := range []string{tg.pub, tg.admin} {
		for _, p := range []string{"/healthz", "/readyz"} {
			if r := do(t, "GET", base+p, "", nil); r.status != 200 {
				t.Errorf("%s%s: %d %s", base, p, r.status, r.body)
			}
		}
	}
	r := do(t, "GET", tg.admin+"/metrics", "", nil)
	for _, name := range []string{"qrgate_requests_total", "qrgate_policy_info", "qrgate_queue_depth", "qrgate_policy_reloads_total"} {
		if !contains(string(r.body), name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

func TestStoreFailures(t *testing.T) {
	warnImage := testfixtures.QRPNG("https://bit.ly/30Fv7c4", 200) // short_link: warn, reviewed by default
	t.Run("fail-closed", func(t *testing.T) {
		tg := startGateway(t)
		tg.rec.setFail(errDiskFull)
		r := do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/png", warnImage)
		if r.status != 503 || r.header.Get("Retry-After") == "" || r.errorCode(t) != apierror.CodeStoreUnavailable {
			t.Fatalf("status %d %v: %s", r.status, r.header, r.body)
		}
		for _, base := range []string{tg.pub, tg.admin} {
			if r := do(t, "GET", base+"/readyz", "", nil); r.status != 503 {
				t.Errorf("readyz %d with a failing store", r.status)
			}
		}
		// Listings that need no review still pass.
		if r := do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/png", blankPNG(t, 50, 50)); r.status != 200 {
			t.Errorf("clean listing: %d", r.status)
		}
		tg.rec.setFail(nil)
		if r := do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/png", warnImage); r.status != 200 || r.json(t)["review_stored"] != true {
			t.Errorf("after recovery: %d %s", r.status, r.body)
		}
		if r := do(t, "GET", tg.pub+"/readyz", "", nil); r.status != 200 {
			t.Errorf("readyz %d after a successful record", r.status)
		}
	})
	t.Run("fail-open", func(t *testing.T) {
		tg := startGateway(t, func(o *Options) { o.Config.StoreFailOpen = true })
		tg.rec.setFail(errDiskFull)
		r := do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/png", warnImage)
		if r.status != 200 || r.json(t)["review_stored"] != false {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if n := metric(t, tg.reg, "qrgate_reviews_unstored_total"); n != 1 {
			t.Errorf("unstored = %v", n)
		}
		if r := do(t, "GET", tg.admin+"/readyz", "", nil); r.status != 200 {
			t.Errorf("readyz %d under fail-open", r.status)
		}
	})
}

// TestRecordOwnsItsBytes: the record must not alias fasthttp's request
// buffer, which is reused for the next request on the connection.
func TestRecordOwnsItsBytes(t *testing.T) {
	tg := startGateway(t)
	img := testfixtures.QRPNG("https://bit.ly/30Fv7c4", 200)
	for range 3 {
		do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/png", img)
		do(t, "POST", tg.pub+"/v1/scan?listing_id=M", "application/octet-stream", bytes.Repeat([]byte{0x55}, len(img)))
	}
	for _, rec := range tg.rec.all() {
		if rec.ListingID == "L" && !bytes.Equal(rec.Images[0].Data, img) {
			t.Fatal("a stored image changed after its request ended")
		}
	}
}

func TestTimeoutsAreSet(t *testing.T) {
	tg := startGateway(t)
	s := tg.g.newServer("x", nil, 1, true)
	if s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.Concurrency <= 0 || s.MaxRequestBodySize != 1 || !s.StreamRequestBody {
		t.Errorf("server settings: %+v", s)
	}
	_ = time.Second
	_ = http.StatusOK
}

// TestHostileBodies: inputs from issue 7 that must end in a clear 4xx.
func TestHostileBodies(t *testing.T) {
	tg := startGateway(t)
	var parts strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&parts, "--b\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nx\r\n", i)
	}
	parts.WriteString("--b--\r\n")
	tests := []struct {
		name, contentType, body string
		status                  int
		code                    string
	}{
		{"10MB-text-json", "application/json", `{"listing_id":"L","texts":["` + strings.Repeat("微", 10<<20/3) + `"]}`, 413, apierror.CodeTextTooLarge},
		{"10MB-text-multipart", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n" + strings.Repeat("x", 10<<20) + "\r\n--b--\r\n", 413, apierror.CodeTextTooLarge},
		{"5000-parts", "multipart/form-data; boundary=b", parts.String(), 400, apierror.CodeTooManyParts},
		{"json-nested-deep", "application/json", `{"listing_id":"L","x":` + strings.Repeat(`{"a":`, 100000), 400, apierror.CodeBadRequest},
		{"base64-garbage", "application/json", `{"listing_id":"L","images":[{"data":"iVBORw0KGgo\u0000\u0001***"}]}`, 400, apierror.CodeBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, "POST", tg.pub+"/v1/scan", tt.contentType, []byte(tt.body))
			if r.status != tt.status || r.errorCode(t) != tt.code {
				t.Fatalf("%d %s, want %d %s", r.status, r.body, tt.status, tt.code)
			}
		})
	}
}
