package ui

import (
	"bytes"
	"strings"
	"testing"
)

func TestHighlight(t *testing.T) {
	text := "全新耳机，Ｖ信：abc，包邮"
	start := strings.Index(text, "Ｖ信")
	end := strings.Index(text, "，包邮")
	cases := []struct {
		name  string
		spans []Span
		want  string // marked parts in [brackets]
	}{
		{"none", nil, text},
		{"one", []Span{{Start: start, End: end, N: 1}}, "全新耳机，[Ｖ信：abc]，包邮"},
		{"whole", []Span{{Start: 0, End: len(text), N: 1}}, "[" + text + "]"},
		{"inside a character", []Span{{Start: start + 1, End: end, N: 1}}, text},
		{"out of range", []Span{{Start: -1, End: 3}, {Start: 3, End: len(text) + 1}, {Start: 5, End: 5}}, text},
		{"overlap keeps the first", []Span{{Start: start, End: end, N: 1}, {Start: start + 3, End: len(text), N: 2}}, "全新耳机，[Ｖ信：abc]，包邮"},
		{"unsorted", []Span{{Start: end, End: len(text), N: 2}, {Start: 0, End: 3, N: 1}}, "[全]新耳机，Ｖ信：abc[，包邮]"},
	}
	for _, c := range cases {
		var b strings.Builder
		for _, s := range Highlight(text, c.spans) {
			if s.Mark {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		if b.String() != c.want {
			t.Errorf("%s: %q, want %q", c.name, b.String(), c.want)
		}
	}
}

func TestTemplatesParseAndEscape(t *testing.T) {
	tp, err := Parse()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	data := struct {
		Title, Moderator, CSRF, Error string
		Data                          any
	}{Title: "<script>x</script>", Error: "<img src=x onerror=alert(1)>"}
	if err := tp.Render(&b, "login.html", data); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<img src=x") || strings.Contains(b.String(), "<script>x") {
		t.Errorf("unescaped:\n%s", b.String())
	}
	if _, ct, ok := Static("app.js"); !ok || !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("app.js: %v %s", ok, ct)
	}
	if _, _, ok := Static("../ui.go"); ok {
		t.Error("Static served a file outside static/")
	}
}
