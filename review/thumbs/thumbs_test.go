package thumbs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	goimage "image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/internal/testfixtures"
	"github.com/qrgate/qrgate/membudget"
)

func shaOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// photo is a JPEG of w×h in colour, gradients and a checkered square
// (seed makes it distinct).
func photo(w, h int, seed uint64) []byte {
	img := goimage.NewRGBA(goimage.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			v := uint8(x*255/w) ^ uint8(seed)
			if x > w/3 && x < w/2 && y > h/3 && y < h/2 && (x/8+y/8)%2 == 0 {
				v = 20
			}
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, uint8(y*255/h), uint8(seed*37), 255
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// gate is an injected decode that counts calls, says when each starts and
// waits for the test to open it before decoding for real.
type gate struct {
	calls   atomic.Int64
	started chan struct{}
	open    chan struct{}
}

func newGate() *gate { return &gate{started: make(chan struct{}, 64), open: make(chan struct{})} }

func (g *gate) decode(ctx context.Context, data []byte, lim image.Limits, maxSide int) (image.Info, *goimage.Gray, error) {
	g.calls.Add(1)
	g.started <- struct{}{}
	<-g.open
	return thumbnail(ctx, data, lim, maxSide)
}

func newMaker(t *testing.T, cfg Config) (*Maker, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	cfg.Registerer = reg
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m, reg
}

func (m *Maker) result(r string) float64 { return testutil.ToFloat64(m.m.results.WithLabelValues(r)) }

// TestOneDecodeManyRequests: eight requests at once for one thumbnail
// decode the image once and all get it; the next request is a cache hit,
// also for a new Maker on the same directory (a restart).
func TestOneDecodeManyRequests(t *testing.T) {
	m, _ := newMaker(t, Config{})
	g := newGate()
	m.decode = g.decode
	img := photo(1600, 800, 1)
	sha := shaOf(img)
	var wg sync.WaitGroup
	bodies := make([][]byte, 8)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			th, err := m.Get(context.Background(), sha, 512, img)
			if err != nil {
				t.Error(err)
			}
			bodies[i] = th.Body
		}()
	}
	<-g.started
	close(g.open)
	wg.Wait()
	if n := g.calls.Load(); n != 1 {
		t.Errorf("8 requests at once: %d decodes, want 1", n)
	}
	for i, b := range bodies {
		if !bytes.Equal(b, bodies[0]) {
			t.Fatalf("request %d got other bytes", i)
		}
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(bodies[0]))
	if err != nil || cfg.Width != 512 || cfg.Height != 256 {
		t.Errorf("thumbnail: %+v %v, want a 512×256 JPEG", cfg, err)
	}
	if _, err := m.Get(context.Background(), sha, 500, img); err != nil || g.calls.Load() != 1 || m.result("cached") != 1 {
		t.Errorf("second request (500 px rounds to 512): %v, %d decodes, %v cache hits; want 1 decode and a hit", err, g.calls.Load(), m.result("cached"))
	}
	again, _ := newMaker(t, Config{Dir: m.cfg.Dir})
	again.decode = g.decode
	if th, err := again.Get(context.Background(), sha, 512, img); err != nil || !bytes.Equal(th.Body, bodies[0]) || g.calls.Load() != 1 {
		t.Errorf("after a restart: %v, %d decodes; want the cached thumbnail", err, g.calls.Load())
	}
}

// TestBusy: with both decode slots held, a third image is refused at once
// with ErrBusy (never queued); with the memory budget held, too. Once the
// slots are free it is made.
func TestBusy(t *testing.T) {
	a, b, c := photo(1200, 900, 2), photo(1200, 900, 3), photo(1200, 900, 4)
	m, _ := newMaker(t, Config{Decodes: 2})
	g := newGate()
	m.decode = g.decode
	done := make(chan error, 2)
	for _, img := range [][]byte{a, b} {
		go func() { _, err := m.Get(context.Background(), shaOf(img), 512, img); done <- err }()
	}
	<-g.started
	<-g.started
	expectBusy(t, "a third decode with two slots held", m, g, c)
	close(g.open)
	for range 2 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if _, err := m.Get(context.Background(), shaOf(c), 512, c); err != nil || m.result("busy") != 1 || g.calls.Load() != 3 {
		t.Errorf("the third once the slots are free: %v, busy %v, decodes %d", err, m.result("busy"), g.calls.Load())
	}

	// Memory: room for one decode of these images, not two.
	info, _ := image.Inspect(a)
	need := info.Bytes + 8*512*512
	m2, _ := newMaker(t, Config{Decodes: 4, Memory: membudget.New(need * 3 / 2)})
	g2 := newGate()
	m2.decode = g2.decode
	go func() { _, err := m2.Get(context.Background(), shaOf(a), 512, a); done <- err }()
	<-g2.started
	expectBusy(t, "a second decode past the memory budget", m2, g2, b)
	close(g2.open)
	if err := <-done; err != nil {
		t.Error(err)
	}
}

