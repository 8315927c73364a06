package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
)

// listingWithImages is a record of n images where image 0 carries the
// QR finding, the last an image error (too_large, with an IMAGE_ERROR
// finding), and the ones between nothing at all.
func listingWithImages(scan, seller string, n int) *store.Record {
	r := NewRecord(scan, "L"+scan, seller, "id"+scan, blob(scan+"/0", 64))
	for i := 1; i < n; i++ {
		r.Images = append(r.Images, store.Image{Index: i, Name: fmt.Sprintf("%d.png", i), Format: "png", Width: 20, Height: 10,
			Data: blob(fmt.Sprintf("%s/%d", scan, i), 64)})
	}
	last := &r.Images[n-1]
	last.Width, last.Height = 20000, 20000
	last.ErrorCode, last.ErrorMessage = "too_large", "20000×20000 is over the limit of 40000000 pixels: "+strings.Repeat("é", 400)
	r.Findings = append(r.Findings, policy.Finding{Source: policy.SourceImage, Image: n - 1, Symbology: symbology.IMAGE_ERROR,
		Category: policy.CategoryImageError, Action: policy.Warn, Rule: "on_image_error"})
	return r
}

// testQueueRows: what a queue row and an item carry about a listing's
// images (every one, flagged ones marked, errors spelt out), the seller's
// flag count, and the oldest-first order with its keyset cursor.
func testQueueRows(t *testing.T, s store.Store) {
	defer s.Close()
	id := put(t, s, listingWithImages("a", "S1", 3))
	put(t, s, listingWithImages("b", "S1", 8))
	put(t, s, listingWithImages("c", "S2", 2))
	noSeller := put(t, s, listingWithImages("d", "", 2))

	it, err := s.Get(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Images) != 3 {
		t.Fatalf("item keeps %d images, want all 3", len(it.Images))
	}
	for i, im := range it.Images {
		wantFlag, wantErr := i != 1, i == 2
		if !im.Stored || im.Flagged != wantFlag || (im.Error != nil) != wantErr {
			t.Errorf("image %d: stored %v flagged %v error %+v; want stored, flagged %v, error %v", i, im.Stored, im.Flagged, im.Error, wantFlag, wantErr)
		}
	}
	// The message's 51-byte start leaves every é on an odd offset: the cut
	// at 300 bytes would split one, so 299 are kept.
	if e := it.Images[2].Error; e == nil || e.Code != "too_large" || !strings.HasPrefix(e.Message, "20000×20000 is over") ||
		len(e.Message) != store.MaxImageErrorMessage-1+len("…") || !strings.HasSuffix(e.Message, "é…") {
		t.Errorf("image error %+v: want too_large, its message cut to %d bytes on a character", e, store.MaxImageErrorMessage)
	}

	p, err := s.List(ctx(t), store.Filter{Oldest: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 4 {
		t.Fatalf("%d items", len(p.Items))
	}
	a, b, c, d := p.Items[0], p.Items[1], p.Items[2], p.Items[3]
	if a.ID != id || d.ID != noSeller {
		t.Fatalf("oldest first: %d…%d, want %d…%d", a.ID, d.ID, id, noSeller)
	}
	var flags []bool
	for _, th := range a.Thumbs {
		flags = append(flags, th.Flagged)
		if !th.Stored || th.SHA256 != it.Images[th.Index].SHA256 {
			t.Errorf("thumb %+v, want stored with image %d's hash", th, th.Index)
		}
	}
	if fmt.Sprint(flags) != "[true false true]" {
		t.Errorf("row thumbs flagged %v, want [true false true]", flags)
	}
	if b.Images != 8 || len(b.Thumbs) != store.MaxRowThumbs || b.Thumbs[store.MaxRowThumbs-1].Index != store.MaxRowThumbs-1 {
		t.Errorf("8 images: row has %d thumbs of %d images, want the first %d", len(b.Thumbs), b.Images, store.MaxRowThumbs)
	}
	if a.SellerFlags != 2 || b.SellerFlags != 2 || c.SellerFlags != 1 || d.SellerFlags != 0 {
		t.Errorf("seller flags %d %d %d %d, want 2 2 1 0 (no seller_id: 0)", a.SellerFlags, b.SellerFlags, c.SellerFlags, d.SellerFlags)
	}
}

// testOldestFirst: oldest first with a keyset cursor pages every pending
// item once, in ascending order, whatever is decided meanwhile.
func testOldestFirst(t *testing.T, s store.Store) {
	defer s.Close()
	var ids []int64
	for i := 0; i < 23; i++ {
		ids = append(ids, put(t, s, NewRecord(fmt.Sprint("o-", i), fmt.Sprint("L", i), "S", fmt.Sprint("x", i), PNG)))
	}
	f := store.Filter{Status: store.Pending, Oldest: true, Limit: 5}
	var got []int64
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
		if pages == 0 {
			// A moderator decides an item of the next page while paging:
			// the cursor neither repeats nor skips the others.
			if _, err := s.Decide(ctx(t), ids[7], store.Decision{Decision: store.Approve, Moderator: "m", At: T0}); err != nil {
				t.Fatal(err)
			}
		}
		if p.Next == 0 {
			break
		}
		f.Cursor = p.Next
	}
	want := append(append([]int64{}, ids[:7]...), ids[8:]...)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("oldest first: %v, want %v", got, want)
	}
}
