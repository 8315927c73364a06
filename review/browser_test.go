package review

import (
	"bytes"
	"context"
	"fmt"
	"github.com/qrgate/qrgate/internal/testenv"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/internal/testfixtures"
	"github.com/qrgate/qrgate/policy"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// updateScreenshotsEnv, when set, makes TestBrowserScreenshots write the
// PNGs that docs/moderation.md shows (go test -run Screenshots ./review/).
const updateScreenshotsEnv = "QRGATE_UPDATE_SCREENSHOTS"

// newBrowser starts a headless chromium with a fresh profile. It skips only
// outside CI: in CI (CI=true) a missing browser fails the test.
func newBrowser(t *testing.T) (context.Context, *atomic.Int32) {
	t.Helper()
	_, err := exec.LookPath(chromiumPath)
	testenv.Need(t, err == nil, "Debian's chromium ("+chromiumPath+")", "apt-get install -y chromium")
	if testing.Short() {
		t.Skip("short")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.WindowSize(1360, 1000),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })

	// Any alert/confirm/prompt is a failed XSS defence: count it and close
	// it so the page does not hang.
	var dialogs atomic.Int32
	events := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			dialogs.Add(1)
			t.Errorf("a JavaScript dialog opened: %q", ev.Message)
			chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true}) //nolint:errcheck
		}
	}()
	return ctx, &dialogs
}

func loginInBrowser(t *testing.T, ctx context.Context, base, token string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/ui/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), token),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("counts")),
	); err != nil {
		t.Fatalf("login: %v", err)
	}
}

func evalInt(t *testing.T, ctx context.Context, js string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return n
}

func evalString(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return s
}

// TestBrowserReviewFlow: log in, open a flagged listing, see its code
// outlined, approve it with the keyboard, and see the queue's counts move.
func TestBrowserReviewFlow(t *testing.T) {
	ctx, dialogs := newBrowser(t)
	ts := newTestServer(t)
	img, corners := testfixtures.QRPhoto("weixin://dl/chat?abc_123", 640, 480, 1)
	r := flagged(t, "s1", "L-1001", "S-77", "weixin://dl/chat?abc_123", "weixin://dl/chat?abc_123", img)
	r.Images[0].Width, r.Images[0].Height = 640, 480
	r.Findings[0].Corners = corners
	ts.record(t, r)
	ts.record(t, flagged(t, "s2", "L-1002", "S-78", "weixin: other", "other", testPNG(t, 480, 360, 2)))

	loginInBrowser(t, ctx, ts.url, aliceToken)
	if got := evalString(t, ctx, `document.getElementById('count-pending').textContent`); !strings.Contains(got, "2") {
		t.Fatalf("pending count before: %q", got)
	}
	// Open the flagged listing from the queue.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//a[text()="L-1001"]`)),
		chromedp.WaitVisible(chromedp.CSS("svg.overlay polygon.code")),
	); err != nil {
		t.Fatalf("open item: %v", err)
	}
	// The overlay is drawn where the code is: its box, in image pixels,
	// matches the corners, and it has a size on screen.
	box := evalString(t, ctx, `(function(){var p=document.querySelector('svg.overlay polygon.code');var b=p.getBBox();var r=p.getBoundingClientRect();
		return [Math.round(b.x),Math.round(b.y),Math.round(b.width),Math.round(b.height),r.width>20&&r.height>20].join(',')})()`)
	minX, minY, maxX, maxY := bounds(corners)
	if want := fmt.Sprintf("%d,%d,%d,%d,true", minX, minY, maxX-minX, maxY-minY); box != want {
		t.Errorf("overlay box %s, want %s", box, want)
	}
	if n := evalInt(t, ctx, `document.querySelectorAll('mark').length`); n != 1 {
		t.Errorf("%d highlighted spans, want 1", n)
	}
	if ok := evalInt(t, ctx, `document.querySelector('svg.overlay image').getBBox().width`); ok != 640 {
		t.Errorf("image in the overlay is %d wide, want 640", ok)
	}
	// Approve with the keyboard shortcut; the page moves to the next item.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("note"), "checked: not a contact"),
		chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
		chromedp.KeyEvent("a"),
		chromedp.WaitVisible(chromedp.Search(`//span[@id="listing" and text()="L-1002"]`)),
	); err != nil {
		t.Fatalf("approve: %v", err)
	}
	it, err := ts.svc.st.Get(context.Background(), 1)
	if err != nil || it.Decision == nil || it.Decision.Decision != "approve" || it.Decision.Moderator != "alice" || it.Decision.Note != "checked: not a contact" {
		t.Fatalf("after approving in the browser: %+v %v", it, err)
	}
	// Back to the queue: one pending, one approved.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("q"), chromedp.WaitVisible(chromedp.ID("counts"))); err != nil {
		t.Fatal(err)
	}
	pending := evalString(t, ctx, `document.getElementById('count-pending').textContent`)
	approved := evalString(t, ctx, `document.getElementById('count-approved').textContent`)
	if !strings.Contains(pending, "1") || !strings.Contains(approved, "1") {
		t.Errorf("queue after approving: %q, %q", pending, approved)
	}
	if n := evalInt(t, ctx, `document.querySelectorAll('#queue tbody tr').length`); n != 1 {
		t.Errorf("pending queue shows %d rows, want 1", n)
	}
	if dialogs.Load() != 0 {
		t.Errorf("%d dialogs", dialogs.Load())
	}
}

