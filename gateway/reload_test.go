package gateway

import (
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qrgate/qrgate/internal/testfixtures"
	"github.com/qrgate/qrgate/policy"
)

// policyYAML is the built-in policy with another version and, optionally,
// bit.ly blocked instead of warned.
func policyYAML(version string, blockShortLinks bool) string {
	s := string(policy.DefaultYAML())
	s = strings.Replace(s, `version: "2026-11-24.1"`, `version: "`+version+`"`, 1)
	if blockShortLinks {
		s = strings.Replace(s, "short_link: warn", "short_link: block", 1)
	}
	return s
}

const invalidPolicy = "version: \"broken\"\nno_such_key: 1\n"

func withPolicyFile(path string) testOption {
	return func(o *Options) {
		h, err := policy.NewHolder(path)
		if err != nil {
			panic(err)
		}
		o.Policy = h
	}
}

func TestPolicyReloadEndpoint(t *testing.T) {
	path := writeFile(t, "policy.yaml", policyYAML("v1", false))
	tg := startGateway(t, withPolicyFile(path))
	auth := []string{"Authorization", "Bearer " + testAdminToken}
	shortLink := testfixtures.QRPNG("https://bit.ly/30Fv7c4", 200)
	verdict := func() string {
		return do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "image/png", shortLink).json(t)["verdict"].(string)
	}
	if v := verdict(); v != "warn" {
		t.Fatalf("verdict %q under v1", v)
	}

	tests := []struct {
		name, file, method string
		auth               bool
		status             int
		version            string // in force afterwards
	}{
		{"unauthenticated", policyYAML("v2", true), "POST", false, 401, "v1"},
		{"wrong-method", policyYAML("v2", true), "GET", true, 405, "v1"},
		{"valid", policyYAML("v2", true), "POST", true, 200, "v2"},
		{"invalid-refused", invalidPolicy, "POST", true, 400, "v2"},
		{"missing-file-refused", "", "POST", true, 400, "v2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.file == "" {
				os.Remove(path)
			} else if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			var h []string
			if tt.auth {
				h = auth
			}
			r := do(t, tt.method, tg.admin+"/admin/policy/reload", "", nil, h...)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if got := tg.g.pol.Get().Version(); got != tt.version {
				t.Errorf("version %q in force, want %q", got, tt.version)
			}
			if r := do(t, "GET", tg.admin+"/readyz", "", nil); r.status != 200 {
				t.Errorf("readyz %d after %s", r.status, tt.name)
			}
		})
	}
	if v := verdict(); v != "block" {
		t.Errorf("verdict %q under v2 (short links blocked)", v)
	}
	if ok, bad := metric(t, tg.reg, "qrgate_policy_reloads_total", "result", "ok"), metric(t, tg.reg, "qrgate_policy_reloads_total", "result", "error"); ok != 1 || bad != 2 {
		t.Errorf("reloads ok=%v error=%v, want 1 and 2", ok, bad)
	}
	if metric(t, tg.reg, "qrgate_policy_info", "version", "v2") != 1 || metric(t, tg.reg, "qrgate_policy_info", "version", "v1") != 0 {
		t.Error("qrgate_policy_info does not show v2 alone")
	}
	r := do(t, "GET", tg.admin+"/admin/policy", "", nil, auth...)
	if r.status != 200 || r.json(t)["version"] != "v2" {
		t.Errorf("GET /admin/policy: %d %s", r.status, r.body)
	}
	if r := do(t, "GET", tg.admin+"/admin/nothing", "", nil, auth...); r.status != 404 {
		t.Errorf("unknown admin path: %d", r.status)
	}
}

// TestReloadWithoutPolicyFile: reloading the built-in policy is a 409 and
// an INFO line, not an ERROR (SIGHUP is sent for the keys and moderators
// too, and nothing failed).
func TestReloadWithoutPolicyFile(t *testing.T) {
	var logs syncBuffer
	tg := startGateway(t, func(o *Options) { o.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	r := do(t, "POST", tg.admin+"/admin/policy/reload", "", nil, "Authorization", "Bearer "+testAdminToken)
	if r.status != 409 {
		t.Errorf("%d %s", r.status, r.body)
	}
	tg.g.ReloadPolicy("SIGHUP")
	if out := logs.String(); strings.Contains(out, `"level":"ERROR"`) || !strings.Contains(out, "built-in policy is in use") {
		t.Errorf("reloading the built-in policy logged:\n%s", out)
	}
}

// TestAdminRootLeadsToPage: a browser opening the admin address is sent to
// the moderators' page, not given a JSON 404.
func TestAdminRootLeadsToPage(t *testing.T) {
	tg := startGateway(t)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(tg.admin + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/ui/" {
		t.Errorf("GET /: %d, Location %q; want 302 to /ui/", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestPolicyWatch changes the file in place and then the way a Kubernetes
// ConfigMap update does (the ..data symlink swapped to a new directory).
func TestPolicyWatch(t *testing.T) {
	dir := t.TempDir()
	mkVersion := func(name, content string) {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "policy.yaml"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	swap := func(name string) { // atomic like kubelet: new symlink, rename over ..data
		tmp := filepath.Join(dir, "..data_tmp")
		if err := os.Symlink(name, tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
			t.Fatal(err)
		}
	}
	mkVersion("..2026_01", policyYAML("cm1", false))
	swap("..2026_01")
	path := filepath.Join(dir, "policy.yaml")
	if err := os.Symlink("..data/policy.yaml", path); err != nil {
		t.Fatal(err)
	}
	tg := startGateway(t, withPolicyFile(path))
	ctx, cancel := contextWithCancel()
	defer cancel()
	ticks := make(chan time.Time) // unbuffered: a send returns once the previous tick is handled
	go tg.g.pol.WatchTicks(ctx, ticks, tg.g.log)
	tickAndSettle := func() {
		ticks <- time.Time{} // the check of this tick
		ticks <- time.Time{} // returns once that check and its reload are done
	}

	want := func(v string) {
		t.Helper()
		tickAndSettle()
		if got := tg.g.pol.Get().Version(); got != v {
			t.Fatalf("policy version %s after the file changed; want %s", got, v)
		}
	}
	mkVersion("..2026_02", policyYAML("cm2", false))
	swap("..2026_02")
	want("cm2")

	mkVersion("..2026_03", invalidPolicy)
	swap("..2026_03")
	for i := 0; i < 5; i++ { // a bad file is refused once, not at every tick
		tickAndSettle()
	}
	if n := metric(t, tg.reg, "qrgate_policy_reloads_total", "result", "error"); n != 1 || tg.g.pol.Get().Version() != "cm2" {
		t.Errorf("after a bad file and ten ticks: errors=%v (want 1) version=%s (want cm2)", n, tg.g.pol.Get().Version())
	}

	mkVersion("..2026_04", policyYAML("cm4", true))
	swap("..2026_04")
	want("cm4")
}
