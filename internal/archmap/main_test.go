package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArchitectureDocIsCurrent: docs/architecture.md draws the packages as
// they import each other today; a moved or added package, or a new import
// across layers, fails here until `go run ./internal/archmap -w` is run and
// the change is looked at.
func TestArchitectureDocIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	g, err := loadGraph(root)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, docPath))
	if err != nil {
		t.Fatal(err)
	}
	want, err := replaceBlock(string(doc), render(g))
	if err != nil {
		t.Fatal(err)
	}
	if want != string(doc) {
		t.Errorf("%s's package graph is not the code's: run `go run ./internal/archmap -w` and read the difference", docPath)
	}
}

func TestReduceKeepsOnlyTheLayers(t *testing.T) {
	g := graph{
		"cmd":     {"gateway", "scan", "policy"},
		"gateway": {"scan"},
		"scan":    {"policy", "decoder"},
		"policy":  nil,
		"decoder": nil,
	}
	got := render(g)
	for _, want := range []string{"cmd --> gateway", "gateway --> scan", "scan --> policy", "scan --> decoder"} {
		if !strings.Contains(got, want) {
			t.Errorf("the arrow %q is missing:\n%s", want, got)
		}
	}
	for _, shortcut := range []string{"cmd --> scan", "cmd --> policy"} {
		if strings.Contains(got, shortcut) {
			t.Errorf("the shortcut %q is drawn:\n%s", shortcut, got)
		}
	}
}

func TestParseListKeepsTheModuleOutsideBenchmarks(t *testing.T) {
	out := []byte(`{"ImportPath":"github.com/qrgate/qrgate/scan","Imports":["fmt","github.com/qrgate/qrgate/policy","github.com/qrgate/qrgate/benchmarks/x"]}
{"ImportPath":"github.com/qrgate/qrgate/benchmarks/score","Imports":["github.com/qrgate/qrgate/scan"]}
{"ImportPath":"github.com/qrgate/qrgate/policy"}`)
	g, err := parseList(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(g) != 2 || len(g["scan"]) != 1 || g["scan"][0] != "policy" {
		t.Errorf("graph %v; want scan → policy and policy alone", g)
	}
}