// TestBrowserXSSInert: a listing whose payload, texts, ids, rule and
// category are all markup renders as text, and no script of theirs runs.
func TestBrowserXSSInert(t *testing.T) {
	ctx, dialogs := newBrowser(t)
	ts := newTestServer(t)
	ts.record(t, hostile(t))
	loginInBrowser(t, ctx, ts.url, aliceToken)
	for _, path := range []string{"/ui/?status=pending", "/ui/items/1", "/ui/payloads/%3Cscript%3Ealert%281%29%3C%2Fscript%3E"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+path), chromedp.WaitVisible(chromedp.ID("queue"), chromedp.AtLeast(0)), chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		text := evalString(t, ctx, `document.body.innerText`)
		if !strings.Contains(text, "<script>alert(1)</script>") {
			t.Errorf("%s: the payload is not shown as text:\n%s", path, text)
		}
		// Only the app's own script element exists; no injected element.
		if n := evalInt(t, ctx, `document.querySelectorAll('script').length`); n != 1 {
			t.Errorf("%s: %d script elements", path, n)
		}
		if n := evalInt(t, ctx, `document.querySelectorAll('iframe, main img[src="x"], [onerror], [onload], [onmouseover]').length`); n != 0 {
			t.Errorf("%s: %d injected elements", path, n)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/ui/items/1"), chromedp.WaitVisible(chromedp.ID("findings"))); err != nil {
		t.Fatal(err)
	}
	if got := evalString(t, ctx, `document.querySelector('#findings td.payload code').textContent`); got != "<script>alert(1)</script>" {
		t.Errorf("payload cell text %q", got)
	}
	if dialogs.Load() != 0 {
		t.Errorf("%d dialogs opened", dialogs.Load())
	}
}

// TestBrowserScreenshots renders a realistic queue and item page and writes
// their screenshots (into docs/ when QRGATE_UPDATE_SCREENSHOTS=1).
func TestBrowserScreenshots(t *testing.T) {
	ctx, _ := newBrowser(t)
	ts := newTestServer(t)
	out := t.TempDir()
	if os.Getenv(updateScreenshotsEnv) != "" {
		out = os.Getenv(updateScreenshotsEnv)
		if out == "1" {
			out = filepath.Join("..", "docs")
		}
	}
	seedDemo(t, ts)
	loginInBrowser(t, ctx, ts.url, aliceToken)
	shots := []struct{ path, wait, file string }{
		{"/ui/?status=pending", "#queue", "review-queue.png"},
		{"/ui/items/3", "svg.overlay polygon.code", "review-item.png"},
	}
	for _, s := range shots {
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+s.path), chromedp.WaitVisible(chromedp.CSS(s.wait)), chromedp.Sleep(200*time.Millisecond)); err != nil {
			t.Fatalf("%s: %v", s.path, err)
		}
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Fatalf("%s: screenshot is not a PNG: %v", s.file, err)
		}
		if err := os.WriteFile(filepath.Join(out, s.file), b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", filepath.Join(out, s.file), len(b))
	}
}

