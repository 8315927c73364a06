// Command archmap draws qrgate's package graph from `go list`: every
// package of the module outside benchmarks/, and an arrow from a package to
// each module package it imports (test files apart), transitively reduced so
// that the drawing shows the layers rather than every shortcut. It prints a
// Mermaid block; with -w it rewrites that block in docs/architecture.md,
// and TestArchitectureDocIsCurrent fails when the file lags the code.
//
//	go run ./internal/archmap -w
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
)

const (
	docPath    = "docs/architecture.md"
	beginMark  = "<!-- archmap:begin (go run ./internal/archmap -w) -->"
	endMark    = "<!-- archmap:end -->"
	modulePath = "github.com/qrgate/qrgate"
)

func main() {
	write := flag.Bool("w", false, "rewrite the graph in "+docPath+" instead of printing it")
	flag.Parse()
	graph, err := loadGraph(".")
	if err == nil && *write {
		err = rewriteDoc(docPath, render(graph))
	} else if err == nil {
		_, err = io.WriteString(os.Stdout, render(graph))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "archmap:", err)
		os.Exit(1)
	}
}

// graph maps each package (relative to the module) to the module packages
// it imports.
type graph map[string][]string

// loadGraph lists the module's packages under dir with the go command.
func loadGraph(dir string) (graph, error) {
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", "./...")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v: %s", err, stderr.String())
	}
	return parseList(out)
}

// parseList reads go list's stream of JSON objects.
func parseList(out []byte) (graph, error) {
	g := graph{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list output: %w", err)
		}
		name, ok := inModule(p.ImportPath)
		if !ok || !shown(name) {
			continue
		}
		var deps []string
		for _, imp := range p.Imports {
			if d, ok := inModule(imp); ok && shown(d) {
				deps = append(deps, d)
			}
		}
		g[name] = deps
	}
	return g, nil
}

func inModule(path string) (string, bool) {
	rel, ok := strings.CutPrefix(path, modulePath+"/")
	return rel, ok
}

// shown leaves out the benchmark commands: they are tools around the
// product, not part of its layers.
func shown(pkg string) bool { return !strings.HasPrefix(pkg, "benchmarks/") }

// reduce drops an arrow a→c when a reaches c through another arrow.
func (g graph) reduce() graph {
	out := graph{}
	for a, deps := range g {
		var keep []string
		for _, c := range deps {
			if !g.reachesAvoiding(a, c) {
				keep = append(keep, c)
			}
		}
		out[a] = keep
	}
	return out
}

// reachesAvoiding reports whether to is reachable from from by a path of
// two or more arrows.
func (g graph) reachesAvoiding(from, to string) bool {
	seen := map[string]bool{}
	var stack []string
	for _, d := range g[from] {
		if d != to {
			stack = append(stack, d)
		}
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == to {
			return true
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		stack = append(stack, g[n]...)
	}
	return false
}

// render writes the reduced graph as a Mermaid flowchart, packages and
// arrows in sorted order so that the output is stable.
func render(g graph) string {
	r := g.reduce()
	names := make([]string, 0, len(r))
	for n := range r {
		names = append(names, n)
	}
	slices.Sort(names)
	id := func(n string) string { return strings.NewReplacer("/", "_", "-", "_").Replace(n) }
	var b strings.Builder
	b.WriteString("```mermaid\nflowchart TD\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %s[%s]\n", id(n), n)
	}
	for _, n := range names {
		deps := slices.Clone(r[n])
		slices.Sort(deps)
		for _, d := range deps {
			fmt.Fprintf(&b, "  %s --> %s\n", id(n), id(d))
		}
	}
	b.WriteString("```\n")
	return b.String()
}

// replaceBlock puts block between the markers of doc.
func replaceBlock(doc, block string) (string, error) {
	i := strings.Index(doc, beginMark)
	j := strings.Index(doc, endMark)
	if i < 0 || j < i {
		return "", fmt.Errorf("%s lacks the markers %q and %q", docPath, beginMark, endMark)
	}
	return doc[:i+len(beginMark)] + "\n" + block + doc[j:], nil
}

func rewriteDoc(path, block string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc, err := replaceBlock(string(b), block)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}
