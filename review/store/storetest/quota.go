package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
)

// blob is n bytes unique to seed.
func blob(seed string, n int) []byte {
	b := make([]byte, n)
	copy(b, seed)
	for i := len(seed); i < n; i++ {
		b[i] = byte(i*31 + len(seed))
	}
	return b
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// withImage is a flagged record from seller and client with one image and
// neither texts nor findings: it costs its image's bytes alone
// (testTextQuota charges texts and findings).
func withImage(scan, seller, client string, img []byte) *store.Record {
	r := NewRecord(scan, "L"+scan, seller, "id"+scan, img)
	r.Client, r.Texts, r.Findings = client, nil, nil
	return r
}

// wantStored puts r and checks why its image was not stored ("": it was).
func wantStored(t *testing.T, s store.Store, r *store.Record, want string) int64 {
	t.Helper()
	id := put(t, s, r)
	if got := r.Images[0].NotStored; got != want {
		t.Errorf("%s (seller %q, client %q): NotStored %q, want %q", r.ScanID, r.SellerID, r.Client, got, want)
	}
	return id
}

// decideAndPurge rejects items at T0 and purges what was decided before
// T0 + 1h.
func decideAndPurge(t *testing.T, s store.Store, ids ...int64) store.Purged {
	t.Helper()
	for _, id := range ids {
		if _, err := s.Decide(ctx(t), id, store.Decision{Decision: store.Reject, Moderator: "m", At: T0}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.Purge(ctx(t), T0.Add(time.Hour), T0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func storedBytes(t *testing.T, s store.Store) int64 {
	t.Helper()
	n, err := s.StoredBytes(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// testSellerQuota: a seller over its quota keeps getting listings queued,
// with findings and image hashes, only without the bytes; bytes already
// stored cost nothing again; other sellers are not affected; bytes first
// refused are stored when someone within quota sends them.
func testSellerQuota(t *testing.T, open Opener) {
	const kib = 1 << 10
	s := open(t, store.Quotas{SellerBytes: 10 * kib})
	defer s.Close()
	var ids []int64
	var imgs [][]byte
	for i := range 5 {
		img := blob(fmt.Sprint("s1-", i), 4*kib)
		imgs = append(imgs, img)
		r := withImage(fmt.Sprint("a", i), "S1", "C", img)
		ids = append(ids, put(t, s, r))
		want := ""
		if i >= 2 {
			want = store.OverSellerQuota
		}
		if r.Images[0].NotStored != want {
			t.Errorf("record %d: NotStored %q, want %q", i, r.Images[0].NotStored, want)
		}
	}
	if n := storedBytes(t, s); n != 8*kib {
		t.Errorf("stored %d bytes, want %d (two images within the 10 KiB quota)", n, 8*kib)
	}
	for i, id := range ids {
		it, err := s.Get(ctx(t), id)
		if err != nil || it.Verdict != policy.Warn || len(it.Images) != 1 {
			t.Fatalf("item %d over quota lost its verdict or image reference: %+v %v", i, it, err)
		}
		if trunc := it.Truncated; (i >= 2) != (trunc != nil) || trunc != nil && (trunc.Reason != store.OverSellerQuota || trunc.Images != 1) {
			t.Errorf("item %d: truncated %+v", i, trunc)
		}
		if it.Images[0].Stored != (i < 2) || it.Images[0].SHA256 != hashOf(imgs[i]) || it.Images[0].Size != 4*kib {
			t.Errorf("item %d image: %+v", i, it.Images[0])
		}
		_, err = s.Image(ctx(t), hashOf(imgs[i]))
		if i < 2 && err != nil {
			t.Errorf("image %d: %v", i, err)
		}
		if i >= 2 && !errors.Is(err, store.ErrNotStored) {
			t.Errorf("image %d over quota: %v, want ErrNotStored", i, err)
		}
	}
	// The same bytes again: already stored, no charge, no refusal.
	r := withImage("again", "S1", "C", imgs[0])
	put(t, s, r)
	if r.Images[0].NotStored != "" {
		t.Errorf("re-sent stored image: NotStored %q", r.Images[0].NotStored)
	}
	// Another seller is within its own quota, and stores the bytes S1
	// could not: S1's item now shows them too.
	r = withImage("b", "S2", "C", imgs[3])
	put(t, s, r)
	if r.Images[0].NotStored != "" {
		t.Errorf("other seller: NotStored %q", r.Images[0].NotStored)
	}
	it, _ := s.Get(ctx(t), ids[3])
	if !it.Images[0].Stored {
		t.Error("bytes stored later are not shown on the earlier item")
	}
	if n := storedBytes(t, s); n != 12*kib {
		t.Errorf("stored %d bytes, want %d", n, 12*kib)
	}
}

// testClientAndTotalQuota: a seller is counted within its client (the
// same seller id under another API key is another seller); one client is
// bounded by its quota whatever seller ids it spreads listings over; the
// total bounds everyone; and a refusal charges nothing: what the seller's
// bucket accepted is given back when the client's refuses, and both when
// the total does (seen once a purge makes room).
func testClientAndTotalQuota(t *testing.T, open Opener) {
	const kib = 1 << 10
	s := open(t, store.Quotas{SellerBytes: 8 * kib, ClientBytes: 10 * kib, TotalBytes: 20 * kib})
	defer s.Close()
	var purge []int64
	for i := range 5 {
		want := ""
		if i >= 2 {
			want = store.OverClientQuota
		}
		id := wantStored(t, s, withImage(fmt.Sprint("k1-", i), fmt.Sprint("seller-", i), "key:K1", blob(fmt.Sprint("k1-", i), 4*kib)), want)
		if i < 2 {
			purge = append(purge, id)
		}
	}
	// seller-0 holds 4 KiB under K1; under K2 it is another seller.
	for i := range 2 {
		purge = append(purge, wantStored(t, s, withImage(fmt.Sprint("k2-", i), "seller-0", "key:K2", blob(fmt.Sprint("k2-", i), 4*kib)), ""))
	}
	// 16 KiB stored: K3 fills the total, then is refused by it.
	wantStored(t, s, withImage("k3-0", "s3", "key:K3", blob("k3-0", 4*kib)), "")
	wantStored(t, s, withImage("k3-1", "s3", "key:K3", blob("k3-1", 4*kib)), store.StoreFull)
	if n := storedBytes(t, s); n != 20*kib {
		t.Fatalf("stored %d bytes, want %d", n, 20*kib)
	}
	if p := decideAndPurge(t, s, purge...); p.Bytes != 16*kib {
		t.Fatalf("purge gave back %d bytes, want %d", p.Bytes, 16*kib)
	}
	// seller-2 was refused by K1's quota: its own bucket kept nothing, so
	// its whole quota is free.
	wantStored(t, s, withImage("k1-again", "seller-2", "key:K1", blob("k1-again", 8*kib)), "")
	// s3 and K3 were refused by the total: neither kept the charge.
	wantStored(t, s, withImage("k3-2", "s3", "key:K3", blob("k3-2", 4*kib)), "")
	if n := storedBytes(t, s); n != 16*kib {
		t.Errorf("stored %d bytes, want %d", n, 16*kib)
	}
}

// testAddressAndNoSellerQuota: a client known by its address (the open
// API) has the small AddressBytes bucket, an API key ClientBytes; listings
// without a seller_id share a small bucket of their own per client, and
// the client's sellers are not affected by it.
func testAddressAndNoSellerQuota(t *testing.T, open Opener) {
	const kib = 1 << 10
	s := open(t, store.Quotas{SellerBytes: 100 * kib, NoSellerBytes: 4 * kib, ClientBytes: 100 * kib, AddressBytes: 8 * kib})
	defer s.Close()
	for i, want := range []string{"", "", store.OverClientQuota} {
		r := withImage(fmt.Sprint("addr-", i), fmt.Sprint("seller-", i), "addr:192.0.2.1", blob(fmt.Sprint("addr-", i), 4*kib))
		r.ByAddress = true
		wantStored(t, s, r, want)
	}
	for i := range 3 {
		wantStored(t, s, withImage(fmt.Sprint("key-", i), fmt.Sprint("seller-", i), "key:K", blob(fmt.Sprint("key-", i), 4*kib)), "")
	}
	wantStored(t, s, withImage("none-0", "", "key:N", blob("none-0", 4*kib)), "")
	wantStored(t, s, withImage("none-1", "", "key:N", blob("none-1", 4*kib)), store.OverSellerQuota)
	wantStored(t, s, withImage("none-2", "S", "key:N", blob("none-2", 4*kib)), "")
	wantStored(t, s, withImage("none-3", "", "key:M", blob("none-3", 4*kib)), "")
}

// testTextQuota: texts and findings are charged like image bytes; over a
// quota a listing is stored with its verdict, its findings and the first
// 64 KiB of its texts (at most 64 KiB in all), and says what it was stored
// without; a purge gives the bytes back.
func testTextQuota(t *testing.T, open Opener) {
	const kib = 1 << 10
	s := open(t, store.Quotas{SellerBytes: 150 * kib})
	defer s.Close()
	withText := func(scan string, texts ...string) (*store.Record, int64) {
		r := NewRecord(scan, "L"+scan, "S", "abc_123456", PNG)
		r.Images, r.Texts = nil, texts
		cost, err := r.TextBytes()
		if err != nil {
			t.Fatal(err)
		}
		return r, cost
	}
	big := strings.Repeat("x.io/1 ", 100*kib/7)
	r, cost1 := withText("t1", "title", big)
	id1 := put(t, s, r)
	if r.Truncated != nil || storedBytes(t, s) != cost1 {
		t.Fatalf("within quota: truncated %+v, stored %d bytes, want %d", r.Truncated, storedBytes(t, s), cost1)
	}
	// Over the quota: each text keeps its first bytes, 64 KiB in all,
	// cut on a character boundary.
	r, cost2 := withText("t2", strings.Repeat("é", 40*kib), big)
	id2 := put(t, s, r)
	dropped := int64(80*kib+len(big)) - store.MaxTruncatedText
	if tr := r.Truncated; tr == nil || tr.Reason != store.OverSellerQuota || tr.TextBytes != dropped || tr.Images != 0 {
		t.Fatalf("over quota: truncated %+v, want seller_quota and %d text bytes", tr, dropped)
	}
	it, err := s.Get(ctx(t), id2)
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Texts[0]) != 64*kib || len(it.Texts[1]) != 0 || len(it.Findings) != 2 || it.Verdict != policy.Warn ||
		it.Truncated == nil || *it.Truncated != *r.Truncated {
		t.Errorf("stored over quota: texts of %d and %d bytes, %d findings, truncated %+v", len(it.Texts[0]), len(it.Texts[1]), len(it.Findings), it.Truncated)
	}
	// What it kept is counted, so that the store's size is true.
	if n := storedBytes(t, s); n != cost1+cost2-dropped {
		t.Errorf("stored %d bytes, want %d", n, cost1+cost2-dropped)
	}
	if it, _ := s.Get(ctx(t), id1); it.Truncated != nil || len(it.Texts[1]) != len(big) {
		t.Errorf("item within quota: truncated %+v, text of %d bytes", it.Truncated, len(it.Texts[1]))
	}
	if p := decideAndPurge(t, s, id1, id2); p.Bytes != cost1+cost2-dropped || storedBytes(t, s) != 0 {
		t.Errorf("purge gave back %d bytes, %d left", p.Bytes, storedBytes(t, s))
	}
	r, _ = withText("t3", big)
	if put(t, s, r); r.Truncated != nil {
		t.Errorf("after the purge: truncated %+v", r.Truncated)
	}
}

// testConcurrentQuota: concurrent writers of one seller cannot pass its
// quota together (the check and the charge are one statement).
func testConcurrentQuota(t *testing.T, open Opener) {
	const kib = 1 << 10
	s := open(t, store.Quotas{SellerBytes: 10 * kib})
	defer s.Close()
	var wg sync.WaitGroup
	var stored atomic.Int64
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				r := withImage(fmt.Sprintf("w%d-%d", w, i), "S", "C", blob(fmt.Sprintf("w%d-%d", w, i), kib))
				if _, err := s.Put(context.Background(), r); err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				if r.Images[0].NotStored == "" {
					stored.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := stored.Load(); n != 10 {
		t.Errorf("%d images of 1 KiB stored under a 10 KiB quota by 8 writers, want exactly 10", n)
	}
	if n := storedBytes(t, s); n != 10*kib {
		t.Errorf("stored bytes %d, want %d", n, 10*kib)
	}
}

// testPurge: decided items past retention are emptied (decision and audit
// stay, the queue no longer lists them); their images go when no other
// item shows them, and the bytes go back to the seller's quota; pending
// and recent items are untouched; expired sessions are deleted.
func testPurge(t *testing.T, open Opener) {
	const kib = 1 << 10
	s := open(t, store.Quotas{SellerBytes: 8 * kib})
	defer s.Close()
	shared := blob("shared", 4*kib)
	own := blob("own", 4*kib)
	old := put(t, s, withImage("old", "S1", "C", own))
	r := withImage("old2", "S1", "C", shared)
	old2 := put(t, s, r)
	pending := put(t, s, withImage("pending", "S2", "C", shared))
	recent := put(t, s, withImage("recent", "S3", "C", blob("recent", kib)))
	for _, id := range []int64{old, old2} {
		if _, err := s.Decide(ctx(t), id, store.Decision{Decision: store.Reject, Moderator: "m", At: T0}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Decide(ctx(t), recent, store.Decision{Decision: store.Approve, Moderator: "m", At: T0.Add(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// S1 is at its quota: a new image is refused.
	r = withImage("full", "S1", "C", blob("full", 4*kib))
	put(t, s, r)
	if r.Images[0].NotStored != store.OverSellerQuota {
		t.Fatalf("S1 at quota: NotStored %q", r.Images[0].NotStored)
	}
	if err := s.CreateSession(ctx(t), store.Session{ID: "gone", Moderator: "m", ExpiresAt: T0}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx(t), store.Session{ID: "live", Moderator: "m", ExpiresAt: T0.Add(100 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	before := storedBytes(t, s)
	got, err := s.Purge(ctx(t), T0.Add(time.Hour), T0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got.Items != 2 || got.Images != 1 || got.Bytes != 4*kib {
		t.Errorf("Purge = %+v, want 2 items, 1 image (the shared one stays), %d bytes", got, 4*kib)
	}
	if n := storedBytes(t, s); n != before-4*kib {
		t.Errorf("stored bytes %d after purge, want %d", n, before-4*kib)
	}
	// A purged item is out of the queue, of its counts and of Get alike.
	if it, err := s.Get(ctx(t), old); !errors.Is(err, store.ErrPurged) || !errors.Is(err, store.ErrNotFound) {
		t.Errorf("purged item: %+v %v, want ErrPurged", it, err)
	}
	if _, err := s.Decide(ctx(t), old, store.Decision{Decision: store.Approve, Moderator: "m", At: T0, Override: true}); !errors.Is(err, store.ErrPurged) {
		t.Errorf("decision on a purged item: %v, want ErrPurged", err)
	}
	if _, err := s.Image(ctx(t), hashOf(own)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the purged item's own image: %v, want ErrNotFound", err)
	}
	if _, err := s.Image(ctx(t), hashOf(shared)); err != nil {
		t.Errorf("the image a pending item shows: %v", err)
	}
	for _, id := range []int64{pending, recent} {
		if it, err := s.Get(ctx(t), id); err != nil || len(it.Images) != 1 {
			t.Errorf("item %d purged, want untouched: %+v %v", id, it, err)
		}
	}
	p, _ := s.List(ctx(t), store.Filter{})
	for _, sm := range p.Items {
		if sm.ID == old || sm.ID == old2 {
			t.Errorf("purged item %d still listed", sm.ID)
		}
	}
	if c, _ := s.Counts(ctx(t), store.Filter{}); c[store.Rejected] != 0 || c[store.Approved] != 1 {
		t.Errorf("counts after purge: %v", c)
	}
	if a, _ := s.Audit(ctx(t), 0, 10); len(a) != 3 {
		t.Errorf("audit entries after purge: %d, want 3 (the audit log stays)", len(a))
	}
	// The bytes given back let S1 store again.
	r = withImage("after", "S1", "C", blob("after", 4*kib))
	put(t, s, r)
	if r.Images[0].NotStored != "" {
		t.Errorf("S1 after the purge gave bytes back: NotStored %q", r.Images[0].NotStored)
	}
	if _, err := s.Session(ctx(t), "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session after purge: %v", err)
	}
	if _, err := s.Session(ctx(t), "live"); err != nil {
		t.Errorf("live session after purge: %v", err)
	}
	if again, err := s.Purge(ctx(t), T0.Add(time.Hour), T0.Add(time.Hour)); err != nil || again.Items != 0 {
		t.Errorf("second purge: %+v %v", again, err)
	}
}