// seedDemo fills the queue with a plausible day: a WeChat ring across
// sellers, a Telegram link, a phone number, some decided already.
func seedDemo(t *testing.T, ts *testServer) {
	base := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	items := []demo{
		{"L-20931", "S-1184", "weixin://dl/chat?ring_88", "weixin://dl/chat?ring_88", "wechat", "wechat.url", "正品保证 加微信 ring_88 有优惠", policy.Warn},
		{"L-20944", "S-2203", "https://t.me/cheap_phones_hk", "@cheap_phones_hk", "telegram", "telegram.link", "More stock on t.me/cheap_phones_hk", policy.Warn},
		{"L-20950", "S-1184", "weixin://dl/chat?ring_88", "weixin://dl/chat?ring_88", "wechat", "wechat.url", "全新耳机，Ｖ信：ring_88，包邮", policy.Warn},
		{"L-20957", "S-3090", "tel:+8613812345678", "+8613812345678", "phone", "phone.cn-mobile", "call 138 1234 5678 for discount", policy.Block},
		{"L-20961", "S-4471", "<script>alert(1)</script>", "", "plain", "plain.text", "<b>bold</b> claims & <i>markup</i>", policy.Warn},
		{"L-20968", "S-5012", "weixin://dl/chat?ring_88", "weixin://dl/chat?ring_88", "wechat", "wechat.url", "Like new. V: ring_88", policy.Warn},
	}
	for i, d := range items {
		img, corners := testfixtures.QRPhoto(d.payload, 640, 480, byte(i))
		text := d.text
		r := &Record{
			ScanID: fmt.Sprint("demo-", i), ListingID: d.listing, SellerID: d.seller, Verdict: d.verdict, PolicyVersion: "2025-03-01.2",
			Texts:  []string{"Wireless earbuds, sealed box", text},
			Images: []Image{{Index: 0, Name: "photo-1.png", Format: "png", Width: 640, Height: 480, Data: img}},
			Findings: []policy.Finding{{Source: policy.SourceImage, Image: 0, Symbology: "QR_CODE", Payload: d.payload, Identifier: d.ident,
				Category: d.cat, Action: d.verdict, Rule: d.rule, Corners: corners}},
			ScannedAt: base.Add(time.Duration(i) * 7 * time.Minute),
		}
		if tok := textToken(d); tok != "" {
			if at := strings.Index(text, tok); at >= 0 {
				r.Findings = append(r.Findings, policy.Finding{Source: policy.SourceText, Text: 1, Start: at, End: at + len(tok), Symbology: symbology.TEXT,
					Payload: tok, Identifier: d.ident, Category: d.cat, Action: d.verdict, Rule: d.rule + "-text"})
			}
		}
		ts.record(t, r)
	}
	for _, d := range []struct {
		id       int64
		decision string
		mod      string
		note     string
	}{{2, "reject", "bob", "Telegram reseller, known"}, {5, "approve", "alice", "markup only, no contact"}} {
		if _, err := ts.svc.decide(d.id, d.mod, decisionRequest{Decision: d.decision, Note: d.note}); err != nil {
			t.Fatal(err)
		}
	}
}

// demo is one seeded listing of the screenshots.
type demo struct {
	listing, seller, payload, ident, cat, rule, text string
	verdict                                          policy.Action
}

// textToken is the span of d's text a text finding marks.
func textToken(d demo) string {
	switch d.cat {
	case "wechat":
		if strings.Contains(d.text, "Ｖ信：ring_88") {
			return "Ｖ信：ring_88"
		}
		return "ring_88"
	case "telegram":
		return "t.me/cheap_phones_hk"
	case "phone":
		return "138 1234 5678"
	}
	return ""
}

func bounds(cs [][2]int) (minX, minY, maxX, maxY int) {
	minX, minY, maxX, maxY = cs[0][0], cs[0][1], cs[0][0], cs[0][1]
	for _, c := range cs {
		minX, minY, maxX, maxY = min(minX, c[0]), min(minY, c[1]), max(maxX, c[0]), max(maxY, c[1])
	}
	return
}
