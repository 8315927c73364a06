// Package docexamples finds the usage examples of the repository's
// Markdown (README.md and docs/*.md): every fenced block, its language,
// and whether it is run. internal/docexamples/runexamples runs the shell
// ones verbatim on a copy of the tracked files (.ci/run does); tests read
// them to keep what a newcomer copies runnable.
//
// Conventions in the Markdown:
//   - every fence names its language; `sh` blocks are commands and run, the
//     others (json, go, text, http, yaml) are shown, not run;
//   - `<!-- not-run: REASON -->` on the line before a fence exempts an sh
//     block (docker and kubectl examples, and the commands that measured a
//     figure: they need peers, root or long runs);
//   - `<!-- examples-serve: ARGS -->` anywhere in a file: its examples run
//     against `qrgate serve ARGS`, started from the repository's root on
//     the default ports before the first block.
package docexamples

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Example is one fenced block.
type Example struct {
	File string // path relative to the repository root
	Line int    // of the opening fence, 1-based
	Lang string
	Code string
	// NotRun is the reason given by a not-run marker ("" when it runs).
	NotRun string
}

// Runs says whether the runner executes the block.
func (e Example) Runs() bool { return e.Lang == "sh" && e.NotRun == "" }

func (e Example) String() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

var (
	notRunRE = regexp.MustCompile(`^<!-- not-run: (.+?) -->$`)
	serveRE  = regexp.MustCompile(`(?m)^<!-- examples-serve:(.*?)-->$`)
)

// Extract returns the fenced blocks of one Markdown file. A fence without
// a language, or a not-run marker not followed by an sh fence, is an error:
// every block must say what it is.
func Extract(file, text string) ([]Example, error) {
	lines := strings.Split(text, "\n")
	var out []Example
	notRun := ""
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if m := notRunRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			notRun = m[1]
			continue
		}
		if !strings.HasPrefix(l, "```") {
			if strings.TrimSpace(l) != "" && notRun != "" {
				return nil, fmt.Errorf("%s:%d: a not-run marker must come right before its fence", file, i)
			}
			continue
		}
		e := Example{File: file, Line: i + 1, Lang: strings.TrimSpace(strings.TrimPrefix(l, "```")), NotRun: notRun}
		notRun = ""
		if e.Lang == "" {
			return nil, fmt.Errorf("%s:%d: a fence without a language (sh runs; json, go, text, http… are shown)", file, i+1)
		}
		if e.NotRun != "" && e.Lang != "sh" {
			return nil, fmt.Errorf("%s:%d: a not-run marker on a %s block (only sh blocks run)", file, i+1, e.Lang)
		}
		var code []string
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			code = append(code, lines[i])
		}
		if i == len(lines) {
			return nil, fmt.Errorf("%s:%d: fence not closed", file, e.Line)
		}
		e.Code = strings.Join(code, "\n") + "\n"
		out = append(out, e)
	}
	return out, nil
}

// ServeArgs returns the arguments of the file's examples-serve marker.
func ServeArgs(text string) (args []string, ok bool) {
	m := serveRE.FindStringSubmatch(text)
	if m == nil {
		return nil, false
	}
	return strings.Fields(m[1]), true
}

// Files lists README.md and docs/*.md under root, relative to it.
func Files(root string) ([]string, error) {
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, err
	}
	files := []string{"README.md"}
	for _, d := range docs {
		files = append(files, filepath.Join("docs", filepath.Base(d)))
	}
	sort.Strings(files[1:])
	return files, nil
}

// All extracts every file's examples under root.
func All(root string) ([]Example, error) {
	files, err := Files(root)
	if err != nil {
		return nil, err
	}
	var all []Example
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return nil, err
		}
		ex, err := Extract(f, string(b))
		if err != nil {
			return nil, err
		}
		all = append(all, ex...)
	}
	return all, nil
}
