// Package ui holds the moderators' web page: html/template pages and the
// static CSS and JS, all embedded so the binary serves everything itself
// (no CDN), plus the small view helpers the templates need (highlighted
// text spans, code outlines).
//
// html/template escapes every value by context; pages never mark a value
// as safe HTML, so hostile payloads and texts render as text.
package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"path"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Pages the service renders.
var pages = []string{"login.html", "queue.html", "item.html", "payload.html", "audit.html"}

// Templates are the parsed pages.
type Templates struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"pathEscape": url.PathEscape,
	// clock is a claim's end as moderators read it ("until 14:05", UTC
	// like every time on the page).
	"clock": func(t time.Time) string { return t.UTC().Format("15:04 UTC") },
	"time": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"add": func(a, b int) int { return a + b },
}

// Parse parses every page with the shared layout.
func Parse() (*Templates, error) {
	t := &Templates{byName: map[string]*template.Template{}}
	for _, p := range pages {
		tp, err := template.New(p).Funcs(funcs).ParseFS(templateFS, "templates/base.html", "templates/"+p)
		if err != nil {
			return nil, fmt.Errorf("ui: %s: %w", p, err)
		}
		t.byName[p] = tp
	}
	return t, nil
}

// Render executes a page into w; it renders into a buffer first so that a
// template error never leaves half a page behind.
func (t *Templates) Render(w io.Writer, page string, data any) error {
	tp, ok := t.byName[page]
	if !ok {
		return fmt.Errorf("ui: no page %s", page)
	}
	var b bytes.Buffer
	if err := tp.ExecuteTemplate(&b, "base", data); err != nil {
		return fmt.Errorf("ui: %s: %w", page, err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Static returns an embedded asset (app.js, app.css) and its content type.
func Static(name string) ([]byte, string, bool) {
	b, err := fs.ReadFile(staticFS, path.Join("static", path.Clean("/" + name)[1:]))
	if err != nil {
		return nil, "", false
	}
	switch path.Ext(name) {
	case ".js":
		return b, "text/javascript; charset=utf-8", true
	case ".css":
		return b, "text/css; charset=utf-8", true
	case ".svg":
		return b, "image/svg+xml", true
	}
	return b, "application/octet-stream", true
}
