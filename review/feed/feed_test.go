package feed

import (
	"errors"
	"strings"
	"testing"
)

func TestCursorRoundTrip(t *testing.T) {
	for _, seq := range []int64{0, 1, 255, 1 << 40, 1 << 62} {
		c := EncodeCursor(seq)
		got, err := DecodeCursor(c)
		if err != nil || got != seq {
			t.Errorf("DecodeCursor(EncodeCursor(%d) = %q) = %d, %v", seq, c, got, err)
		}
	}
	if got, err := DecodeCursor(""); err != nil || got != 0 {
		t.Errorf(`DecodeCursor("") = %d, %v; want the start`, got, err)
	}
}

func TestBadCursors(t *testing.T) {
	good := EncodeCursor(42)
	for _, c := range []string{
		"42", "abc", good + "A", good[:len(good)-1], strings.Repeat("A", 12), // version 0
		"Aw" + good[2:],          // version 3
		"Af____________"[:12],    // a position past 2^62
		good[:11] + "=",          // padding
		good[:11] + "+",          // the standard alphabet
		strings.Repeat("é", 6),   // 12 bytes, not base64
		strings.Repeat("x", 500), // long
	} {
		if _, err := DecodeCursor(c); !errors.Is(err, ErrBadCursor) {
			t.Errorf("DecodeCursor(%q) = %v, want ErrBadCursor", c, err)
		}
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor(7))
	f.Add("")
	f.Add("AQAAAAAAAAAB")
	f.Fuzz(func(t *testing.T, s string) {
		seq, err := DecodeCursor(s)
		if err != nil {
			return
		}
		if seq < 0 || (s != "" && EncodeCursor(seq) != s) {
			t.Fatalf("DecodeCursor(%q) = %d, which encodes as %q", s, seq, EncodeCursor(seq))
		}
	})
}
