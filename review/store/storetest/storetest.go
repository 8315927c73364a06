// Package storetest is the behaviour every review store backend must have,
// as one test suite: review/sqlite and review/postgres run it against a
// real database each.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
)

// Opener opens a fresh, empty store with the given quotas for one test;
// the suite closes it.
type Opener func(t *testing.T, q store.Quotas) store.Store

// Run runs the whole suite.
func Run(t *testing.T, openQ Opener) {
	open := func(t *testing.T) store.Store { return openQ(t, store.Quotas{}) }
	t.Run("PutGet", func(t *testing.T) { testPutGet(t, open(t)) })
	t.Run("Idempotent", func(t *testing.T) { testIdempotent(t, open(t)) })
	t.Run("ImagesStoredOnce", func(t *testing.T) { testImagesOnce(t, open(t)) })
	t.Run("ListFiltersAndCursor", func(t *testing.T) { testList(t, open(t)) })
	t.Run("Decide", func(t *testing.T) { testDecide(t, open(t)) })
	t.Run("ConcurrentDecisions", func(t *testing.T) { testConcurrentDecide(t, open(t)) })
	t.Run("Spread", func(t *testing.T) { testSpread(t, open(t)) })
	t.Run("ConcurrentPuts", func(t *testing.T) { testConcurrentPuts(t, open(t)) })
	t.Run("Invalid", func(t *testing.T) { testInvalid(t, open(t)) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open(t)) })
	t.Run("Ready", func(t *testing.T) { testReady(t, open(t)) })
	t.Run("SellerQuota", func(t *testing.T) { testSellerQuota(t, openQ) })
	t.Run("ClientAndTotalQuota", func(t *testing.T) { testClientAndTotalQuota(t, openQ) })
	t.Run("AddressAndNoSellerQuota", func(t *testing.T) { testAddressAndNoSellerQuota(t, openQ) })
	t.Run("TextQuota", func(t *testing.T) { testTextQuota(t, openQ) })
	t.Run("ConcurrentQuota", func(t *testing.T) { testConcurrentQuota(t, openQ) })
	t.Run("Purge", func(t *testing.T) { testPurge(t, openQ) })
	t.Run("Feed", func(t *testing.T) { testFeed(t, open(t)) })
	t.Run("FeedConcurrent", func(t *testing.T) { testFeedConcurrent(t, open(t)) })
	t.Run("DeliveryCursor", func(t *testing.T) { testDeliveryCursor(t, open(t)) })
	t.Run("Claims", func(t *testing.T) { testClaims(t, open(t)) })
	t.Run("ClaimsConcurrent", func(t *testing.T) { testClaimsConcurrent(t, open(t)) })
	t.Run("QueueRows", func(t *testing.T) { testQueueRows(t, open(t)) })
	t.Run("OldestFirst", func(t *testing.T) { testOldestFirst(t, open(t)) })
}

// T0 is the suite's reference time.
var T0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// PNG is a tiny valid PNG (1×1), enough for content addressing.
var PNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

