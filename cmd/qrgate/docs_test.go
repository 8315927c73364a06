package main

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// repoFile reads a file of the repository from this package's directory.
func repoFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// markdownSection is the text under the heading line `heading` up to the
// next heading of the same or a higher level.
func markdownSection(t *testing.T, doc, heading string) string {
	t.Helper()
	level := strings.Index(heading, " ")
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		if l != heading {
			continue
		}
		var out []string
		for _, m := range lines[i+1:] {
			if n := strings.Index(m, " "); n > 0 && n <= level && strings.Trim(m[:n], "#") == "" {
				break
			}
			out = append(out, m)
		}
		return strings.Join(out, "\n")
	}
	t.Fatalf("no heading %q", heading)
	return ""
}

// tableRows is the cells of every row of the Markdown tables in text,
// header and separator rows left out.
func tableRows(text string) [][]string {
	var rows [][]string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, "|") || strings.HasPrefix(l, "|---") || strings.HasPrefix(l, "| ---") {
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	if len(rows) > 0 {
		rows = rows[1:] // the header
	}
	return rows
}

// docDefaults are the flags whose documented default is a word, not the
// value the flag set holds (the value is worked out at start-up).
var docDefaults = map[string]string{"policy": "built-in", "workers": "GOMAXPROCS", "max-decode-memory": "auto"}

// TestStumble13FlagTable (issue 25, stumble 13: --max-body-in-flight was
// missing): docs/api.md's flag table lists every flag of qrgate serve, no
// other, each with the default the flag set has.
func TestStumble13FlagTable(t *testing.T) {
	fs := newServeFlagSet(&serveFlags{}, io.Discard)
	documented := map[string]string{}
	for _, row := range tableRows(markdownSection(t, repoFile(t, "docs/api.md"), "## Flags")) {
		name := strings.Trim(row[0], "`")
		if !strings.HasPrefix(name, "--") || len(row) < 3 {
			t.Errorf("flag table row %q: want | `--name` | default | meaning |", row)
			continue
		}
		documented[strings.TrimPrefix(name, "--")] = strings.Trim(row[1], "`")
	}
	fs.VisitAll(func(f *flag.Flag) {
		doc, ok := documented[f.Name]
		if !ok {
			t.Errorf("--%s is a flag of qrgate serve but not in docs/api.md's flag table", f.Name)
			return
		}
		delete(documented, f.Name)
		if !sameDefault(f.Name, f.DefValue, doc) {
			t.Errorf("--%s: docs/api.md says the default is %q, the flag's is %q", f.Name, doc, f.DefValue)
		}
	})
	for name := range documented {
		t.Errorf("docs/api.md's flag table lists --%s, which qrgate serve does not have", name)
	}
}

// sameDefault says whether a flag's default value and the documented one
// mean the same: equal text, durations or sizes.
func sameDefault(name, def, doc string) bool {
	if word, ok := docDefaults[name]; ok {
		return doc == word && (def == "" || def == "0")
	}
	if doc == def || (doc == `""` && def == "") {
		return true
	}
	if a, err := time.ParseDuration(def); err == nil {
		b, err := time.ParseDuration(doc)
		return err == nil && a == b
	}
	var a, b byteSize
	if a.Set(def) == nil && b.Set(doc) == nil {
		return a == b
	}
	x, err1 := strconv.ParseFloat(def, 64)
	y, err2 := strconv.ParseFloat(doc, 64)
	return err1 == nil && err2 == nil && x == y
}

// recordingRegistry is a registry that remembers the name of every metric
// registered with it, whether or not it has a sample yet (a vector without
// children is not in /metrics).
type recordingRegistry struct {
	*prometheus.Registry
	mu    sync.Mutex
	names map[string]bool
}

var descName = regexp.MustCompile(`fqName: "([^"]+)"`)

func (r *recordingRegistry) Register(c prometheus.Collector) error {
	if err := r.Registry.Register(c); err != nil {
		return err
	}
	ch := make(chan *prometheus.Desc)
	go func() { c.Describe(ch); close(ch) }()
	r.mu.Lock()
	defer r.mu.Unlock()
	for d := range ch {
		if m := descName.FindStringSubmatch(d.String()); m != nil {
			r.names[m[1]] = true
		}
	}
	return nil
}

func (r *recordingRegistry) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

