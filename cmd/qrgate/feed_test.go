package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/qrgate/qrgate/review/feed"
)

const (
	feedKey    = "pipeline-key-0123456789"
	aliceToken = "alice-token-0123456789abcdef"
	bobToken   = "bob-token-0123456789abcdef00"
)

// feedFiles writes an API keys file and a moderators file (alice, bob).
func feedFiles(t *testing.T) (keys, mods string) {
	t.Helper()
	dir := t.TempDir()
	keys, mods = filepath.Join(dir, "keys"), filepath.Join(dir, "moderators")
	if err := os.WriteFile(keys, []byte(feedKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mods, []byte("alice "+aliceToken+"\nbob "+bobToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return keys, mods
}

// flagListings scans listings whose text carries a link (warn: reviewed)
// and returns their review item ids by listing id.
func flagListings(t *testing.T, sg *servedGateway, listings ...string) map[string]int64 {
	t.Helper()
	for _, l := range listings {
		body := fmt.Sprintf(`{"listing_id":%q,"seller_id":"S-%s","texts":["buy at https://shop.example.com/%s"]}`, l, l, l)
		if code := send(t, "POST", sg.pub+"/v1/scan", feedKey, body); code != 200 {
			t.Fatalf("scan %s: %d", l, code)
		}
	}
	req, _ := http.NewRequest("GET", sg.admin+"/v1/reviews?limit=500", nil)
	req.Header.Set("Authorization", "Bearer "+aliceToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Items []struct {
			ID        int64  `json:"id"`
			ListingID string `json:"listing_id"`
		} `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, it := range list.Items {
		ids[it.ListingID] = it.ID
	}
	for _, l := range listings {
		if ids[l] == 0 {
			t.Fatalf("listing %s is not in the review queue", l)
		}
	}
	return ids
}

func decideHTTP(t *testing.T, admin, token string, id int64, decision, note string, override bool) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"decision": decision, "note": note, "override": override})
	if code := send(t, "POST", fmt.Sprintf("%s/v1/reviews/%d/decision", admin, id), token, string(body)); code != 200 {
		t.Errorf("decide %d %s: %d", id, decision, code)
	}
}

// readFeed is one GET /v1/decisions; it returns the status, the page and
// the error code of a refusal.
func readFeed(t *testing.T, pub, key, query string) (int, feed.Page, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", pub+"/v1/decisions"+query, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var p feed.Page
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatalf("feed answer %s: %v", b, err)
		}
	} else {
		json.Unmarshal(b, &e) //nolint:errcheck // the code stays empty
	}
	return resp.StatusCode, p, e.Error.Code
}

// readAll walks the feed from after in pages of limit until it is empty.
func readAll(t *testing.T, pub, after string, limit int) ([]feed.Decision, string) {
	t.Helper()
	var out []feed.Decision
	for range 1000 {
		code, p, _ := readFeed(t, pub, feedKey, fmt.Sprintf("?after=%s&limit=%d", url.QueryEscape(after), limit))
		if code != 200 {
			t.Fatalf("feed after %q: %d", after, code)
		}
		out = append(out, p.Decisions...)
		if len(p.Decisions) == 0 {
			return out, p.Next
		}
		if p.Next != p.Decisions[len(p.Decisions)-1].Cursor {
			t.Fatalf("next %q is not the last decision's cursor %q", p.Next, p.Decisions[len(p.Decisions)-1].Cursor)
		}
		after = p.Next
	}
	t.Fatal("the feed never ends: a cursor does not move past what it read")
	return nil, ""
}

// TestDecisionsFeed: over loopback HTTP, decisions come in commit order
// with the listing's ids, an override is a new record, pages resume from
// "next", and after a restart on the same data dir the old cursor resumes.
func TestDecisionsFeed(t *testing.T) {
	keys, mods := feedFiles(t)
	data := filepath.Join(t.TempDir(), "data")
	var next string
	t.Run("first run", func(t *testing.T) {
		sg := startServe(t, "--api-keys-file", keys, "--moderators-file", mods, "--data-dir", data)
		ids := flagListings(t, sg, "L1", "L2", "L3")
		decideHTTP(t, sg.admin, aliceToken, ids["L2"], "reject", "shop link, ring of 4", false)
		decideHTTP(t, sg.admin, bobToken, ids["L1"], "approve", "", false)
		decideHTTP(t, sg.admin, bobToken, ids["L2"], "approve", "the shop is ours", true)
		code, p, _ := readFeed(t, sg.pub, feedKey, "")
		if code != 200 || len(p.Decisions) != 3 {
			t.Fatalf("feed: %d %+v", code, p)
		}
		want := []struct {
			listing, decision, moderator, note string
			override                           bool
		}{
			{"L2", "reject", "alice", "shop link, ring of 4", false},
			{"L1", "approve", "bob", "", false},
			{"L2", "approve", "bob", "the shop is ours", true},
		}
		for i, w := range want {
			d := p.Decisions[i]
			if d.ListingID != w.listing || d.SellerID != "S-"+w.listing || d.ItemID != ids[w.listing] || d.ScanID == "" ||
				d.Decision != w.decision || d.Moderator != w.moderator || d.Note != w.note || d.Override != w.override ||
				time.Since(d.DecidedAt) > time.Minute || d.Cursor == "" {
				t.Errorf("decision %d = %+v, want %+v", i, d, w)
			}
		}
		if p.Next != p.Decisions[2].Cursor {
			t.Errorf("next %q, want the last cursor %q", p.Next, p.Decisions[2].Cursor)
		}
		paged, end := readAll(t, sg.pub, "", 1)
		if len(paged) != 3 || paged[0] != p.Decisions[0] || paged[2] != p.Decisions[2] || end != p.Next {
			t.Errorf("paging by one: %+v, end %q", paged, end)
		}
		next = p.Next
	})
	t.Run("after a restart", func(t *testing.T) {
		sg := startServe(t, "--api-keys-file", keys, "--moderators-file", mods, "--data-dir", data)
		if code, p, _ := readFeed(t, sg.pub, feedKey, "?after="+next); code != 200 || len(p.Decisions) != 0 || p.Next != next {
			t.Fatalf("after the last cursor: %d %+v (want nothing new and the same cursor)", code, p)
		}
		ids := flagListings(t, sg, "L3")
		decideHTTP(t, sg.admin, aliceToken, ids["L3"], "reject", "", false)
		got, _ := readAll(t, sg.pub, next, 100)
		if len(got) != 1 || got[0].ListingID != "L3" || got[0].Decision != "reject" {
			t.Errorf("resumed after the restart: %+v", got)
		}
		if all, _ := readAll(t, sg.pub, "", 1000); len(all) != 4 {
			t.Errorf("whole feed after the restart: %d decisions, want 4", len(all))
		}
	})
}

// TestDecisionsFeedRefusals: every refusal has its status and code.
func TestDecisionsFeedRefusals(t *testing.T) {
	keys, mods := feedFiles(t)
	sg := startServe(t, "--api-keys-file", keys, "--moderators-file", mods)
	good := feed.EncodeCursor(0)
	for _, c := range []struct {
		key, query string
		status     int
		code       string
	}{
		{feedKey, "", 200, ""},
		{feedKey, "?after=" + good + "&limit=1000", 200, ""},
		{"", "", 401, "unauthorized"},
		{"wrong-key-0123456789", "", 401, "unauthorized"},
		{feedKey, "?after=42", 400, "bad_cursor"},
		{feedKey, "?after=" + good + "x", 400, "bad_cursor"},
		{feedKey, "?limit=0", 400, "bad_request"},
		{feedKey, "?limit=1001", 400, "bad_request"},
		{feedKey, "?limit=ten", 400, "bad_request"},
	} {
		if code, _, ec := readFeed(t, sg.pub, c.key, c.query); code != c.status || ec != c.code {
			t.Errorf("key %q query %q: %d %q, want %d %q", c.key, c.query, code, ec, c.status, c.code)
		}
	}
	if code := send(t, "POST", sg.pub+"/v1/decisions", feedKey, "{}"); code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", code)
	}
	if code := send(t, "GET", sg.admin+"/v1/decisions", aliceToken, ""); code != http.StatusNotFound {
		t.Errorf("the feed on the admin listener: %d, want 404 (public listener only)", code)
	}
}

// TestDecisionsFeedNeedsAPIKeys: with an open public API the feed is
// refused, not served to anyone.
func TestDecisionsFeedNeedsAPIKeys(t *testing.T) {
	sg := startServe(t)
	code, _, ec := readFeed(t, sg.pub, "", "")
	if code != http.StatusForbidden || ec != "api_keys_required" {
		t.Errorf("feed without --api-keys-file: %d %q, want 403 api_keys_required", code, ec)
	}
}

// TestDecisionsFeedTwoModerators: two moderators decide at once while the
// pipeline polls; it reads every decision once, in cursor order.
func TestDecisionsFeedTwoModerators(t *testing.T) {
	keys, mods := feedFiles(t)
	sg := startServe(t, "--api-keys-file", keys, "--moderators-file", mods)
	const each = 15
	var listings []string
	for i := range 2 * each {
		listings = append(listings, fmt.Sprint("L", i))
	}
	ids := flagListings(t, sg, listings...)
	var wg sync.WaitGroup
	for m, token := range []string{aliceToken, bobToken} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, l := range listings[m*each : (m+1)*each] {
				decideHTTP(t, sg.admin, token, ids[l], []string{"approve", "reject"}[m], "", false)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := map[string]int{}
	after := ""
	poll := func() int {
		code, p, _ := readFeed(t, sg.pub, feedKey, "?limit=3&after="+after)
		if code != 200 {
			t.Fatalf("feed: %d", code)
		}
		for _, d := range p.Decisions {
			seen[d.ListingID]++
		}
		after = p.Next
		return len(p.Decisions)
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
			poll()
		}
	}
	for i := 0; poll() > 0; i++ {
		if i > 2*each {
			t.Fatal("the feed never ends: a cursor does not move past what it read")
		}
	}
	for _, l := range listings {
		if seen[l] != 1 {
			t.Errorf("listing %s read %d times, want once", l, seen[l])
		}
	}
}
