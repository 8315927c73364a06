package deploy

import (
	"encoding/json"
	"fmt"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"
)

// metric is a series family the product exports, read from its source.
type metric struct {
	kind   string // Counter, Gauge, Histogram, Summary
	labels []string
}

// metricSource is what the product's Go source says about its metrics.
type metricSource struct {
	metrics map[string]metric // qrgate_* names, as registered
	strings map[string]bool   // every string literal: label values the code can emit
}

// targetLabels are attached by Prometheus or Kubernetes service discovery.
var targetLabels = []string{"job", "instance", "pod", "namespace", "container", "service", "node"}

// standardMetrics are the Go and process collectors' series the dashboard
// and alerts may use (registered in cmd/qrgate), and Prometheus' own.
var standardMetrics = map[string]bool{
	"go_goroutines": true, "process_cpu_seconds_total": true, "process_resident_memory_bytes": true,
	"go_memstats_heap_inuse_bytes": true, "process_open_fds": true, "up": true,
}

var promParser = parser.NewParser(parser.Options{})

// readMetricSource finds every prometheus.New{Counter,Gauge,Histogram,
// Summary}[Vec|Func](Opts{Name: "qrgate_…"}, …) call in the
// product's non-test Go files, so the dashboard and alerts are checked
// against what the code registers, not a list that can drift.
func readMetricSource(t *testing.T) metricSource {
	t.Helper()
	src := metricSource{metrics: map[string]metric{}, strings: map[string]bool{}}
	fset := token.NewFileSet()
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "deploy", "testdata", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := goparser.ParseFile(fset, path, nil, goparser.SkipObjectResolution)
		if err != nil {
			return nil // someone's file mid-edit; the main module's own checks report it
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					if s, err := strconv.Unquote(n.Value); err == nil {
						src.strings[s] = true
					}
				}
			case *ast.CallExpr:
				if name, m, ok := metricCall(n); ok {
					src.metrics[name] = m
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(src.metrics) < 10 {
		t.Fatalf("found only %d qrgate metrics in the source: has their registration style changed?", len(src.metrics))
	}
	return src
}

var newMetricFunc = regexp.MustCompile(`^New(Counter|Gauge|Histogram|Summary)(Vec|Func)?$`)

func metricCall(call *ast.CallExpr) (string, metric, bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) == 0 {
		return "", metric{}, false
	}
	fm := newMetricFunc.FindStringSubmatch(sel.Sel.Name)
	if fm == nil {
		return "", metric{}, false
	}
	opts, ok := call.Args[0].(*ast.CompositeLit)
	if !ok {
		return "", metric{}, false
	}
	var name string
	for _, e := range opts.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if id, isID := kv.Key.(*ast.Ident); ok && isID && id.Name == "Name" {
			if lit, ok := kv.Value.(*ast.BasicLit); ok {
				name, _ = strconv.Unquote(lit.Value)
			}
		}
	}
	if !strings.HasPrefix(name, "qrgate_") {
		return "", metric{}, false
	}
	m := metric{kind: fm[1]}
	if len(call.Args) > 1 {
		if ls, ok := call.Args[1].(*ast.CompositeLit); ok {
			for _, e := range ls.Elts {
				if lit, ok := e.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(lit.Value)
					m.labels = append(m.labels, s)
				}
			}
		}
	}
	return name, m, true
}

// series resolves a series name as queried (with _bucket, _sum, _count
// for histograms) to its labels.
func (src metricSource) series(name string) ([]string, bool) {
	if m, ok := src.metrics[name]; ok {
		return m.labels, true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		base, found := strings.CutSuffix(name, suffix)
		if m, ok := src.metrics[base]; found && ok && (m.kind == "Histogram" || m.kind == "Summary") {
			if suffix == "_bucket" {
				return append(slices.Clone(m.labels), "le"), true
			}
			return m.labels, true
		}
	}
	return nil, false
}

