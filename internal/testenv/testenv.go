// Package testenv lets a test say what it needs from the machine — a Debian
// package, a browser, a database, the shared development corpus beside the
// clone — so that a newcomer's `go test ./...` passes on a fresh machine
// while CI cannot pass by skipping.
//
// Outside CI a missing need skips the test with a message naming what to
// install or set; under CI=true (which .ci/run sets) it fails the test.
package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true), where every need
// must be met.
func InCI() bool { return os.Getenv("CI") == "true" }

// Need skips (outside CI) or fails (in CI) tb unless ok, naming what is
// missing and how to get it.
func Need(tb testing.TB, ok bool, what, howToGet string) {
	tb.Helper()
	if ok {
		return
	}
	if InCI() {
		tb.Fatalf("%s is missing, and CI=true forbids skipping: %s", what, howToGet)
	}
	tb.Skipf("%s is missing: %s (under CI=true this test fails instead of skipping)", what, howToGet)
}

// RepoRoot is the repository's root directory (where go.mod is).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0) // internal/testenv/testenv.go
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedCorpus returns the shared development corpus's directory
// (../shared/corpus beside the clone, or $QRGATE_CORPUS), skipping (or, in
// CI, failing) when it is not there.
func SharedCorpus(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("QRGATE_CORPUS")
	if dir == "" {
		dir = filepath.Join(RepoRoot(), "..", "shared", "corpus")
	}
	_, err := os.Stat(filepath.Join(dir, "README.md"))
	Need(tb, err == nil, "the shared development corpus ("+dir+")",
		"place the shared corpus beside the clone as ../shared/corpus, or set QRGATE_CORPUS to its directory")
	return dir
}
