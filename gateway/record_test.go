package gateway

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/qrgate/qrgate/internal/testfixtures"
)

// TestRecordKeepsEveryImage: a listing flagged for its text alone is
// queued with all its photos, and an image the scan could not read
// carries its error code and message into the store (#25: every image
// stored; stumble 7: an IMAGE_ERROR whose reason the page can spell out).
func TestRecordKeepsEveryImage(t *testing.T) {
	tg := startGateway(t)
	plain := blankPNG(t, 64, 48)
	bomb := testfixtures.PNGBomb(20000, 20000)
	send := func(listing string, images ...[]byte) {
		var parts []map[string]string
		for i, im := range images {
			parts = append(parts, map[string]string{"name": fmt.Sprintf("%d.png", i), "data": base64.StdEncoding.EncodeToString(im)})
		}
		// A phone number warns (the default policy reviews warn).
		body, _ := json.Marshal(map[string]any{"listing_id": listing, "seller_id": "S-t",
			"texts": []string{"全新耳机，call 138 1234 5678，包邮"}, "images": parts})
		r := do(t, "POST", tg.pub+"/v1/scan", "application/json", body)
		if m := r.json(t); r.status != 200 || m["review_stored"] != true {
			t.Fatalf("%s: status %d: %s", listing, r.status, r.body)
		}
	}
	send("L-text", plain)
	send("L-bomb", bomb)
	recs := tg.rec.all()
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	ims := recs[0].Images
	if len(ims) != 1 || string(ims[0].Data) != string(plain) || ims[0].ErrorCode != "" {
		t.Fatalf("a listing flagged for its text keeps %d images; want its photo, whole and read", len(ims))
	}
	ims = recs[1].Images
	if len(ims) != 1 {
		t.Fatalf("%d images", len(ims))
	}
	if ims[0].Index != 0 || ims[0].ErrorCode != "too_large" || ims[0].ErrorMessage == "" || len(ims[0].Data) != len(bomb) {
		t.Errorf("image 1: index %d, error %q %q, %d bytes; want too_large with its message and bytes", ims[0].Index, ims[0].ErrorCode, ims[0].ErrorMessage, len(ims[0].Data))
	}
}