// checkExpr parses a PromQL expression and checks every series it selects
// exists, every label it matches or groups by belongs to those series, and
// every literal label value is one the code can emit. recorded names
// (recording rules) count as series with the given labels.
func checkExpr(src metricSource, recorded map[string][]string, expr string) ([]string, []error) {
	e, err := promParser.ParseExpr(expr)
	if err != nil {
		return nil, []error{err}
	}
	var errs []error
	var used []string
	allowed := func(sel *parser.VectorSelector) []string {
		name := sel.Name
		for _, m := range sel.LabelMatchers {
			if m.Name == labels.MetricName {
				name = m.Value
			}
		}
		used = append(used, name)
		if ls, ok := recorded[name]; ok {
			return ls
		}
		if standardMetrics[name] {
			return nil
		}
		ls, ok := src.series(name)
		if !ok {
			errs = append(errs, fmt.Errorf("unknown series %q", name))
		}
		return ls
	}
	parser.Inspect(e, func(n parser.Node, path []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			ls := allowed(n)
			for _, m := range n.LabelMatchers {
				if m.Name == labels.MetricName || slices.Contains(targetLabels, m.Name) {
					continue
				}
				if !slices.Contains(ls, m.Name) && !standardMetrics[n.Name] {
					errs = append(errs, fmt.Errorf("%s has no label %q", n.Name, m.Name))
					continue
				}
				for _, v := range literalValues(m) {
					if m.Name != "le" && m.Name != "code" && !src.strings[v] {
						errs = append(errs, fmt.Errorf("%s{%s}: the code never emits %q", n.Name, m.Name, v))
					}
				}
			}
		case *parser.AggregateExpr:
			var inner []string
			parser.Inspect(n.Expr, func(c parser.Node, _ []parser.Node) error {
				if vs, ok := c.(*parser.VectorSelector); ok {
					name := vs.Name
					if ls, ok := recorded[name]; ok {
						inner = append(inner, ls...)
					} else if ls, ok := src.series(name); ok {
						inner = append(inner, ls...)
					}
				}
				if ag, ok := c.(*parser.AggregateExpr); ok && ag != n && !ag.Without {
					inner = append(inner, ag.Grouping...)
				}
				return nil
			})
			for _, g := range n.Grouping {
				if !slices.Contains(inner, g) && !slices.Contains(targetLabels, g) {
					errs = append(errs, fmt.Errorf("%s by (%s): no series inside has that label", n.Op, g))
				}
			}
		}
		return nil
	})
	return used, errs
}

// literalValues returns the values an equality or simple alternation
// matcher accepts ("a", "a|b"), or none for a real regular expression.
func literalValues(m *labels.Matcher) []string {
	switch m.Type {
	case labels.MatchEqual, labels.MatchNotEqual:
		return []string{m.Value}
	case labels.MatchRegexp, labels.MatchNotRegexp:
		if regexp.MustCompile(`^[a-z0-9_]+(\|[a-z0-9_]+)*$`).MatchString(m.Value) {
			return strings.Split(m.Value, "|")
		}
	}
	return nil
}

// grafanaVars replaces Grafana's variables with values PromQL accepts.
var grafanaVars = strings.NewReplacer(
	"$__rate_interval", "5m", "$__interval", "1m", "$__range", "1h",
	"${job}", ".*", "$job", ".*",
)

type dashboard struct {
	Title      string  `json:"title"`
	UID        string  `json:"uid"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []struct {
			Name string `json:"name"`
			Expr string `json:"expr"`
		} `json:"list"`
	} `json:"annotations"`
}

type panel struct {
	ID      int    `json:"id"`
	Type    string `json:"type"`
	Title   string `json:"title"`
	GridPos struct {
		H, W, X, Y int
	} `json:"gridPos"`
	Datasource *struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"`
}

// TestGrafanaDashboard parses deploy/grafana/qrgate.json and every PromQL
// expression in it against the metrics the code registers.
func TestGrafanaDashboard(t *testing.T) {
	src := readMetricSource(t)
	raw, err := os.ReadFile("grafana/qrgate.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("qrgate.json: %v", err)
	}
	if d.Title == "" || d.UID == "" {
		t.Error("dashboard needs a title and a uid")
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
	}
	if vars["datasource"] != "datasource" {
		t.Error("want a datasource variable, so the dashboard imports into any Grafana")
	}

	var used []string
	ids := map[int]bool{}
	cells := map[[2]int]int{} // grid cell → panel id, to catch overlaps
	check := func(where, expr string) {
		u, errs := checkExpr(src, nil, grafanaVars.Replace(expr))
		used = append(used, u...)
		for _, err := range errs {
			t.Errorf("%s: %q: %v", where, expr, err)
		}
	}
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if ids[p.ID] {
				t.Errorf("panel id %d used twice", p.ID)
			}
			ids[p.ID] = true
			g := p.GridPos
			if g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > 24 {
				t.Errorf("panel %q: gridPos %+v outside the 24-column grid", p.Title, g)
			}
			for x := g.X; x < g.X+g.W; x++ {
				for y := g.Y; y < g.Y+g.H; y++ {
					if other, ok := cells[[2]int{x, y}]; ok {
						t.Errorf("panel %q overlaps panel %d", p.Title, other)
						y, x = g.Y+g.H, g.X+g.W
						break
					}
					cells[[2]int{x, y}] = p.ID
				}
			}
			walk(p.Panels)
			if p.Type == "row" {
				continue
			}
			if p.Title == "" || len(p.Targets) == 0 {
				t.Errorf("panel %d (%q) needs a title and a query", p.ID, p.Title)
			}
			if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
				t.Errorf("panel %q: datasource must be ${datasource}", p.Title)
			}
			for _, tg := range p.Targets {
				check(fmt.Sprintf("panel %q %s", p.Title, tg.RefID), tg.Expr)
			}
		}
	}
	walk(d.Panels)
	for _, a := range d.Annotations.List {
		if a.Expr != "" {
			check("annotation "+a.Name, a.Expr)
		}
	}

	// What issue 8 asks the dashboard to show.
	for _, want := range []string{
		"qrgate_scans_total", "qrgate_scan_duration_seconds_bucket", "qrgate_images_total",
		"qrgate_findings_total", "qrgate_requests_total", "qrgate_rejected_total",
		"qrgate_queue_depth", "qrgate_inflight_scans", "qrgate_cache_hits_total",
		"qrgate_cache_misses_total", "qrgate_decoder_panics_total", "qrgate_policy_info",
		"qrgate_policy_reloads_total",
	} {
		if !slices.Contains(used, want) {
			t.Errorf("dashboard does not show %s", want)
		}
	}
}

