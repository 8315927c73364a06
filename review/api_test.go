package review

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/qrgate/qrgate/internal/throttle"
	"github.com/qrgate/qrgate/review/store"
)

type errBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type listBody struct {
	Items      []store.Summary      `json:"items"`
	NextCursor string               `json:"next_cursor"`
	Counts     map[store.Status]int `json:"counts"`
}

type itemBody struct {
	store.Item
	Images []struct {
		store.ImageRef
		URL string `json:"url"`
	} `json:"images"`
	Spread        map[string]store.Spread `json:"spread"`
	SellerHistory []store.Summary         `json:"seller_history"`
}

func TestAPIRequiresAuth(t *testing.T) {
	// Throttling has its own test: here every wrong token must reach the check.
	ts := newTestServer(t, func(o *Options) { o.Throttle = throttle.New(throttle.Config{Free: 1000}) })
	for _, c := range []struct{ method, path string }{
		{"GET", "/v1/reviews"}, {"GET", "/v1/reviews/1"}, {"POST", "/v1/reviews/1/decision"},
		{"GET", "/v1/images/" + strings.Repeat("0", 64)}, {"GET", "/v1/audit"}, {"GET", "/v1/payloads/x"},
	} {
		for _, tok := range []string{"", "wrong-token-0123456789", aliceToken + "x"} {
			var e errBody
			resp := ts.do(t, c.method, c.path, tok, nil, &e)
			if resp.StatusCode != http.StatusUnauthorized || e.Error.Code != "unauthorized" || resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %q: %d %+v", c.method, c.path, tok, resp.StatusCode, e)
			}
		}
	}
	if n := testutil.ToFloat64(ts.svc.m.authFailures); n != 18 {
		t.Errorf("auth failures metric = %v, want 18", n)
	}
}

