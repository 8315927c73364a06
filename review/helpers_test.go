package review

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/sqlite"
)

const (
	aliceToken = "alice-token-0123456789abcdef"
	bobToken   = "bob-token-0123456789abcdef"
)

// testServer is a Service behind a real fasthttp server on loopback.
type testServer struct {
	svc  *Service
	url  string
	reg  *prometheus.Registry
	logs *syncBuffer
}

// syncBuffer is a log sink written by the server's goroutines and read by
// the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestServer(t *testing.T, opts ...func(*Options)) *testServer {
	t.Helper()
	dir := t.TempDir()
	mf := filepath.Join(dir, "moderators")
	if err := os.WriteFile(mf, []byte("# name token\nalice "+aliceToken+"\nbob "+bobToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	logs := &syncBuffer{}
	o := Options{
		DataDir: filepath.Join(dir, "data"), ModeratorsFile: mf, Registerer: reg,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	}
	for _, f := range opts {
		f(&o)
	}
	svc, err := Open(context.Background(), withSQLite(t, o))
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, svc, reg, logs)
}

// withSQLite gives o a SQLite store in its DataDir (with its Quotas), the
// backend the command picks by default.
func withSQLite(t *testing.T, o Options) Options {
	t.Helper()
	if o.Store != nil {
		return o
	}
	st, err := sqlite.Open(context.Background(), sqlite.Config{Dir: o.DataDir, Now: o.Now, Quotas: o.Quotas})
	if err != nil {
		t.Fatal(err)
	}
	o.Store = st
	return o
}

func serve(t *testing.T, svc *Service, reg *prometheus.Registry, logs *syncBuffer) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: svc.AdminHandler, ReadTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck
	t.Cleanup(func() {
		srv.Shutdown()
		svc.Close()
	})
	return &testServer{svc: svc, url: "http://" + ln.Addr().String(), reg: reg, logs: logs}
}

// testPNG draws a w×h image (a stand-in for an uploaded photo); seed makes
// the bytes differ so images are stored separately.
func testPNG(t testing.TB, w, h int, seed byte) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(200 + (x*7+y*3)%40), uint8(210 + (x+y)%30), uint8(220 + int(seed)%30), 255}
			// A dark square where the "code" is, so the screenshot shows one.
			if x > w/3 && x < w/3+w/4 && y > h/4 && y < h/4+w/4 && ((x/8+y/8)%2 == 0 || (x/24+y/24)%3 == 0) {
				c = color.RGBA{20, 20, 30, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// flagged is a record like the gateway would hand over: a QR code on
// image 0 and a WeChat ID in the second text.
func flagged(t testing.TB, scan, listing, seller, payload, identifier string, img []byte) *Record {
	text := "全新耳机，Ｖ信：" + identifier + "，包邮"
	start := len("全新耳机，")
	end := len(text) - len("，包邮")
	return &Record{
		ScanID: scan, ListingID: listing, SellerID: seller, Verdict: policy.Warn, PolicyVersion: "2025-03-01",
		Texts:  []string{"Wireless earbuds, like new", text},
		Images: []Image{{Index: 0, Name: "photo.png", Format: "png", Width: 480, Height: 360, Data: img}},
		Findings: []policy.Finding{
			{Source: policy.SourceImage, Image: 0, Symbology: "QR_CODE", Payload: payload, Identifier: identifier,
				Category: "wechat", Action: policy.Warn, Rule: "wechat.id-keyword",
				Corners: [][2]int{{160, 90}, {280, 92}, {278, 210}, {158, 208}}},
			{Source: policy.SourceText, Text: 1, Start: start, End: end, Symbology: symbology.TEXT,
				Payload: text[start:end], Identifier: identifier, Category: "wechat", Action: policy.Warn, Rule: "wechat.id-keyword"},
		},
		ScannedAt: time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC),
	}
}

func (ts *testServer) record(t testing.TB, r *Record) {
	t.Helper()
	if err := ts.svc.Recorder().Record(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// do sends a request with an optional token and JSON body and decodes a
// JSON answer into out (when out is not nil).
func (ts *testServer) do(t *testing.T, method, path, token string, body any, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, ts.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, to look at each step of the page's flows.
type browser struct {
	t *testing.T
	c *http.Client
	u string
}

func (ts *testServer) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, u: ts.url, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.u + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) post(path string, form map[string]string) (*http.Response, string) {
	b.t.Helper()
	var parts []string
	for k, v := range form {
		parts = append(parts, k+"="+urlQueryEscape(v))
	}
	resp, err := b.c.Post(b.u+path, "application/x-www-form-urlencoded", strings.NewReader(strings.Join(parts, "&")))
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// csrfOf pulls the csrf hidden field out of a page.
func csrfOf(t *testing.T, html string) string {
	t.Helper()
	const marker = `name="csrf" value="`
	i := strings.Index(html, marker)
	if i < 0 {
		t.Fatalf("no csrf field in page:\n%s", html)
	}
	rest := html[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

func (b *browser) login(token string) {
	b.t.Helper()
	_, page := b.get("/ui/login")
	resp, body := b.post("/ui/login", map[string]string{"csrf": csrfOf(b.t, page), "token": token})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
}

func urlQueryEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func mustURL(t testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustAddr(t testing.TB, s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
