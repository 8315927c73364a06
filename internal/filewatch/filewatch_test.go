package filewatch

import (
	"os"
	"path/filepath"
	"testing"
)

// TestChanged: a change is reported once, whether the content was last
// seen by Read or by Changed; a touch, a missing file and an unchanged
// symlink swap are not changes; a symlink swap to new content is.
func TestChanged(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target string) {
		t.Helper()
		tmp := filepath.Join(dir, "tmp")
		if err := os.Symlink(target, tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "f")); err != nil {
			t.Fatal(err)
		}
	}
	write("a", "one")
	write("b", "one")
	write("c", "two")
	link("a")
	f := New(filepath.Join(dir, "f"))
	if b, err := f.Read(); err != nil || string(b) != "one" {
		t.Fatalf("Read: %q %v", b, err)
	}
	step := func(what string, want string) {
		t.Helper()
		b, ok := f.Changed()
		if got := map[bool]string{true: string(b), false: ""}[ok]; got != want {
			t.Errorf("%s: changed %v %q, want %q", what, ok, b, want)
		}
	}
	step("right after Read", "")
	link("b")
	step("a swap to the same content", "")
	link("c")
	step("a swap to new content", "two")
	step("the same content again", "")
	if err := os.Remove(filepath.Join(dir, "f")); err != nil {
		t.Fatal(err)
	}
	step("a missing file", "")
	write("f", "two")
	step("back with the content last seen", "")
	write("f", "three")
	if _, err := f.Read(); err != nil {
		t.Fatal(err)
	}
	step("a change already read", "")
}
