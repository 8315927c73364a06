package main

import (
	"bytes"
	"os"
	"testing"
)

// TestTableIsCurrent fails when confusables_table.go was edited by hand or
// the TR39 data changed without go generate.
func TestTableIsCurrent(t *testing.T) {
	want, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../confusables_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("confusables_table.go is stale: run go generate ./policy/textnorm")
	}
}