func TestAPIQueueDecisionsAudit(t *testing.T) {
	ts := newTestServer(t)
	img := testPNG(t, 480, 360, 1)
	ts.record(t, flagged(t, "s1", "L1", "S1", "weixin: aaa111", "aaa111", img))
	ts.record(t, flagged(t, "s2", "L2", "S2", "weixin: bbb222", "bbb222", img))
	r3 := flagged(t, "s3", "L3", "S1", "https://t.me/ring", "@ring", img)
	r3.Findings[0].Category, r3.Findings[0].Rule = "telegram", "telegram.link"
	ts.record(t, r3)
	ts.record(t, r3) // a retried request: idempotent

	var l listBody
	if resp := ts.do(t, "GET", "/v1/reviews?limit=2", aliceToken, nil, &l); resp.StatusCode != 200 {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	if len(l.Items) != 2 || l.Items[0].ScanID != "s3" || l.Items[1].ScanID != "s2" || l.NextCursor == "" {
		t.Fatalf("first page: %+v", l)
	}
	if l.Counts[store.Pending] != 3 {
		t.Errorf("counts: %v", l.Counts)
	}
	var l2 listBody
	ts.do(t, "GET", "/v1/reviews?limit=2&cursor="+l.NextCursor, aliceToken, nil, &l2)
	if len(l2.Items) != 1 || l2.Items[0].ScanID != "s1" || l2.NextCursor != "" {
		t.Fatalf("second page: %+v", l2)
	}
	ts.do(t, "GET", "/v1/reviews?category=telegram", aliceToken, nil, &l)
	if len(l.Items) != 1 || l.Items[0].ScanID != "s3" {
		t.Errorf("category filter: %+v", l.Items)
	}
	ts.do(t, "GET", "/v1/reviews?seller_id=S1", aliceToken, nil, &l)
	if len(l.Items) != 2 || l.Counts[store.Pending] != 2 {
		t.Errorf("seller filter: %+v", l)
	}

	id := l.Items[0].ID // s3, seller S1
	var it itemBody
	if resp := ts.do(t, "GET", "/v1/reviews/"+itoa(id), aliceToken, nil, &it); resp.StatusCode != 200 {
		t.Fatalf("get: %d", resp.StatusCode)
	}
	if len(it.Findings) != 2 || it.Findings[0].Payload != "https://t.me/ring" || len(it.Findings[0].Corners) != 4 {
		t.Errorf("findings: %+v", it.Findings)
	}
	if len(it.Images) != 1 || it.Images[0].URL != "/v1/images/"+it.Images[0].SHA256 {
		t.Errorf("images: %+v", it.Images)
	}
	if it.Spread["@ring"].Listings != 1 || len(it.SellerHistory) != 1 || it.SellerHistory[0].ScanID != "s1" {
		t.Errorf("spread %+v history %+v", it.Spread, it.SellerHistory)
	}

	// The image, by hash, with a safe content type.
	req, _ := http.NewRequest("GET", ts.url+it.Images[0].URL, nil)
	req.Header.Set("Authorization", "Bearer "+aliceToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, img) || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("image: %d %s %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(got))
	}

	// Decide, refuse a second decision, allow an explicit override.
	var dec itemBody
	resp = ts.do(t, "POST", "/v1/reviews/"+itoa(id)+"/decision", aliceToken, map[string]any{"decision": "reject", "note": "telegram ring"}, &dec)
	if resp.StatusCode != 200 || dec.Status != store.Rejected || dec.Decision.Moderator != "alice" || dec.Decision.Note != "telegram ring" {
		t.Fatalf("decision: %d %+v", resp.StatusCode, dec)
	}
	var e errBody
	resp = ts.do(t, "POST", "/v1/reviews/"+itoa(id)+"/decision", bobToken, map[string]any{"decision": "approve"}, &e)
	if resp.StatusCode != http.StatusConflict || e.Error.Code != "already_decided" {
		t.Errorf("second decision: %d %+v", resp.StatusCode, e)
	}
	resp = ts.do(t, "POST", "/v1/reviews/"+itoa(id)+"/decision", bobToken, map[string]any{"decision": "approve", "note": "false alarm", "override": true}, &dec)
	if resp.StatusCode != 200 || dec.Status != store.Approved || dec.Decision.Moderator != "bob" || !dec.Decision.Override {
		t.Errorf("override: %d %+v", resp.StatusCode, dec)
	}
	var audit struct {
		Entries []store.AuditEntry `json:"entries"`
	}
	ts.do(t, "GET", "/v1/audit", bobToken, nil, &audit)
	if len(audit.Entries) != 2 || audit.Entries[0].Moderator != "bob" || audit.Entries[0].Action != "override" ||
		audit.Entries[1].Moderator != "alice" || audit.Entries[1].Note != "telegram ring" {
		t.Errorf("audit: %+v", audit.Entries)
	}
	ts.do(t, "GET", "/v1/reviews?status=approved", aliceToken, nil, &l)
	if len(l.Items) != 1 || l.Items[0].ID != id || l.Counts[store.Approved] != 1 || l.Counts[store.Pending] != 2 {
		t.Errorf("approved filter: %+v", l)
	}
	if n := testutil.ToFloat64(ts.svc.m.records.WithLabelValues("stored")); n != 4 {
		t.Errorf("records stored metric = %v, want 4", n)
	}
}

func TestAPIPayloadSpreadByIdentifier(t *testing.T) {
	ts := newTestServer(t)
	img := testPNG(t, 100, 100, 2)
	// One channel, written differently, across 4 listings of 3 sellers.
	ident := "u.wechat.com/abc123"
	payloads := []string{"https://u.wechat.com/abc123", "HTTPS://U.WECHAT.COM/abc123/", "u.wechat.com/abc123", "http://u.wechat.com/abc123"}
	for i, p := range payloads {
		ts.record(t, flagged(t, "s"+itoa(int64(i)), "L"+itoa(int64(i)), "S"+itoa(int64(i%3)), p, ident, img))
	}
	ts.record(t, flagged(t, "other", "L9", "S9", "weixin: zzz", "zzz", img))
	var body struct {
		Identifier string          `json:"identifier"`
		Listings   int             `json:"listings"`
		Sellers    int             `json:"sellers"`
		Items      []store.Summary `json:"items"`
	}
	resp := ts.do(t, "GET", "/v1/payloads/"+url.PathEscape(ident), aliceToken, nil, &body)
	if resp.StatusCode != 200 || body.Identifier != ident || body.Listings != 4 || body.Sellers != 3 || len(body.Items) != 4 {
		t.Errorf("payload spread: %d %+v", resp.StatusCode, body)
	}
	var none struct{ Listings int }
	ts.do(t, "GET", "/v1/payloads/nobody", aliceToken, nil, &none)
	if none.Listings != 0 {
		t.Errorf("unknown identifier: %+v", none)
	}
}

func TestAPIBadRequests(t *testing.T) {
	ts := newTestServer(t)
	ts.record(t, flagged(t, "s1", "L1", "S1", "x", "x", testPNG(t, 10, 10, 3)))
	for _, c := range []struct {
		method, path string
		body         any
		status       int
		code         string
	}{
		{"GET", "/v1/reviews?status=maybe", nil, 400, "bad_request"},
		{"GET", "/v1/reviews?limit=100000", nil, 400, "bad_request"},
		{"GET", "/v1/reviews?cursor=abc", nil, 400, "bad_request"},
		{"GET", "/v1/reviews/999", nil, 404, "not_found"},
		{"GET", "/v1/reviews/abc", nil, 404, "not_found"},
		{"GET", "/v1/images/" + strings.Repeat("a", 64), nil, 404, "not_found"},
		{"GET", "/v1/images/..%2f..%2fetc", nil, 404, "not_found"},
		{"POST", "/v1/reviews/1/decision", map[string]any{"decision": "maybe"}, 400, "bad_request"},
		{"POST", "/v1/reviews/1/decision", map[string]any{"decision": "approve", "extra": 1}, 400, "bad_request"},
		{"POST", "/v1/reviews/1/decision", map[string]any{"decision": "approve", "note": strings.Repeat("x", maxNote+1)}, 400, "bad_request"},
		{"POST", "/v1/reviews/999/decision", map[string]any{"decision": "approve"}, 404, "not_found"},
		{"GET", "/v1/reviews/1/decision", nil, 405, "method_not_allowed"},
		{"DELETE", "/v1/reviews", nil, 405, "method_not_allowed"},
		{"GET", "/v1/nothing", nil, 404, "not_found"},
	} {
		var e errBody
		resp := ts.do(t, c.method, c.path, aliceToken, c.body, &e)
		if resp.StatusCode != c.status || e.Error.Code != c.code || e.Error.Message == "" {
			t.Errorf("%s %s: %d %+v, want %d %s", c.method, c.path, resp.StatusCode, e, c.status, c.code)
		}
	}
}

func TestStoreUnavailableIs503(t *testing.T) {
	ts := newTestServer(t)
	ts.svc.st.Close()
	err := ts.svc.Recorder().Record(context.Background(), flagged(t, "s1", "L1", "S1", "x", "x", nil))
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("Record on a closed store = %v, want ErrUnavailable", err)
	}
	if err := ts.svc.Recorder().Ready(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Ready on a closed store = %v, want ErrUnavailable", err)
	}
	if n := testutil.ToFloat64(ts.svc.m.records.WithLabelValues("error")); n != 1 {
		t.Errorf("records error metric = %v", n)
	}
}