// NewRecord builds a flagged record with one QR finding and one text finding.
func NewRecord(scanID, listing, seller, identifier string, img []byte) *store.Record {
	text := "全新耳机，Ｖ信：" + identifier + "，包邮"
	start := len("全新耳机，")
	return &store.Record{
		ScanID: scanID, ListingID: listing, SellerID: seller,
		Verdict: policy.Warn, PolicyVersion: "test-1",
		Texts:  []string{"title", text},
		Images: []store.Image{{Index: 0, Name: "a.png", Format: "png", Width: 640, Height: 480, Data: img}},
		Findings: []policy.Finding{
			{Source: policy.SourceImage, Image: 0, Symbology: "QR_CODE", Payload: "weixin: " + identifier, Identifier: identifier,
				Category: "wechat", Action: policy.Warn, Rule: "wechat.id-keyword", Corners: [][2]int{{10, 10}, {100, 12}, {98, 110}, {9, 108}}},
			{Source: policy.SourceText, Text: 1, Start: start, End: len(text) - len("，包邮"), Symbology: symbology.TEXT,
				Payload: text[start : len(text)-len("，包邮")], Identifier: identifier, Category: "wechat", Action: policy.Warn, Rule: "wechat.id-keyword"},
		},
		ScannedAt: T0,
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func put(t *testing.T, s store.Store, r *store.Record) int64 {
	t.Helper()
	id, err := s.Put(ctx(t), r)
	if err != nil {
		t.Fatalf("Put(%s): %v", r.ScanID, err)
	}
	return id
}

func testPutGet(t *testing.T, s store.Store) {
	defer s.Close()
	r := NewRecord("scan-1", "L1", "S1", "abc_123", PNG)
	id := put(t, s, r)
	it, err := s.Get(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if it.ScanID != "scan-1" || it.ListingID != "L1" || it.SellerID != "S1" || it.Verdict != policy.Warn || it.PolicyVersion != "test-1" {
		t.Errorf("item fields: %+v", it)
	}
	if it.Status != store.Pending || it.Decision != nil {
		t.Errorf("new item status %q decision %v", it.Status, it.Decision)
	}
	if !it.ScannedAt.Equal(T0) || it.CreatedAt.IsZero() {
		t.Errorf("times: scanned %v created %v", it.ScannedAt, it.CreatedAt)
	}
	if len(it.Texts) != 2 || it.Texts[1] != r.Texts[1] {
		t.Errorf("texts: %q", it.Texts)
	}
	sum := sha256.Sum256(PNG)
	if len(it.Images) != 1 || it.Images[0].SHA256 != hex.EncodeToString(sum[:]) || it.Images[0].Width != 640 || it.Images[0].Size != len(PNG) {
		t.Errorf("images: %+v", it.Images)
	}
	if len(it.Findings) != 2 {
		t.Fatalf("findings: %+v", it.Findings)
	}
	f0, f1 := it.Findings[0], it.Findings[1]
	if f0.Payload != "weixin: abc_123" || len(f0.Corners) != 4 || f0.Corners[2] != [2]int{98, 110} {
		t.Errorf("image finding: %+v", f0)
	}
	if f1.Source != policy.SourceText || it.Texts[1][f1.Start:f1.End] != f1.Payload {
		t.Errorf("text finding: %+v", f1)
	}
	b, err := s.Image(ctx(t), it.Images[0].SHA256)
	if err != nil || string(b.Data) != string(PNG) || b.Format != "png" {
		t.Errorf("Image: %v %v", b, err)
	}
	if _, err := s.Get(ctx(t), id+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(missing) = %v, want ErrNotFound", err)
	}
	if _, err := s.Image(ctx(t), "00"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Image(missing) = %v, want ErrNotFound", err)
	}
}

func testIdempotent(t *testing.T, s store.Store) {
	defer s.Close()
	id1 := put(t, s, NewRecord("scan-1", "L1", "S1", "abc", PNG))
	id2 := put(t, s, NewRecord("scan-1", "L1", "S1", "abc", PNG))
	if id1 != id2 {
		t.Errorf("second Put of the same scan: id %d, want %d", id2, id1)
	}
	p, err := s.List(ctx(t), store.Filter{})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("List after duplicate Put: %d items, %v", len(p.Items), err)
	}
	it, _ := s.Get(ctx(t), id1)
	if len(it.Findings) != 2 || len(it.Images) != 1 {
		t.Errorf("duplicate Put changed the item: %d findings %d images", len(it.Findings), len(it.Images))
	}
}

func testImagesOnce(t *testing.T, s store.Store) {
	defer s.Close()
	other := append([]byte{}, PNG...)
	other = append(other, 0) // different bytes, different hash
	for i := 0; i < 5; i++ {
		r := NewRecord(fmt.Sprint("scan-", i), fmt.Sprint("L", i), "S1", "abc", PNG)
		r.Images = append(r.Images, store.Image{Index: 1, Name: "b.png", Format: "png", Width: 1, Height: 1, Data: other})
		put(t, s, r)
	}
	p, _ := s.List(ctx(t), store.Filter{})
	for _, sm := range p.Items {
		if sm.Images != 2 {
			t.Errorf("item %d: %d images, want 2", sm.ID, sm.Images)
		}
	}
	// Content addressing is visible through Image: both hashes resolve.
	for _, data := range [][]byte{PNG, other} {
		sum := sha256.Sum256(data)
		if _, err := s.Image(ctx(t), hex.EncodeToString(sum[:])); err != nil {
			t.Errorf("Image: %v", err)
		}
	}
}

func testList(t *testing.T, s store.Store) {
	defer s.Close()
	var ids []int64
	for i := 0; i < 25; i++ {
		r := NewRecord(fmt.Sprint("scan-", i), fmt.Sprint("L", i), fmt.Sprint("S", i%3), fmt.Sprint("id", i%5), PNG)
		if i%4 == 0 {
			r.Findings[0].Category = "telegram"
		}
		ids = append(ids, put(t, s, r))
	}
	// Newest first, cursor pagination without gaps or repeats.
	var got []int64
	f := store.Filter{Limit: 7}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		p, err := s.List(ctx(t), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range p.Items {
			got = append(got, it.ID)
		}
		if p.Next == 0 {
			break
		}
		f.Cursor = p.Next
	}
	if len(got) != 25 {
		t.Fatalf("paged %d items, want 25", len(got))
	}
	for i := range got {
		if got[i] != ids[24-i] {
			t.Fatalf("order: got %v, want newest first %v", got, ids)
		}
	}
	p, _ := s.List(ctx(t), store.Filter{SellerID: "S1"})
	if len(p.Items) != 8 {
		t.Errorf("seller S1: %d items, want 8", len(p.Items))
	}
	for _, it := range p.Items {
		if it.SellerID != "S1" {
			t.Errorf("seller filter returned %s", it.SellerID)
		}
	}
	p, _ = s.List(ctx(t), store.Filter{Category: "telegram"})
	if len(p.Items) != 7 {
		t.Errorf("category telegram: %d items, want 7", len(p.Items))
	}
	for _, it := range p.Items {
		if !containsStr(it.Categories, "telegram") || !containsStr(it.Categories, "wechat") {
			t.Errorf("categories of %d: %v", it.ID, it.Categories)
		}
		if len(it.Payloads) == 0 {
			t.Errorf("payloads of %d empty", it.ID)
		}
	}
	p, _ = s.List(ctx(t), store.Filter{Identifier: "id3"})
	if len(p.Items) != 5 {
		t.Errorf("identifier id3: %d items, want 5", len(p.Items))
	}
	if _, err := s.Decide(ctx(t), ids[0], store.Decision{Decision: store.Reject, Moderator: "m", At: T0}); err != nil {
		t.Fatal(err)
	}
	p, _ = s.List(ctx(t), store.Filter{Status: store.Rejected})
	if len(p.Items) != 1 || p.Items[0].ID != ids[0] || p.Items[0].Decision == nil {
		t.Errorf("status filter: %+v", p.Items)
	}
	c, err := s.Counts(ctx(t), store.Filter{})
	if err != nil || c[store.Pending] != 24 || c[store.Rejected] != 1 || c[store.Approved] != 0 {
		t.Errorf("Counts = %v, %v", c, err)
	}
	c, _ = s.Counts(ctx(t), store.Filter{SellerID: "S0", Status: store.Approved})
	if c[store.Pending]+c[store.Rejected] != 9 {
		t.Errorf("Counts(seller S0) = %v, want 9 in all", c)
	}
}

func testDecide(t *testing.T, s store.Store) {
	defer s.Close()
	id := put(t, s, NewRecord("scan-1", "L1", "S1", "abc", PNG))
	at := T0.Add(time.Hour)
	it, err := s.Decide(ctx(t), id, store.Decision{Decision: store.Approve, Moderator: "alice", Note: "fine <b>", At: at})
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != store.Approved || it.Decision == nil || it.Decision.Moderator != "alice" || it.Decision.Note != "fine <b>" || !it.Decision.At.Equal(at) {
		t.Errorf("after approve: %+v %+v", it, it.Decision)
	}
	_, err = s.Decide(ctx(t), id, store.Decision{Decision: store.Reject, Moderator: "bob", At: at})
	if !errors.Is(err, store.ErrAlreadyDecided) {
		t.Errorf("second decision = %v, want ErrAlreadyDecided", err)
	}
	it, err = s.Decide(ctx(t), id, store.Decision{Decision: store.Reject, Moderator: "bob", Note: "spam ring", At: at.Add(time.Minute), Override: true})
	if err != nil || it.Status != store.Rejected || it.Decision.Moderator != "bob" || !it.Decision.Override {
		t.Errorf("override: %+v %v", it, err)
	}
	if _, err := s.Decide(ctx(t), id+100, store.Decision{Decision: store.Approve, Moderator: "m", At: at}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("decide missing = %v, want ErrNotFound", err)
	}
	if _, err := s.Decide(ctx(t), id, store.Decision{Decision: "maybe", Moderator: "m", At: at, Override: true}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("decide maybe = %v, want ErrInvalid", err)
	}
	a, err := s.Audit(ctx(t), 0, 10)
	if err != nil || len(a) != 2 {
		t.Fatalf("audit: %+v %v", a, err)
	}
	if a[0].Moderator != "bob" || a[0].Action != "override" || a[0].Previous != "approved" || a[0].Decision != store.Reject {
		t.Errorf("audit[0] = %+v", a[0])
	}
	if a[1].Moderator != "alice" || a[1].Action != "decision" || a[1].Previous != "pending" || a[1].ItemID != id {
		t.Errorf("audit[1] = %+v", a[1])
	}
	if b, _ := s.Audit(ctx(t), a[0].ID, 10); len(b) != 1 || b[0].ID != a[1].ID {
		t.Errorf("audit cursor: %+v", b)
	}
}

// testConcurrentDecide: many moderators race on one item; exactly one wins.
func testConcurrentDecide(t *testing.T, s store.Store) {
	defer s.Close()
	id := put(t, s, NewRecord("scan-1", "L1", "S1", "abc", PNG))
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := s.Decide(context.Background(), id, store.Decision{Decision: store.Approve, Moderator: fmt.Sprint("m", i), At: T0})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, store.ErrAlreadyDecided):
				conflicts++
			default:
				t.Errorf("decide: %v", err)
			}
		}(i)
	}
	wg.Wait()
	if wins != 1 || conflicts != 7 {
		t.Errorf("%d wins, %d conflicts; want 1 and 7", wins, conflicts)
	}
	if a, _ := s.Audit(ctx(t), 0, 100); len(a) != 1 {
		t.Errorf("%d audit entries, want 1", len(a))
	}
}

