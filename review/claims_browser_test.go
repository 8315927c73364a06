package review

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qrgate/qrgate/review/store"
)

// testClock is an injected clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestBrowserClaims: two moderators at once. Opening an item claims it;
// bob's claim shows in alice's queue and on the item, "next pending" skips
// it, it lapses after store.ClaimTTL, and a decision ends alice's own.
func TestBrowserClaims(t *testing.T) {
	ctx, dialogs := newBrowser(t)
	clock := &testClock{t: time.Now().UTC().Truncate(time.Minute)}
	ts := newTestServer(t, func(o *Options) { o.Now = clock.now })
	for i, l := range []string{"L-1", "L-2", "L-3"} {
		ts.record(t, flagged(t, "s"+l, l, "S-"+l, "weixin: c"+l, "c"+l, testPNG(t, 320, 240, byte(i))))
	}
	st := ts.svc.st
	bg := context.Background()
	// Bob (another replica, another tab: the store is what they share)
	// holds item 2.
	bobUntil := clock.now().Add(store.ClaimTTL)
	if _, err := st.Claim(bg, 2, "bob", clock.now(), bobUntil); err != nil {
		t.Fatal(err)
	}
	loginInBrowser(t, ctx, ts.url, aliceToken)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/ui/?status=pending"), chromedp.WaitVisible(chromedp.ID("queue"))); err != nil {
		t.Fatal(err)
	}
	until := bobUntil.Format("15:04 UTC")
	row := evalString(t, ctx, `document.querySelector('#queue a[href="/ui/items/2"]').closest('tr').innerText`)
	if !strings.Contains(row, "claimed by bob until "+until) {
		t.Errorf("queue row of bob's item: %q, want \"claimed by bob until %s\"", row, until)
	}
	// Alice opens item 3: she holds it now, and "next pending" skips bob's 2.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/ui/items/3"), chromedp.WaitVisible(chromedp.ID("findings"))); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Claim(bg, 3, "bob", clock.now(), clock.now().Add(time.Minute)); !errors.Is(err, store.ErrClaimed) {
		t.Fatalf("bob claims the item alice opened: %v, want ErrClaimed", err)
	}
	if next := evalString(t, ctx, `document.getElementById('next').getAttribute('href')`); next != "/ui/items/1" {
		t.Errorf("next pending from 3: %s, want /ui/items/1 (2 is bob's)", next)
	}
	if n := evalInt(t, ctx, `document.querySelectorAll('#claimed').length`); n != 0 {
		t.Errorf("alice's own item shows a claim banner")
	}
	// Alice opens bob's item anyway: the page says whose it is, and does
	// not take it from him.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/ui/items/2"), chromedp.WaitVisible(chromedp.ID("claimed"))); err != nil {
		t.Fatal(err)
	}
	if got := evalString(t, ctx, `document.getElementById('claimed').innerText`); !strings.Contains(got, "Claimed by bob until "+until) {
		t.Errorf("banner %q", got)
	}
	// Bob's claim lapses: alice reopens the item and it is hers.
	clock.advance(store.ClaimTTL + time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/ui/items/2"), chromedp.WaitVisible(chromedp.ID("findings"))); err != nil {
		t.Fatal(err)
	}
	if n := evalInt(t, ctx, `document.querySelectorAll('#claimed').length`); n != 0 {
		t.Errorf("an expired claim is still shown")
	}
	if _, err := st.Claim(bg, 2, "bob", clock.now(), clock.now().Add(time.Minute)); !errors.Is(err, store.ErrClaimed) {
		t.Fatalf("bob claims after alice reopened: %v, want ErrClaimed", err)
	}
	// Deciding ends alice's claim: bob can take another item at once, and
	// the queue shows no claim on the decided one.
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
		chromedp.KeyEvent("r"),
		chromedp.WaitVisible(chromedp.Search(`//span[@id="listing" and text()!="L-2"]`)),
	); err != nil {
		t.Fatalf("reject: %v", err)
	}
	p, err := st.List(bg, store.Filter{Now: clock.now()})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range p.Items {
		if it.ID == 2 && (it.Status != store.Rejected || it.Claim != nil) {
			t.Fatalf("item 2 after rejecting: %s, claim %+v", it.Status, it.Claim)
		}
	}
	if dialogs.Load() != 0 {
		t.Errorf("%d dialogs", dialogs.Load())
	}
}
