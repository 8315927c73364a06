package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"
)

// A line of the CJK Decomposition Data: "信:a(亻,言)", the character, the
// configuration and its constituents (a 5-digit number names a component
// not in Unicode).
var decompLine = regexp.MustCompile(`^([^:]+):([a-z0-9/]+)\(([^)]*)\)$`)

// readComponents reads data/components.txt and keeps, for each character,
// the decomposition a reader would write out: constituents that are all
// encoded characters other than strokes, in their order, a repeat written
// out ("鑫" is 金金金).
func readComponents(path string) (map[rune][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[rune][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := decompLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s: malformed line %q", path, line)
		}
		r, n := utf8.DecodeRuneInString(m[1])
		if n != len(m[1]) {
			return nil, fmt.Errorf("%s: %q is not one character", path, m[1])
		}
		if s, ok := spellOut(m[2], strings.Split(m[3], ",")); ok {
			out[r] = append(out[r], s)
		}
	}
	return out, sc.Err()
}

// spellOut writes a decomposition's constituents as a reader would, or
// reports that it cannot be written with encoded characters.
func spellOut(config string, parts []string) (string, bool) {
	for _, p := range parts {
		r, n := utf8.DecodeRuneInString(p)
		if p == "" || n != len(p) || r >= 0x31C0 && r <= 0x31EF || r < 0x2E80 {
			return "", false // a numbered component, a stroke, or nothing
		}
	}
	kind := strings.SplitN(config, "/", 2)[0]
	switch {
	case kind == "a" || kind == "d" || kind == "lock" || kind == "ba" || strings.HasPrefix(kind, "s") || strings.HasPrefix(kind, "w"):
		if len(parts) < 2 {
			return "", false
		}
		return strings.Join(parts, ""), true
	case strings.HasPrefix(kind, "r3") && len(parts) == 1:
		return strings.Repeat(parts[0], 3), true
	case (kind == "ra" || kind == "rd") && len(parts) == 1:
		return strings.Repeat(parts[0], 2), true
	}
	return "", false
}

// writeSubset rewrites DIR/components.txt with the lines of the full
// cjk-decomp.txt for the characters of DIR/components.chars.
func writeSubset(full, dir string) error {
	chars, err := os.ReadFile(dataFile(dir, "components.chars"))
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for line := range strings.Lines(string(chars)) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, r := range strings.TrimSpace(line) {
			want[string(r)] = true
		}
	}
	src, err := os.ReadFile(full)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("# Subset of the CJK Decomposition Data (cjk-decomp.txt, Gavin Grover; https://github.com/amake/cjk-decomp\n")
	b.WriteString("# at c29b391fd6267e7a3541387e03a3dd60b1cd34d1), used under the Apache License 2.0: the lines of the\n")
	b.WriteString("# characters in components.chars. Written by: go run ./policy/textnorm/internal/gentables -subset cjk-decomp.txt\n")
	n := 0
	for line := range strings.Lines(string(src)) {
		c, _, ok := strings.Cut(line, ":")
		if ok && want[c] {
			b.WriteString(strings.TrimRight(line, "\r\n") + "\n")
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("%s: none of the characters found", full)
	}
	return os.WriteFile(dataFile(dir, "components.txt"), b.Bytes(), 0o644)
}
