package review

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qrgate/qrgate/policy"
)

// queueRecord is a flagged listing with the given images (the first
// flagged, the others not), scanned at `at`, of one category.
func queueRecord(t *testing.T, scan, listing, seller, category string, at time.Time, images ...[]byte) *Record {
	r := flagged(t, scan, listing, seller, "weixin: "+scan, scan, nil)
	r.ScannedAt = at
	r.Images = nil
	for i, img := range images {
		r.Images = append(r.Images, Image{Index: i, Name: fmt.Sprintf("p%d.png", i), Format: "png", Width: 480, Height: 360, Data: img})
	}
	for i := range r.Findings {
		r.Findings[i].Category = category
	}
	if len(images) == 0 {
		r.Findings = r.Findings[1:] // the text finding alone
	}
	return r
}

// waitTrue waits until a JavaScript expression is true (an event the page
// reaches: images decoded, rows loaded), never a fixed sleep.
func waitTrue(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("waiting for %s: %v", js, err)
	}
}

// TestBrowserQueueRows: the pending queue opens oldest first with each
// row's age, thumbnails of every image (the flagged one marked) and the
// seller's flag count; the category filter offers the policy in force's
// categories (stumble 8: not "telegram", which is no category) and follows
// a reload; past 50 rows, scrolling loads the rest without repeats.
func TestBrowserQueueRows(t *testing.T) {
	ctx, dialogs := newBrowser(t)
	clock := &testClock{t: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}
	var pol atomic.Pointer[policy.Policy]
	pol.Store(policy.Default())
	ts := newTestServer(t, func(o *Options) { o.Now = clock.now; o.Policy = pol.Load })
	now := clock.now()
	ts.record(t, queueRecord(t, "mid", "L-mid", "S-9", "wechat", now.Add(-90*time.Minute), testPNG(t, 480, 360, 5)))
	ts.record(t, queueRecord(t, "old", "L-old", "S-9", "wechat", now.Add(-3*time.Hour), testPNG(t, 480, 360, 1), testPNG(t, 360, 480, 9)))
	ts.record(t, queueRecord(t, "msg", "L-msg", "S-9", "messenger", now.Add(-10*time.Minute), testPNG(t, 480, 360, 7)))
	for i := 0; i < 60; i++ {
		ts.record(t, queueRecord(t, fmt.Sprint("f", i), fmt.Sprint("L-f", i), fmt.Sprint("S-f", i), "phone", now.Add(-time.Duration(60-i)*time.Second)))
	}
	loginInBrowser(t, ctx, ts.url, aliceToken)

	// Oldest first, by arrival in the queue (ID): L-mid arrived first.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/ui/?status=pending"), chromedp.WaitVisible(chromedp.ID("queue"))); err != nil {
		t.Fatal(err)
	}
	first := evalString(t, ctx, `[...document.querySelectorAll('#rows > tr')].slice(0,3).map(r => r.querySelector('td:nth-child(5)').innerText).join(',')`)
	if first != "L-mid,L-old,L-msg" {
		t.Errorf("pending queue starts %s, want the oldest arrivals first: L-mid,L-old,L-msg", first)
	}
	row := `document.querySelector('#rows > tr[data-id="2"]')`
	if got := evalString(t, ctx, row+`.querySelector('.age').innerText`); got != "3 h 00 min" {
		t.Errorf("L-old waits %q, want 3 h 00 min", got)
	}
	if got := evalString(t, ctx, row+`.querySelector('.flags').innerText`); got != "3 flags" {
		t.Errorf("seller S-9's flag count %q, want 3 flags", got)
	}
	// Both images have a thumbnail, decoded by the browser at the
	// thumbnailer's size; only image 0 is marked flagged.
	waitTrue(t, ctx, row+`.querySelectorAll('img.thumb').length == 2 && [...`+row+`.querySelectorAll('img.thumb')].every(i => i.complete && i.naturalWidth > 0)`)
	if got := evalString(t, ctx, `[...`+row+`.querySelectorAll('img.thumb')].map(i => i.naturalWidth + 'x' + i.naturalHeight + (i.classList.contains('flagged') ? ' flagged' : '')).join(',')`); got != "256x192 flagged,192x256" {
		t.Errorf("thumbnails %q, want 256x192 flagged,192x256", got)
	}

	// The category filter lists the policy's categories, not free text.
	opts := evalString(t, ctx, `[...document.querySelectorAll('#category-filter option')].map(o => o.value).filter(v => v).join(',')`)
	want := []string{policy.CategoryTooManyFindings}
	for c := range policy.Default().Categories() {
		want = append(want, c)
	}
	slices.Sort(want)
	if opts != strings.Join(want, ",") {
		t.Errorf("category options %s, want the default policy's %s", opts, strings.Join(want, ","))
	}
	if strings.Contains(opts, "telegram") {
		t.Errorf("the filter offers telegram, which is not a category")
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("category-filter"), "messenger"),
		chromedp.Submit(chromedp.ID("filters")),
		chromedp.WaitReady(chromedp.Search(`//select[@id="category-filter"]/option[@value="messenger" and @selected]`)),
	); err != nil {
		t.Fatal(err)
	}
	if got := evalString(t, ctx, `[...document.querySelectorAll('#rows > tr')].map(r => r.querySelector('td:nth-child(5)').innerText).join(',')`); got != "L-msg" {
		t.Errorf("category messenger lists %q, want L-msg", got)
	}
	// A reloaded policy's new category is offered at the next page.
	p, err := policy.Parse([]byte("version: r2\ncategories:\n  escrow_scam: block\n  external_link: warn\n"))
	if err != nil {
		t.Fatal(err)
	}
	pol.Store(p)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/ui/?status=pending"), chromedp.WaitVisible(chromedp.ID("queue"))); err != nil {
		t.Fatal(err)
	}
	if n := evalInt(t, ctx, `document.querySelectorAll('#category-filter option[value="escrow_scam"]').length`); n != 1 {
		t.Errorf("after a policy reload the filter does not offer escrow_scam")
	}

	// 63 pending rows: 50 at first, the rest as the end scrolls into view.
	if n := evalInt(t, ctx, `document.querySelectorAll('#rows > tr').length`); n != 50 {
		t.Errorf("first page shows %d rows, want 50", n)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("more-wrap"))); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, ctx, `document.querySelectorAll('#rows > tr').length >= 63 && !document.getElementById('more')`)
	ids := evalString(t, ctx, `[...document.querySelectorAll('#rows > tr')].map(r => r.dataset.id).join(',')`)
	var wantIDs []string
	for i := 1; i <= 63; i++ {
		wantIDs = append(wantIDs, fmt.Sprint(i))
	}
	if ids != strings.Join(wantIDs, ",") {
		t.Errorf("rows after scrolling: %s, want 1…63 once each, oldest first", ids)
	}
	// Newest first on request.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/ui/?status=pending&order=newest"), chromedp.WaitVisible(chromedp.ID("queue"))); err != nil {
		t.Fatal(err)
	}
	if got := evalString(t, ctx, `document.querySelector('#rows > tr').dataset.id`); got != "63" {
		t.Errorf("newest first starts at %s, want 63", got)
	}
	if dialogs.Load() != 0 {
		t.Errorf("%d dialogs", dialogs.Load())
	}
}