func testSpread(t *testing.T, s store.Store) {
	defer s.Close()
	// One WeChat ID across 4 listings of 3 sellers, one listing scanned twice.
	put(t, s, NewRecord("a", "L1", "S1", "ring", PNG))
	put(t, s, NewRecord("b", "L1", "S1", "ring", PNG))
	put(t, s, NewRecord("c", "L2", "S2", "ring", PNG))
	put(t, s, NewRecord("d", "L3", "S3", "ring", PNG))
	put(t, s, NewRecord("e", "L4", "S3", "ring", PNG))
	put(t, s, NewRecord("f", "L5", "S4", "alone", PNG))
	sp, err := s.Spreads(ctx(t), []string{"ring", "alone", "", "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	if g := sp["ring"]; g.Listings != 4 || g.Sellers != 3 || g.Items != 5 {
		t.Errorf("ring spread = %+v, want 4 listings 3 sellers 5 items", g)
	}
	if g := sp["alone"]; g.Listings != 1 || g.Sellers != 1 {
		t.Errorf("alone spread = %+v", g)
	}
	if g := sp["nobody"]; g.Listings != 0 {
		t.Errorf("nobody spread = %+v", g)
	}
	if _, ok := sp[""]; ok {
		t.Error("empty identifier counted")
	}
}

func testConcurrentPuts(t *testing.T, s store.Store) {
	defer s.Close()
	const workers, each = 8, 25
	var wg sync.WaitGroup
	ids := make([][]int64, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				// Every worker also re-sends worker 0's scans: duplicates race.
				id, err := s.Put(context.Background(), NewRecord(fmt.Sprintf("scan-%d-%d", w, i), "L", "S", "x", PNG))
				if err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				ids[w] = append(ids[w], id)
				if _, err := s.Put(context.Background(), NewRecord(fmt.Sprintf("scan-0-%d", i), "L", "S", "x", PNG)); err != nil {
					t.Errorf("Put dup: %v", err)
				}
			}
		}(w)
	}
	wg.Wait()
	c, err := s.Counts(ctx(t), store.Filter{})
	if err != nil || c[store.Pending] != workers*each {
		t.Errorf("Counts = %v %v, want %d pending", c, err, workers*each)
	}
}

