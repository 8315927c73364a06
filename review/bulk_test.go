package review

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestBulkRefusesBadForms: a bulk decision without items, with too many,
// with a bad id or decision, or without the form's CSRF token decides
// nothing and says why.
func TestBulkRefusesBadForms(t *testing.T) {
	ts := newTestServer(t)
	ts.record(t, flagged(t, "a", "L-a", "S-1", "weixin: a", "a", testPNG(t, 48, 36, 1)))
	b := ts.browser(t)
	b.login(aliceToken)
	_, page := b.get("/ui/?status=pending")
	csrf := csrfOf(t, page)
	post := func(form url.Values) (int, string) {
		resp, err := b.c.PostForm(ts.url+"/ui/bulk?status=pending", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var sb strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			sb.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, sb.String()
	}
	many := url.Values{"csrf": {csrf}, "decision": {"reject"}}
	for i := 0; i <= maxBulk; i++ {
		many.Add("id", "1")
	}
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		says   string
	}{
		{"no items", url.Values{"csrf": {csrf}, "decision": {"reject"}}, http.StatusBadRequest, "select at least one item"},
		{"too many", many, http.StatusBadRequest, "at most 500 at once"},
		{"bad id", url.Values{"csrf": {csrf}, "decision": {"reject"}, "id": {"1", "x"}}, http.StatusBadRequest, "is not an item id"},
		{"bad decision", url.Values{"csrf": {csrf}, "decision": {"maybe"}, "id": {"1"}}, http.StatusBadRequest, "want &#34;approve&#34; or &#34;reject&#34;"},
		{"no csrf", url.Values{"decision": {"reject"}, "id": {"1"}}, http.StatusForbidden, "CSRF check failed"},
	} {
		status, body := post(c.form)
		if status != c.status || !strings.Contains(body, c.says) {
			t.Errorf("%s: %d, want %d saying %q", c.name, status, c.status, c.says)
		}
	}
	it, err := ts.svc.st.Get(t.Context(), 1)
	if err != nil || it.Decision != nil {
		t.Fatalf("a refused bulk form decided item 1: %+v %v", it.Decision, err)
	}
}