// TestAlertRules validates alerts.yml as Prometheus loads it (rulefmt,
// unknown fields are errors), checks every expression against the metrics
// the code registers, and requires a severity, a summary, a description
// and a firing unit test for every alert.
func TestAlertRules(t *testing.T) {
	src := readMetricSource(t)
	groups, errs := rulefmt.ParseFile("prometheus/alerts.yml", false, model.UTF8Validation, promParser, slog.New(slog.DiscardHandler))
	for _, err := range errs {
		t.Error(err)
	}
	if groups == nil {
		t.FailNow()
	}
	recorded := map[string][]string{}
	var alerts []string
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			used, errs := checkExpr(src, recorded, r.Expr)
			for _, err := range errs {
				t.Errorf("%s%s: %v", r.Record, r.Alert, err)
			}
			if len(used) == 0 {
				t.Errorf("%s%s selects no series", r.Record, r.Alert)
			}
			if r.Record != "" {
				// A recording rule keeps the labels its outer aggregation keeps.
				e, _ := promParser.ParseExpr(r.Expr)
				var keep []string
				parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
					if ag, ok := n.(*parser.AggregateExpr); ok && !ag.Without {
						keep = append(keep, ag.Grouping...)
					}
					return nil
				})
				recorded[r.Record] = keep
				continue
			}
			alerts = append(alerts, r.Alert)
			if s := r.Labels["severity"]; s != "page" && s != "ticket" {
				t.Errorf("%s: severity %q, want page or ticket", r.Alert, s)
			}
			for _, a := range []string{"summary", "description"} {
				if r.Annotations[a] == "" {
					t.Errorf("%s: no %s annotation", r.Alert, a)
				}
			}
		}
	}
	for _, want := range []string{"QrgateHighErrorRatio", "QrgateLatencySLOFastBurn", "QrgateLatencySLOSlowBurn",
		"QrgateShedding", "QrgateQueueSaturated", "QrgatePolicyReloadFailing"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("alerts.yml lacks %s", want)
		}
	}

	// Every alert has a unit test in which it fires.
	raw, err := os.ReadFile("prometheus/alerts_test.yml")
	if err != nil {
		t.Fatal(err)
	}
	var unit struct {
		RuleFiles []string `json:"rule_files"`
		Tests     []struct {
			AlertRuleTest []struct {
				Alertname string            `json:"alertname"`
				ExpAlerts []json.RawMessage `json:"exp_alerts"`
			} `json:"alert_rule_test"`
		} `json:"tests"`
	}
	if err := yaml.Unmarshal(raw, &unit); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(unit.RuleFiles, "alerts.yml") {
		t.Errorf("alerts_test.yml rule_files %v does not load alerts.yml", unit.RuleFiles)
	}
	fires := map[string]bool{}
	for _, tc := range unit.Tests {
		for _, a := range tc.AlertRuleTest {
			if !slices.Contains(alerts, a.Alertname) {
				t.Errorf("alerts_test.yml tests %s, which alerts.yml lacks", a.Alertname)
			}
			if len(a.ExpAlerts) > 0 {
				fires[a.Alertname] = true
			}
		}
	}
	sort.Strings(alerts)
	for _, a := range alerts {
		if !fires[a] {
			t.Errorf("%s has no unit test in which it fires", a)
		}
	}
}

// TestExprChecker proves the checker refuses what it is meant to.
func TestExprChecker(t *testing.T) {
	src := readMetricSource(t)
	for _, bad := range []string{
		`rate(qrgate_scans_totl[5m])`,                              // unknown series
		`sum by (format) (rate(qrgate_scans_total[5m]))`,           // label of another metric
		`rate(qrgate_rejected_total{reason="queue_overflow"}[5m])`, // value the code never emits
		`rate(qrgate_scans_total{colour="red"}[5m])`,               // unknown label
		`rate(qrgate_scans_total[5m]`,                              // syntax
	} {
		if _, errs := checkExpr(src, nil, bad); len(errs) == 0 {
			t.Errorf("%s: accepted", bad)
		}
	}
	good := `histogram_quantile(0.99, sum by (le) (rate(qrgate_scan_duration_seconds_bucket{job=~".*"}[5m])))`
	if _, errs := checkExpr(src, nil, good); len(errs) > 0 {
		t.Errorf("%s: %v", good, errs)
	}
}