// registeredMetrics starts the real command with every optional part on
// (API keys, the decision webhook) and returns the qrgate_* metrics it
// registered.
func registeredMetrics(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	keys, secret := filepath.Join(dir, "keys"), filepath.Join(dir, "secret")
	if err := os.WriteFile(keys, []byte("k-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secret, []byte("s3cret-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	reg := &recordingRegistry{Registry: prometheus.NewRegistry(), names: map[string]bool{}}
	startServeWith(t, func(f *serveFlags) { f.registry = reg },
		"--api-keys-file", keys, "--decision-webhook", "http://127.0.0.1:1/hook", "--decision-webhook-secret-file", secret)
	reg.mu.Lock()
	defer reg.mu.Unlock()
	var names []string
	for n := range reg.names {
		if strings.HasPrefix(n, "qrgate_") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) < 20 {
		t.Fatalf("only %d qrgate metrics registered: %v", len(names), names)
	}
	return names
}

var metricName = regexp.MustCompile("`(qrgate_[a-z0-9_]+)`")

// TestStumble13MetricTable (issue 25, stumble 13: four live review
// metrics were missing): docs/api.md's metric table lists every qrgate_*
// metric the running command registers, and no other.
func TestStumble13MetricTable(t *testing.T) {
	registered := registeredMetrics(t)
	documented := map[string]bool{}
	for _, row := range tableRows(markdownSection(t, repoFile(t, "docs/api.md"), "## Metrics (admin `GET /metrics`)")) {
		for _, m := range metricName.FindAllStringSubmatch(row[0], -1) {
			documented[m[1]] = true
		}
	}
	for _, name := range registered {
		if !documented[name] {
			t.Errorf("%s is registered but not in docs/api.md's metric table", name)
		}
		delete(documented, name)
	}
	for name := range documented {
		t.Errorf("docs/api.md's metric table lists %s, which qrgate does not register", name)
	}
}

// notOnDashboard are the metrics deploy/grafana/qrgate.json leaves out,
// each with the reason. Every other registered metric must be in a panel.
var notOnDashboard = map[string]string{}

// TestStumble13DashboardShowsMetrics (issue 25, stumble 13): every metric qrgate registers is queried by a
// panel of the Grafana dashboard, or is in notOnDashboard with a reason.
// (deploy's TestGrafanaDashboard checks the other way: every panel's
// query names metrics and labels the code has.)
func TestStumble13DashboardShowsMetrics(t *testing.T) {
	var d struct {
		Panels []dashPanel `json:"panels"`
	}
	if err := json.Unmarshal([]byte(repoFile(t, "deploy/grafana/qrgate.json")), &d); err != nil {
		t.Fatal(err)
	}
	var exprs []string
	var walk func([]dashPanel)
	walk = func(ps []dashPanel) {
		for _, p := range ps {
			for _, tg := range p.Targets {
				exprs = append(exprs, tg.Expr)
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	queried := map[string]bool{}
	series := regexp.MustCompile(`qrgate_[a-z0-9_]+`)
	for _, e := range exprs {
		for _, m := range series.FindAllString(e, -1) {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				m = strings.TrimSuffix(m, suffix)
			}
			queried[m] = true
		}
	}
	registered := registeredMetrics(t)
	for _, name := range registered {
		_, excused := notOnDashboard[name]
		switch {
		case queried[name] && excused:
			t.Errorf("%s is on the dashboard and in notOnDashboard: drop it from the list", name)
		case !queried[name] && !excused:
			t.Errorf("%s is registered but no panel of deploy/grafana/qrgate.json queries it (add a panel, or a reason to notOnDashboard)", name)
		}
	}
	for name := range notOnDashboard {
		if !slices.Contains(registered, name) {
			t.Errorf("notOnDashboard lists %s, which qrgate does not register", name)
		}
	}
}

type dashPanel struct {
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []dashPanel `json:"panels"`
}

// TestStumble13SizingFiguresAgree (issue 25, stumble 13: README said 33.5
// ms and ~30 images per core per second, docs/operations.md 27.8 ms and
// ~36): README's sizing figure is the one docs/operations.md measured.
func TestStumble13SizingFiguresAgree(t *testing.T) {
	readme := regexp.MustCompile(`about \*\*(\d+) images per core per\s+second\*\*`).FindStringSubmatch(repoFile(t, "README.md"))
	ops := regexp.MustCompile(`\| images per core per second \| \*\*≈ (\d+)\*\*`).FindStringSubmatch(repoFile(t, "docs/operations.md"))
	if readme == nil || ops == nil {
		t.Fatalf("sizing figure not found: README %q, docs/operations.md %q", readme, ops)
	}
	if readme[1] != ops[1] {
		t.Errorf("README says %s images per core per second, docs/operations.md %s", readme[1], ops[1])
	}
	readmeMS := regexp.MustCompile(`\(([\d.]+)–([\d.]+) ms CPU per image`).FindStringSubmatch(repoFile(t, "README.md"))
	opsMS := regexp.MustCompile(`\*\*([\d.]+) / ([\d.]+) ms\*\*`).FindStringSubmatch(repoFile(t, "docs/operations.md"))
	if readmeMS == nil || opsMS == nil || readmeMS[1] != opsMS[1] || readmeMS[2] != opsMS[2] {
		t.Errorf("CPU per image: README %q, docs/operations.md %q", readmeMS, opsMS)
	}
}