// expectBusy asks m for img's thumbnail while g holds the decodes in
// progress: the answer must be ErrBusy, not another decode starting.
func expectBusy(t *testing.T, what string, m *Maker, g *gate, img []byte) {
	t.Helper()
	res := make(chan error, 1)
	go func() { _, err := m.Get(context.Background(), shaOf(img), 512, img); res <- err }()
	select {
	case err := <-res:
		if !errors.Is(err, ErrBusy) {
			t.Errorf("%s: %v, want ErrBusy", what, err)
		}
	case <-g.started:
		t.Errorf("%s: the decode started, want ErrBusy", what)
	}
}

// TestPlaceholders: what the headers or the budget refuse gets a
// placeholder naming the reason, without a decode, cached; a decode that
// fails gets one with the decoder's reason; a timeout's is not cached.
func TestPlaceholders(t *testing.T) {
	m, _ := newMaker(t, Config{Limits: image.Limits{MaxPixels: 40_000_000, MaxFrames: 50, MaxWork: 500_000_000}})
	var calls atomic.Int64
	m.decode = func(ctx context.Context, data []byte, lim image.Limits, maxSide int) (image.Info, *goimage.Gray, error) {
		calls.Add(1)
		return thumbnail(ctx, data, lim, maxSide)
	}
	good := photo(1200, 900, 5)
	for _, c := range []struct {
		name    string
		data    []byte
		reason  string
		decodes int64
	}{
		{"16-bit RGBA PNG 6300²: over the memory budget", testfixtures.PNG16(6300, 6300, 1), "too_large", 0},
		{"PNG bomb 50000²", testfixtures.PNGBomb(50000, 50000), "too_large", 0},
		{"progressive JPEG of 2000 scans", testfixtures.ProgressiveJPEG(1024, 1024, 2000), "too_complex", 0},
		{"GIF of 3000 frames", gifFrames(3000), "too_many_frames", 0},
		{"not an image", []byte("<svg onload=alert(1)>"), "unsupported", 0},
		{"cut in half", good[:len(good)/2], "truncated", 1},
	} {
		before := calls.Load()
		th, err := m.Get(context.Background(), shaOf(c.data), 512, c.data)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if th.Reason != c.reason || th.ContentType != "image/svg+xml" || !validSVG(t, th.Body, "no thumbnail: "+c.reason) {
			t.Errorf("%s: reason %q (%s), want %q:\n%s", c.name, th.Reason, th.ContentType, c.reason, th.Body)
		}
		if n := calls.Load() - before; n != c.decodes {
			t.Errorf("%s: %d decodes, want %d", c.name, n, c.decodes)
		}
		if th2, _ := m.Get(context.Background(), shaOf(c.data), 512, c.data); th2.Reason != c.reason || calls.Load()-before != c.decodes {
			t.Errorf("%s again: reason %q, %d decodes; want the cached placeholder", c.name, th2.Reason, calls.Load()-before)
		}
	}

	// A 16-bit PNG within the budget is decoded, once.
	small16 := testfixtures.PNG16(2000, 1000, 2)
	before := calls.Load()
	th, err := m.Get(context.Background(), shaOf(small16), 512, small16)
	if err != nil || th.Reason != "" || th.ContentType != "image/jpeg" || calls.Load()-before != 1 {
		t.Errorf("a 2000×1000 16-bit PNG: %q %s %v, %d decodes; want a JPEG from one decode", th.Reason, th.ContentType, err, calls.Load()-before)
	}

	// A decode cut short by its deadline: a placeholder, not cached.
	m.decode = func(ctx context.Context, data []byte, lim image.Limits, maxSide int) (image.Info, *goimage.Gray, error) {
		calls.Add(1)
		return image.Info{}, nil, &image.Error{Kind: image.Interrupted, Message: "deadline passed"}
	}
	before = calls.Load()
	for range 2 {
		if th, err := m.Get(context.Background(), shaOf(good), 512, good); err != nil || th.Reason != "timeout" {
			t.Errorf("timeout: %+v %v", th.Reason, err)
		}
	}
	if n := calls.Load() - before; n != 2 {
		t.Errorf("a timeout's placeholder was cached: %d decodes for 2 requests, want 2", n)
	}
}