func testInvalid(t *testing.T, s store.Store) {
	defer s.Close()
	r := NewRecord("", "L", "S", "x", PNG)
	if _, err := s.Put(ctx(t), r); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Put without scan id = %v, want ErrInvalid", err)
	}
	r = NewRecord("s", "L", "S", "x", PNG)
	r.Images[0].SHA256 = "deadbeef"
	if _, err := s.Put(ctx(t), r); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Put with a wrong hash = %v, want ErrInvalid", err)
	}
}

// testSessions: a session is found by its ID until deleted, on any handle
// of the store (what lets every replica agree on a logout).
func testSessions(t *testing.T, s store.Store) {
	defer s.Close()
	sess := store.Session{ID: "digest-1", Moderator: "alice", TokenTag: "tag-1", CreatedAt: T0, ExpiresAt: T0.Add(12 * time.Hour)}
	if err := s.CreateSession(ctx(t), sess); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx(t), store.Session{ID: "digest-2", Moderator: "bob", TokenTag: "tag-2", CreatedAt: T0, ExpiresAt: T0}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx(t), "digest-1")
	if err != nil || *got != sess {
		t.Fatalf("Session = %+v, %v; want %+v", got, err, sess)
	}
	if _, err := s.Session(ctx(t), "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.DeleteSession(ctx(t), "digest-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx(t), "digest-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session after delete = %v, want ErrNotFound", err)
	}
	if err := s.DeleteSession(ctx(t), "digest-1"); err != nil {
		t.Errorf("deleting an ended session: %v", err)
	}
	if got, err := s.Session(ctx(t), "digest-2"); err != nil || got.Moderator != "bob" {
		t.Errorf("the other session: %+v %v", got, err)
	}
}

func testReady(t *testing.T, s store.Store) {
	if err := s.Ready(ctx(t)); err != nil {
		t.Errorf("Ready = %v", err)
	}
	s.Close()
	if _, err := s.Put(ctx(t), NewRecord("late", "L", "S", "x", PNG)); err == nil {
		t.Error("Put after Close succeeded")
	}
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// BenchPut measures durable Puts from 32 concurrent callers (as the gateway
// records flagged scans from many requests at once). Each record carries
// its own image of imageBytes, so image storage is part of the cost.
func BenchPut(b *testing.B, s store.Store, imageBytes int) {
	defer s.Close()
	var seq atomic.Int64
	img := make([]byte, imageBytes)
	for i := range img {
		img[i] = byte(i * 7)
	}
	b.SetBytes(int64(imageBytes))
	b.SetParallelism(16) // × GOMAXPROCS callers
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			own := append([]byte(fmt.Sprint(n, ":")), img...)
			if _, err := s.Put(context.Background(), NewRecord(fmt.Sprint("bench-", n), fmt.Sprint("L", n), fmt.Sprint("S", n%100), fmt.Sprint("id", n%1000), own)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(seq.Load())/time.Since(start).Seconds(), "records/s")
}
