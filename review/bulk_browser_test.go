package review

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qrgate/qrgate/review/store"
)

// pickBox is the selector of item id's checkbox in the queue.
func pickBox(id int) string { return fmt.Sprintf(`#rows tr[data-id="%d"] input.pick`, id) }

func clickNode(t *testing.T, ctx context.Context, sel string, mods ...chromedp.Modifier) {
	t.Helper()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(sel)))
	if err != nil || len(nodes) != 1 {
		t.Fatalf("%s: %d nodes, %v", sel, len(nodes), err)
	}
	if err := chromedp.Do(ctx, chromedp.MouseClickNode(nodes[0], chromedp.ButtonModifiers(mods...))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// TestBrowserBulkDecisions: a moderator selects rows with the mouse (a
// click, a shift-click range) and the keyboard (j to move, x to toggle),
// and rejects them with one note and one key. Each item gets its own
// decision and audit entry; the item another moderator decided meanwhile
// and the one another moderator has open are left alone and reported on
// their rows. The select-all box selects every row shown.
func TestBrowserBulkDecisions(t *testing.T) {
	ctx, dialogs := newBrowser(t)
	clock := &testClock{t: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}
	ts := newTestServer(t, func(o *Options) { o.Now = clock.now })
	for i := 1; i <= 8; i++ {
		ts.record(t, queueRecord(t, fmt.Sprint("b", i), fmt.Sprint("L-", i), "S-1", "wechat", clock.now().Add(-time.Hour)))
	}
	st := ts.svc.st
	bg := context.Background()
	if _, err := st.Claim(bg, 5, "bob", clock.now(), clock.now().Add(store.ClaimTTL)); err != nil {
		t.Fatal(err)
	}
	loginInBrowser(t, ctx, ts.url, aliceToken)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/ui/?status=pending"), chromedp.WaitVisible(chromedp.ID("queue"))); err != nil {
		t.Fatal(err)
	}
	if n := evalInt(t, ctx, `document.querySelectorAll('#bulk-approve:disabled, #bulk-reject:disabled').length`); n != 2 {
		t.Errorf("with nothing selected, %d of the 2 bulk buttons are disabled", n)
	}
	// Mouse: 1, then shift-click 4 selects 1–4.
	clickNode(t, ctx, pickBox(1))
	clickNode(t, ctx, pickBox(4), chromedp.ModifierShift)
	if got := evalString(t, ctx, `document.getElementById('picked').textContent`); got != "4 selected" {
		t.Errorf("after click 1, shift-click 4: %q, want 4 selected", got)
	}
	// Keyboard: j five times reaches row 5, x selects it; two more j, x
	// selects row 7.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
		chromedp.KeyEvent("jjjjjx"), chromedp.KeyEvent("jjx")); err != nil {
		t.Fatal(err)
	}
	picked := evalString(t, ctx, `[...document.querySelectorAll('#rows input.pick:checked')].map(b => b.value).join(',')`)
	if picked != "1,2,3,4,5,7" {
		t.Fatalf("selected %s, want 1,2,3,4,5,7", picked)
	}
	// Bob approves item 3 while alice's page is open.
	if _, err := st.Decide(bg, 3, store.Decision{Decision: store.Approve, Moderator: "bob", At: clock.now()}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("bulk-note"), "same ring: ring_88"),
		chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
		chromedp.KeyEvent("R"),
		chromedp.WaitVisible(chromedp.ID("bulk-results")),
	); err != nil {
		t.Fatalf("bulk reject: %v", err)
	}
	results := evalString(t, ctx, `[...document.querySelectorAll('#bulk-results li')].map(l => l.dataset.id + ':' + l.className + ':' + l.innerText).join('\n')`)
	for _, want := range []string{
		"1:ok:#1 L-1: rejected", "2:ok:#2 L-2: rejected", "4:ok:#4 L-4: rejected", "7:ok:#7 L-7: rejected",
		"3:conflict:#3 L-3: not decided: already approved by bob",
		"5:conflict:#5 L-5: not decided: claimed by bob until 12:05 UTC",
	} {
		if !strings.Contains(results, want) {
			t.Errorf("bulk results lack %q:\n%s", want, results)
		}
	}
	// One decision and one audit entry per item, each with the note.
	entries, err := st.Audit(bg, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var alice []string
	for _, e := range entries {
		if e.Moderator == "alice" {
			alice = append(alice, fmt.Sprintf("%d:%s:%s", e.ItemID, e.Decision, e.Note))
		}
	}
	if got := strings.Join(alice, ","); got != "7:reject:same ring: ring_88,4:reject:same ring: ring_88,2:reject:same ring: ring_88,1:reject:same ring: ring_88" {
		t.Errorf("alice's audit entries %s, want one reject with the note for each of 1, 2, 4, 7", got)
	}
	for id, want := range map[int64]store.Status{1: store.Rejected, 3: store.Approved, 5: store.Pending, 6: store.Pending} {
		it, err := st.Get(bg, id)
		if err != nil || it.Status != want {
			t.Errorf("item %d: %v %v, want %s", id, it.Status, err, want)
		}
	}
	// The queue shown after it holds what is still pending; select-all
	// takes every row, and unticking it none.
	if got := evalString(t, ctx, `[...document.querySelectorAll('#rows > tr')].map(r => r.dataset.id).join(',')`); got != "5,6,8" {
		t.Errorf("pending after the bulk decision: %s, want 5,6,8", got)
	}
	clickNode(t, ctx, "#pick-all")
	if got := evalString(t, ctx, `document.getElementById('picked').textContent + ' ' + document.querySelectorAll('#rows input.pick:checked').length`); got != "3 selected 3" {
		t.Errorf("select-all: %q", got)
	}
	clickNode(t, ctx, "#pick-all")
	if got := evalInt(t, ctx, `document.querySelectorAll('#rows input.pick:checked').length + document.querySelectorAll('#bulk-approve:disabled').length * 10`); got != 10 {
		t.Errorf("after unticking select-all: %d boxes ticked, approve enabled=%v", got%10, got < 10)
	}
	if dialogs.Load() != 0 {
		t.Errorf("%d dialogs", dialogs.Load())
	}
}