func TestGeneratedTokenShownOnce(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	open := func() *Service {
		s, err := Open(context.Background(), withSQLite(t, Options{DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Registerer: prometheus.NewRegistry()}))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	fi, err := os.Stat(filepath.Join(dir, TokenFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, TokenFileName))
	if f := strings.Fields(string(b)); len(f) != 1 {
		t.Fatalf("token file holds %q, want the token alone", b)
	}
	token := strings.TrimSpace(string(b))
	if strings.Count(logs.String(), token) != 1 {
		t.Errorf("the token is not in the log exactly once:\n%s", logs.String())
	}
	ts := serve(t, s, nil, nil)
	var l listBody
	// As docs/api.md has it: Authorization: Bearer $(cat qrgate-data/moderator-token).
	if resp := ts.do(t, "GET", "/v1/reviews", strings.TrimRight(string(b), "\n"), nil, &l); resp.StatusCode != 200 {
		t.Errorf("the token file's content as a Bearer token refused: %d", resp.StatusCode)
	}
	abs, _ := filepath.Abs(filepath.Join(dir, TokenFileName))
	logs.Reset()
	s2 := open()
	s2.Close()
	if strings.Contains(logs.String(), token) {
		t.Errorf("a restart printed the token again")
	}
	if !strings.Contains(logs.String(), abs) {
		t.Errorf("a restart does not say where the token is (%s):\n%s", abs, logs.String())
	}
}

// TestOldTokenFileStillRead: a token file written by an earlier version
// ("admin TOKEN") is still read, and pasting it whole still logs in.
func TestOldTokenFileStillRead(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, TokenFileName), []byte("admin "+aliceToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), withSQLite(t, Options{DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Registerer: prometheus.NewRegistry()}))
	if err != nil {
		t.Fatal(err)
	}
	ts := serve(t, s, nil, nil)
	var l listBody
	for _, presented := range []string{aliceToken, "admin " + aliceToken, "admin  " + aliceToken + " "} {
		if resp := ts.do(t, "GET", "/v1/reviews", presented, nil, &l); resp.StatusCode != 200 {
			t.Errorf("Bearer %q refused: %d", presented, resp.StatusCode)
		}
	}
	if resp := ts.do(t, "GET", "/v1/reviews", "admin "+bobToken, nil, &l); resp.StatusCode != 401 {
		t.Errorf("a wrong token in a pasted line: %d, want 401", resp.StatusCode)
	}
}

func TestModeratorsFileErrors(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"alice\n", `want "name token"`},
		{"alice short\n", "shorter than"},
		{"al<ice> " + aliceToken + "\n", "moderator name"},
		{"alice " + aliceToken + "\nalice " + bobToken + "\n", "listed twice"},
		{"# nobody\n", "no moderators"},
		{"alice " + aliceToken + "\nbob " + aliceToken + "\n", "bob has the same token as alice"},
	} {
		_, err := parseModerators([]byte(c.file), "mods")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.file, err, c.want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
