package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
)

// testGateway is a gateway running on loopback for one test.
type testGateway struct {
	g      *Gateway
	reg    *prometheus.Registry
	rec    *fakeRecorder
	pub    string // http://127.0.0.1:port
	admin  string
	cancel context.CancelFunc
	done   chan error
}

type testOption func(*Options)

const testAdminToken = "admin-secret"

func startGateway(t *testing.T, opts ...testOption) *testGateway {
	t.Helper()
	pol, err := policy.NewHolder("")
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	rec := &fakeRecorder{}
	o := Options{
		Config:   Config{Workers: 2, QueueSize: 4, QueueTimeout: 5 * time.Second, ScanTimeout: 10 * time.Second, ShutdownTimeout: 20 * time.Second},
		Policy:   pol,
		Recorder: rec,
		Authenticate: func(ctx *fasthttp.RequestCtx) (string, error) {
			if string(ctx.Request.Header.Peek("Authorization")) != "Bearer "+testAdminToken {
				return "", &apierror.Error{Status: 401, Code: apierror.CodeUnauthorized, Message: "no"}
			}
			return "tester", nil
		},
		Logger:     slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Registerer: reg,
		Gatherer:   reg,
	}
	for _, f := range opts {
		f(&o)
	}
	g, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	pubLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	adminLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tg := &testGateway{g: g, reg: reg, rec: rec, cancel: cancel, done: make(chan error, 1),
		pub: "http://" + pubLn.Addr().String(), admin: "http://" + adminLn.Addr().String()}
	go func() { tg.done <- g.Run(ctx, pubLn, adminLn) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-tg.done:
		case <-time.After(10 * time.Second):
			t.Error("gateway did not stop")
		}
	})
	return tg
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d, body is not JSON: %v: %q", r.status, err, r.body)
	}
	return m
}

func (r response) errorCode(t *testing.T) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error object in %s", r.body)
	}
	code, _ := e["code"].(string)
	return code
}

func do(t *testing.T, method, url, contentType string, body []byte, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func postJSON(t *testing.T, url string, v any, header ...string) response {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, "POST", url, "application/json", b, header...)
}

// blankPNG is a clean image with no code.
func blankPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/gateway/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func metric(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return 0
}

// fakeRecorder records in memory and fails on demand.
type fakeRecorder struct {
	mu      sync.Mutex
	records []*store.Record
	fail    error
}

func (f *fakeRecorder) Record(_ context.Context, r *store.Record) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.records = append(f.records, r)
	return nil
}

func (f *fakeRecorder) Ready(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fail
}

func (f *fakeRecorder) setFail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

func (f *fakeRecorder) all() []*store.Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*store.Record(nil), f.records...)
}

var errDiskFull = errors.New("disk full")

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// syncBuffer is a log destination the gateway's goroutines and the test
// may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
