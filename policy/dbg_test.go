package policy

import "testing"

func TestDbg(t *testing.T) {
	p := Default()
	for _, s := range []string{"https : / / shop.example.com/x", "h t t p s : / / shop.example.com/x"} {
		sc := newTextScan(p.text, s)
		sch, e, ok := sc.readScheme(0)
		end, u, ok2 := sc.readURL(0)
		t.Logf("%q: %q %d %v | %d %+v %v", s, sch, e, ok, end, u, ok2)
	}
}
