package main

import (
	"bytes"
	"os"
	"testing"
)

// TestTableIsCurrent fails when tables_gen.go was edited by hand or the
// data changed without go generate.
func TestTableIsCurrent(t *testing.T) {
	want, err := Generate("data")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../tables_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("tables_gen.go is stale: run go generate ./policy/textnorm")
	}
}

func TestSpellOut(t *testing.T) {
	for _, tt := range []struct {
		config string
		parts  []string
		want   string
		ok     bool
	}{
		{"a", []string{"亻", "言"}, "亻言", true},
		{"r3tr", []string{"金"}, "金金金", true},
		{"a", []string{"彳", "37308"}, "", false}, // a component not in Unicode
		{"d/t", []string{"斤", "㇐"}, "", false},   // a stroke
		{"mc", []string{"囗"}, "", false},
	} {
		got, ok := spellOut(tt.config, tt.parts)
		if got != tt.want || ok != tt.ok {
			t.Errorf("spellOut(%q, %q) = %q, %v", tt.config, tt.parts, got, ok)
		}
	}
}
