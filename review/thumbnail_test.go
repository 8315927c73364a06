package review

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image/jpeg"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/qrgate/qrgate/internal/testfixtures"
	"github.com/qrgate/qrgate/membudget"
)

// gathered is the value of the series name{label="value"} in reg (0 when
// absent).
func gathered(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if label == "" || l.GetName() == label && l.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
			if label == "" {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

type imageAnswer struct {
	status              int
	contentType, reason string
	body                []byte
}

func (ts *testServer) getImage(t *testing.T, path string) imageAnswer {
	req, _ := http.NewRequest("GET", ts.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+aliceToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return imageAnswer{}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return imageAnswer{resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("X-Thumbnail-Placeholder"), b}
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestThumbnailsOfBombs: four moderators' thumbnails of four stored
// 16-bit RGBA PNG bombs (6300², 317 MB of pixels each), asked for at once
// at 2048 px, get a placeholder naming the reason — the decode would need
// more memory than thumbnails may hold — with no decode at all; asked for
// again, they come from the cache.
func TestThumbnailsOfBombs(t *testing.T) {
	ts := newTestServer(t)
	var shas []string
	for i := range 4 {
		bomb := testfixtures.PNG16(6300, 6300, i)
		r := flagged(t, fmt.Sprintf("bomb-%d", i), fmt.Sprintf("L%d", i), "S1", "https://u.wechat.com/x", "abc_123456", bomb)
		ts.record(t, r)
		shas = append(shas, hexSHA(bomb))
	}
	for round, result := range []string{"placeholder", "cached"} {
		answers := make([]imageAnswer, len(shas))
		var wg sync.WaitGroup
		for i, sha := range shas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i] = ts.getImage(t, "/v1/images/"+sha+"?w=2048")
			}()
		}
		wg.Wait()
		for i, a := range answers {
			if a.status != 200 || a.contentType != "image/svg+xml" || a.reason != "too_large" ||
				!bytes.Contains(a.body, []byte("no thumbnail: too_large")) {
				t.Errorf("round %d, bomb %d: %d %s %q: %.80q", round+1, i, a.status, a.contentType, a.reason, a.body)
			}
		}
		if n := gathered(t, ts.reg, "qrgate_review_thumbnails_total", "result", result); n != 4 {
			t.Errorf("round %d: %v thumbnails %s, want 4", round+1, n, result)
		}
	}
	if n := gathered(t, ts.reg, "qrgate_review_thumbnail_decodes_total", "", ""); n != 0 {
		t.Errorf("%v decodes for the bombs' thumbnails, want 0", n)
	}
}

// TestThumbnailOfPhoto: a stored 2000×1000 image asked for at 1600 px is
// a 1600×800 JPEG made by one decode; again, a cache hit; without ?w, the
// original bytes.
func TestThumbnailOfPhoto(t *testing.T) {
	ts := newTestServer(t)
	img := testPNG(t, 2000, 1000, 1)
	ts.record(t, flagged(t, "p1", "L1", "S1", "https://u.wechat.com/x", "abc_123456", img))
	path := "/v1/images/" + hexSHA(img)
	for range 2 {
		a := ts.getImage(t, path+"?w=1600")
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(a.body))
		if a.status != 200 || a.contentType != "image/jpeg" || err != nil || cfg.Width != 1600 || cfg.Height != 800 {
			t.Errorf("?w=1600: %d %s %+v %v, want a 1600×800 JPEG", a.status, a.contentType, cfg, err)
		}
	}
	if d, c := gathered(t, ts.reg, "qrgate_review_thumbnail_decodes_total", "", ""),
		gathered(t, ts.reg, "qrgate_review_thumbnails_total", "result", "cached"); d != 1 || c != 1 {
		t.Errorf("two requests: %v decodes, %v cache hits; want 1 and 1", d, c)
	}
	if a := ts.getImage(t, path); !bytes.Equal(a.body, img) || !strings.HasPrefix(a.contentType, "image/png") {
		t.Errorf("the original: %s, %d bytes", a.contentType, len(a.body))
	}
}

// TestThumbnailsSweptWithRetention: a maintenance round drops the
// thumbnails unused for the retention period (a purged image's, which
// nothing can ask for any more, go with it).
func TestThumbnailsSweptWithRetention(t *testing.T) {
	now := time.Now()
	ts := newTestServer(t, func(o *Options) {
		o.RetainDecided = time.Hour
		o.Now = func() time.Time { return now }
	})
	img := testPNG(t, 1200, 600, 2)
	ts.record(t, flagged(t, "p1", "L1", "S1", "https://u.wechat.com/x", "abc_123456", img))
	if a := ts.getImage(t, "/v1/images/"+hexSHA(img)+"?w=512"); a.contentType != "image/jpeg" {
		t.Fatalf("thumbnail: %d %s", a.status, a.contentType)
	}
	dir := filepath.Join(filepath.Dir(ts.svc.st.(interface{ Path() string }).Path()), "thumbnails")
	count := func() int {
		n := 0
		filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error { //nolint:errcheck
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		return n
	}
	ts.svc.Maintain()
	if n := count(); n != 1 {
		t.Fatalf("within the retention: %d cached files, want 1", n)
	}
	now = now.Add(2 * time.Hour)
	ts.svc.Maintain()
	if n := count(); n != 0 {
		t.Errorf("after the retention: %d cached files, want 0", n)
	}
}

// TestThumbnailBusyIs503: while the decode memory budget (the scans') is
// spent, a thumbnail that needs a decode is 503 overloaded with
// Retry-After, at once; once the bytes are back, it is made.
func TestThumbnailBusyIs503(t *testing.T) {
	budget := membudget.New(64 << 20)
	ts := newTestServer(t, func(o *Options) { o.DecodeMemory = budget })
	img := testPNG(t, 1200, 600, 3)
	ts.record(t, flagged(t, "p1", "L1", "S1", "https://u.wechat.com/x", "abc_123456", img))
	release, err := budget.Acquire(context.Background(), budget.Max(), 0)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", ts.url+"/v1/images/"+hexSHA(img)+"?w=512", nil)
	req.Header.Set("Authorization", "Bearer "+aliceToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !bytes.Contains(body, []byte(`"overloaded"`)) {
		t.Errorf("with the budget spent: %d Retry-After %q %.120q, want 503 overloaded", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	release()
	if a := ts.getImage(t, "/v1/images/"+hexSHA(img)+"?w=512"); a.status != 200 || a.contentType != "image/jpeg" {
		t.Errorf("with the budget back: %d %s", a.status, a.contentType)
	}
}