// gifFrames is a GIF of n 1×1 frames.
func gifFrames(n int) []byte {
	b := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff")
	for range n {
		b = append(b, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0)
	}
	return append(b, 0x3B)
}

// validSVG parses body as XML: an svg root holding only rect and text,
// whose text includes want.
func validSVG(t *testing.T, body []byte, want string) bool {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(body))
	var text strings.Builder
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("placeholder is not XML: %v", err)
			return false
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if ok := (depth == 0 && e.Name.Local == "svg") || (depth == 1 && (e.Name.Local == "rect" || e.Name.Local == "text")); !ok {
				t.Errorf("placeholder has a <%s> at depth %d", e.Name.Local, depth)
				return false
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			text.Write(e)
		}
	}
	return strings.Contains(text.String(), want)
}

// TestPlaceholderEscapes: a decoder's message quoting hostile bytes is
// text in the SVG, never markup.
func TestPlaceholderEscapes(t *testing.T) {
	evil := `</text><script>alert(1)</script><text>& "'`
	th := placeholder(image.Info{Width: 100, Height: 100}, 512, &image.Error{Kind: image.Corrupt, Message: evil})
	if !validSVG(t, th.Body, evil) {
		t.Errorf("the message is not in the placeholder as text:\n%s", th.Body)
	}
	long := placeholder(image.Info{}, 512, errors.New(strings.Repeat("é", 500)))
	if !validSVG(t, long.Body, "…") || long.Reason != "corrupt" {
		t.Errorf("a long message is not cut on a rune boundary:\n%s", long.Body)
	}
}

// TestCacheBounded: the cache stays within its bytes, dropping the least
// recently used; Sweep drops what was not used since a time; Forget drops
// an image's every size.
func TestCacheBounded(t *testing.T) {
	dir := t.TempDir()
	var imgs [][]byte
	for i := range 12 {
		imgs = append(imgs, photo(700, 500, uint64(10+i)))
	}
	m, _ := newMaker(t, Config{Dir: dir})
	th, _ := m.Get(context.Background(), shaOf(imgs[0]), 512, imgs[0])
	size := int64(len(th.Body))
	bound := size * 4
	m, _ = newMaker(t, Config{Dir: t.TempDir(), CacheBytes: bound})
	for _, img := range imgs {
		if _, err := m.Get(context.Background(), shaOf(img), 512, img); err != nil {
			t.Fatal(err)
		}
		if got := dirBytes(t, m.cfg.Dir); got > bound+size { // the last one is written, then evicted for
			t.Fatalf("cache holds %d bytes, bound %d", got, bound)
		}
	}
	last := imgs[len(imgs)-1]
	if _, ok := m.cache.get(shaOf(last), 512); !ok {
		t.Error("the most recent thumbnail was evicted")
	}
	if _, ok := m.cache.get(shaOf(imgs[0]), 512); ok {
		t.Error("the least recently used thumbnail was kept past the bound")
	}
	n, err := m.Sweep(time.Now().Add(time.Hour))
	if err != nil || n == 0 || dirBytes(t, m.cfg.Dir) != 0 {
		t.Errorf("Sweep of everything: %d files, %v, %d bytes left", n, err, dirBytes(t, m.cfg.Dir))
	}
	m.Get(context.Background(), shaOf(last), 256, last)
	m.Get(context.Background(), shaOf(last), 1600, last)
	m.Forget(shaOf(last))
	if got := dirBytes(t, m.cfg.Dir); got != 0 {
		t.Errorf("Forget left %d bytes", got)
	}
}

func dirBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error { //nolint:errcheck
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// TestSides: sizes round up to the next of Sides, never past the last,
// and the long side is the one bounded.
func TestSides(t *testing.T) {
	for in, want := range map[int]int{0: 512, 1: 256, 256: 256, 257: 512, 1600: 1600, 2048: 1600, 1 << 30: 1600} {
		if got := Side(in); got != want {
			t.Errorf("Side(%d) = %d, want %d", in, got, want)
		}
	}
	m, _ := newMaker(t, Config{})
	tall := photo(300, 3000, 7)
	th, err := m.Get(context.Background(), shaOf(tall), 2048, tall)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(th.Body))
	if err != nil || img.Bounds() != goimage.Rect(0, 0, 160, 1600) {
		t.Errorf("a 300×3000 image at ?w=2048: %v %v, want 160×1600", img.Bounds(), err)
	}
	small := photo(400, 300, 8)
	if th, err := m.Get(context.Background(), shaOf(small), 512, small); err != nil || !th.Original {
		t.Errorf("an image within the side: %+v %v, want the original", th.Reason, err)
	}
}
