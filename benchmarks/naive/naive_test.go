package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/qrgate/qrgate/internal/testfixtures"
)

// writeQR writes a QR code PNG of payload into dir.
func writeQR(t *testing.T, dir, payload string) string {
	t.Helper()
	p := filepath.Join(dir, "qr.png")
	if err := os.WriteFile(p, testfixtures.QRPNG(payload, 200), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	qr := writeQR(t, dir, "https://wa.me/8613800000000")
	junk := filepath.Join(dir, "junk.jpg")
	os.WriteFile(junk, []byte("not an image"), 0o644)
	for _, tc := range []struct {
		name      string
		read      reader
		wantQR    []string
		junkError bool
	}{
		{"naive reads the code", readQR, []string{"https://wa.me/8613800000000"}, true},
		{"floor only decodes", decodeOnly, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run([]string{qr, junk}, tc.read, &out); err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(&out)
			var recs []record
			for dec.More() {
				var r record
				if err := dec.Decode(&r); err != nil {
					t.Fatal(err)
				}
				recs = append(recs, r)
			}
			if len(recs) != 2 || recs[0].File != qr || recs[1].File != junk {
				t.Fatalf("records: %+v", recs)
			}
			var got []string
			for _, f := range recs[0].Findings {
				got = append(got, f.Payload)
			}
			if len(got) != len(tc.wantQR) || (len(got) > 0 && got[0] != tc.wantQR[0]) || recs[0].Error != nil {
				t.Errorf("qr.png: %+v", recs[0])
			}
			if (recs[1].Error != nil) != tc.junkError {
				t.Errorf("junk.jpg: %+v", recs[1])
			}
		})
	}
}

func TestWalkAll(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"b.jpg", "a.jpg", "sub/c.jpg"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, n)), 0o755)
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	got, err := walkAll([]string{dir, "missing.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a.jpg"), filepath.Join(dir, "b.jpg"), filepath.Join(dir, "sub/c.jpg"), "missing.jpg"}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
