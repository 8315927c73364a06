package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// linkText is n bytes of "x.io/N" words: a text that needs review (links
// are warn) and has more findings than the cap.
func linkText(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n-16; i++ {
		fmt.Fprintf(&b, "x.io/%d ", i)
	}
	return b.String()
}

// scanAnswer is what these tests read of a 200 answer.
type scanAnswer struct {
	Verdict         string `json:"verdict"`
	ReviewStored    *bool  `json:"review_stored"`
	ReviewTruncated *bool  `json:"review_truncated"`
}

// scanAs posts a listing from the address xff names (the server trusts
// loopback's X-Forwarded-For) and decodes the answer.
func scanAs(t *testing.T, pub, xff string, listing map[string]any) scanAnswer {
	t.Helper()
	body, _ := json.Marshal(listing)
	req, _ := http.NewRequest("POST", pub+"/v1/scan", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", xff)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var a scanAnswer
	if resp.StatusCode != 200 || json.Unmarshal(b, &a) != nil || a.ReviewStored == nil || !*a.ReviewStored || a.ReviewTruncated == nil {
		t.Fatalf("scan: %d %s", resp.StatusCode, b)
	}
	return a
}

// TestOpenAPIQuotas: on the open API, texts count against the quotas, an
// address holds at most --address-quota whatever seller ids it sends, so
// three addresses cannot fill the store; past its quota a listing is
// answered and queued with review_truncated, its item keeps 64 KiB of text
// and says why, and a metric counts it. Listings without a seller_id have
// a small bucket of their own.
func TestOpenAPIQuotas(t *testing.T) {
	dir := t.TempDir()
	mods := filepath.Join(dir, "moderators")
	const modToken = "alice-token-0123456789abcdef"
	if err := os.WriteFile(mods, []byte("alice "+modToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sg := startServe(t, "--moderators-file", mods, "--trusted-proxies", "127.0.0.1",
		"--store-max-bytes", "4MiB", "--address-quota", "600KiB", "--no-seller-quota", "300KiB")
	text := linkText(256 << 10)
	n := 0
	listing := func(seller string) map[string]any {
		n++
		return map[string]any{"listing_id": fmt.Sprint("L", n), "seller_id": seller, "texts": []string{text}}
	}
	for _, addr := range []string{"192.0.2.1", "192.0.2.2", "2001:db8::1"} {
		for i, want := range []bool{false, false, true} { // 2 × 256 KiB and findings fit in 600 KiB
			if a := scanAs(t, sg.pub, addr, listing(fmt.Sprint(addr, "-seller-", i))); *a.ReviewTruncated != want || a.Verdict != "warn" {
				t.Errorf("%s, listing %d: review_truncated %v, verdict %s", addr, i, *a.ReviewTruncated, a.Verdict)
			}
		}
	}
	// 2001:db8::2 is in 2001:db8::1's /64: the same client.
	if a := scanAs(t, sg.pub, "2001:db8::2", listing("other")); !*a.ReviewTruncated {
		t.Error("another address of the same /64 was given a bucket of its own")
	}
	// A fourth address still has room: three did not fill the store.
	if a := scanAs(t, sg.pub, "192.0.2.4", listing("s4")); *a.ReviewTruncated {
		t.Error("a fourth address found the store full")
	}
	// No seller_id: a 300 KiB bucket of the address's own, apart from
	// its sellers'.
	if a := scanAs(t, sg.pub, "192.0.2.5", listing("s5")); *a.ReviewTruncated {
		t.Error("a seller of a fresh address was truncated")
	}
	if a := scanAs(t, sg.pub, "192.0.2.5", listing("")); *a.ReviewTruncated {
		t.Error("first listing without a seller was truncated")
	}
	if a := scanAs(t, sg.pub, "192.0.2.5", listing("")); !*a.ReviewTruncated {
		t.Error("second listing without a seller fit in a 300 KiB bucket")
	}

	req, _ := http.NewRequest("GET", sg.admin+"/v1/reviews/3", nil)
	req.Header.Set("Authorization", "Bearer "+modToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var it struct {
		Texts     []string `json:"texts"`
		Findings  []any    `json:"findings"`
		Truncated *struct {
			Reason    string `json:"reason"`
			TextBytes int64  `json:"text_bytes"`
		} `json:"truncated"`
	}
	json.NewDecoder(resp.Body).Decode(&it)
	resp.Body.Close()
	if it.Truncated == nil || it.Truncated.Reason != "client_quota" || it.Truncated.TextBytes != int64(len(text)-64<<10) ||
		len(it.Texts) != 1 || len(it.Texts[0]) != 64<<10 || len(it.Findings) != 51 {
		t.Errorf("truncated item: %d texts, truncated %+v, %d findings", len(it.Texts), it.Truncated, len(it.Findings))
	}
	_, metrics := (&child{admin: sg.admin}).get(t, sg.admin+"/metrics")
	if !strings.Contains(metrics, `qrgate_review_truncated_total{reason="client_quota"} 4`) ||
		!strings.Contains(metrics, `qrgate_review_truncated_total{reason="seller_quota"} 1`) {
		t.Errorf("truncation metrics:\n%s", grepLines(metrics, "qrgate_review_truncated_total"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
