package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTruncateTexts: an over-quota listing keeps each text's start, 64 KiB
// in all, never cutting a character (the byte left over goes to the next
// text).
func TestTruncateTexts(t *testing.T) {
	odd := "a" + strings.Repeat("é", 40<<10) // a 2-byte character across the 64 KiB mark
	got, dropped := TruncateTexts([]string{odd, "next", ""})
	if len(got[0]) != MaxTruncatedText-1 || !utf8.ValidString(got[0]) || got[1] != "n" || got[2] != "" {
		t.Errorf("kept %d, %q, %q", len(got[0]), got[1], got[2])
	}
	if want := int64(len(odd) + 4 - MaxTruncatedText); dropped != want {
		t.Errorf("dropped %d, want %d", dropped, want)
	}
	got, dropped = TruncateTexts([]string{"short", "texts"})
	if got[0] != "short" || got[1] != "texts" || dropped != 0 {
		t.Errorf("small texts: %q, dropped %d", got, dropped)
	}
}
