package review

import (
	"strings"
	"testing"
)

// TestSellerHistoryWithoutSellerID (#25 stumble 5): a listing sent
// without seller_id has no seller history; it must not list the other
// flagged listings, other sellers' included, as its seller's. A listing
// with a seller_id lists that seller's other listings and no one else's.
func TestSellerHistoryWithoutSellerID(t *testing.T) {
	ts := newTestServer(t)
	ts.record(t, flagged(t, "a", "L-a", "S-1", "weixin: a", "a", testPNG(t, 48, 36, 1)))
	ts.record(t, flagged(t, "b", "L-b", "S-2", "weixin: b", "b", testPNG(t, 48, 36, 2)))
	ts.record(t, flagged(t, "c", "L-c", "", "weixin: c", "c", testPNG(t, 48, 36, 3)))
	ts.record(t, flagged(t, "d", "L-d", "", "weixin: d", "d", testPNG(t, 48, 36, 4)))
	ts.record(t, flagged(t, "e", "L-e", "S-1", "weixin: e", "e", testPNG(t, 48, 36, 5)))

	var it struct {
		SellerHistory []struct {
			ListingID string `json:"listing_id"`
		} `json:"seller_history"`
	}
	ts.do(t, "GET", "/v1/reviews/3", aliceToken, nil, &it)
	if len(it.SellerHistory) != 0 {
		t.Errorf("API: a listing without seller_id has seller history %+v, want none", it.SellerHistory)
	}
	ts.do(t, "GET", "/v1/reviews/1", aliceToken, nil, &it)
	if len(it.SellerHistory) != 1 || it.SellerHistory[0].ListingID != "L-e" {
		t.Errorf("API: S-1's history %+v, want L-e alone", it.SellerHistory)
	}

	b := ts.browser(t)
	b.login(aliceToken)
	_, page := b.get("/ui/items/3")
	history := page[strings.Index(page, "Seller history"):]
	for _, other := range []string{"L-a", "L-b", "L-d", "L-e"} {
		if strings.Contains(history, other) {
			t.Errorf("page: the history of a listing without seller_id lists %s", other)
		}
	}
	if !strings.Contains(history, `id="no-seller"`) {
		t.Errorf("page: no word that the listing came without a seller_id:\n%s", history)
	}
}
