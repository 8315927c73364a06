// Package policy turns payloads and listing texts into findings and a verdict.
//
// A Policy is an immutable, validated value built from a versioned YAML file
// (the built-in default is embedded). It classifies each decoded payload and
// each channel found in text into a category (wechat, qq, messenger, …),
// gives it the category's action (block, warn, allow) and names the rule that
// decided. Reloading means building a new Policy and swapping a pointer.
package policy

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the built-in policy file.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Default returns the built-in policy. It panics only if the embedded file is
// broken, which the package tests rule out.
func Default() *Policy {
	p, err := Parse(defaultYAML)
	if err != nil {
		panic("policy: embedded default is invalid: " + err.Error())
	}
	return p
}

// Error is a policy file problem: where it is and what is wrong.
type Error struct {
	File string // "" for in-memory input
	Line int    // 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("policy")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	b.WriteString(": ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	b.WriteString(e.Msg)
	return b.String()
}

func lineErr(n *yaml.Node, format string, args ...any) error {
	return &Error{Line: n.Line, Msg: fmt.Sprintf(format, args...)}
}

// Policy is a compiled, validated policy. It is safe for concurrent use and
// never changes after Parse.
type Policy struct {
	version      string
	onImageError Action
	review       reviewConfig
	actions      map[string]Action
	rules        []rule
	defaultURL   class
	text         *textScanner
}

// reviewConfig says which verdicts go to the moderators' queue.
type reviewConfig struct {
	Warn  bool `yaml:"warn"`
	Block bool `yaml:"block"`
}

// class is the outcome of classifying one payload or one channel.
type class struct {
	Category   string
	Action     Action
	Rule       string
	Identifier string
}

// file is the YAML document.
type file struct {
	Version      string            `yaml:"version"`
	OnImageError Action            `yaml:"on_image_error"`
	Review       reviewConfig      `yaml:"review"`
	Categories   map[string]Action `yaml:"categories"`
	Rules        []ruleSpec        `yaml:"rules"`
	DefaultURL   struct {
		Category string `yaml:"category"`
		Rule     string `yaml:"rule"`
	} `yaml:"default_url"`
	Text textConfig `yaml:"text"`
}

// UnmarshalYAML validates an action where it is written, so the error names the line.
func (a *Action) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	if !Action(s).Valid() {
		return lineErr(n, "invalid action %q (want allow, warn or block)", s)
	}
	*a = Action(s)
	return nil
}

// yamlRegexp is a regular expression compiled where it is read.
type yamlRegexp struct{ *regexp.Regexp }

// UnmarshalYAML compiles the expression, naming the line on error.
func (r *yamlRegexp) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return lineErr(n, "invalid regular expression %q: %v", s, err)
	}
	r.Regexp = re
	return nil
}

// Load reads and parses a policy file.
func Load(path string) (*Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return parseFile(path, b)
}

// parseFile is Parse of path's content b, its errors naming the file.
func parseFile(path string, b []byte) (*Policy, error) {
	p, err := Parse(b)
	var pe *Error
	if errors.As(err, &pe) {
		pe.File = path
	}
	return p, err
}

// Parse builds a policy from YAML. Unknown keys, invalid actions, unknown
// categories and bad regular expressions are errors naming their line.
func Parse(b []byte) (*Policy, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Msg: "empty policy file"}
		}
		return nil, wrapYAML(err)
	}
	var f file
	strict := yaml.NewDecoder(bytes.NewReader(b))
	strict.KnownFields(true)
	if err := strict.Decode(&f); err != nil {
		return nil, wrapYAML(err)
	}
	return compile(&f, &doc)
}

// unknownKey is yaml's message for a key KnownFields refuses, which names
// our Go type ("field foo not found in type policy.file"): a policy's
// author needs the key, not the type.
var unknownKey = regexp.MustCompile(`field (\S+) not found in type \S+`)

func wrapYAML(err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		// Each entry already reads "line N: …"; a custom validator's own
		// message is prefixed by yaml with nothing, so keep them all.
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = unknownKey.ReplaceAllString(m, `unknown key "$1"`)
		}
		return &Error{Msg: strings.Join(msgs, "; ")}
	}
	return &Error{Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
}

// keyLine finds the line of a top-level key, for errors found after decoding.
func keyLine(doc *yaml.Node, path ...string) int {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

func compile(f *file, doc *yaml.Node) (*Policy, error) {
	if strings.TrimSpace(f.Version) == "" {
		return nil, &Error{Line: keyLine(doc, "version"), Msg: "version is required"}
	}
	p := &Policy{
		version:      f.Version,
		onImageError: f.OnImageError,
		review:       f.Review,
		actions:      map[string]Action{CategoryPlain: Allow, CategoryUndecoded: Warn},
	}
	if p.onImageError == "" {
		p.onImageError = Warn
	}
	p.actions[CategoryImageError] = p.onImageError
	for c, a := range f.Categories {
		if !validName(c) {
			return nil, &Error{Line: keyLine(doc, "categories", c), Msg: fmt.Sprintf("invalid category name %q", c)}
		}
		p.actions[c] = a
	}
	for i := range f.Rules {
		r, err := f.Rules[i].compile(p)
		if err != nil {
			return nil, &Error{Line: f.Rules[i].line, Msg: err.Error()}
		}
		p.rules = append(p.rules, r)
	}
	p.defaultURL = class{Category: f.DefaultURL.Category, Rule: f.DefaultURL.Rule}
	if p.defaultURL.Category == "" {
		p.defaultURL.Category = "external_link"
	}
	if p.defaultURL.Rule == "" {
		p.defaultURL.Rule = "url.other"
	}
	a, ok := p.actions[p.defaultURL.Category]
	if !ok {
		return nil, &Error{Line: keyLine(doc, "default_url", "category"), Msg: fmt.Sprintf("unknown category %q (not under categories:)", p.defaultURL.Category)}
	}
	p.defaultURL.Action = a
	ts, err := compileText(&f.Text, p)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, &Error{Line: keyLine(doc, "text"), Msg: err.Error()}
	}
	p.text = ts
	return p, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// Version is the policy file's version string.
func (p *Policy) Version() string { return p.version }

// OnImageError is the action for an image that cannot be read.
func (p *Policy) OnImageError() Action { return p.onImageError }

// Review says which verdicts must reach a moderator.
func (p *Policy) Review() reviewConfig { return p.review }

// NeedsReview reports whether a listing with this verdict goes to the queue.
func (p *Policy) NeedsReview(v Action) bool {
	return v == Warn && p.review.Warn || v == Block && p.review.Block
}

// ActionFor is the action of a category; unknown categories are allowed.
func (p *Policy) ActionFor(category string) Action {
	if a, ok := p.actions[category]; ok {
		return a
	}
	return Allow
}

// Categories lists the policy's categories and their actions.
func (p *Policy) Categories() map[string]Action {
	m := make(map[string]Action, len(p.actions))
	for k, v := range p.actions {
		m[k] = v
	}
	return m
}
