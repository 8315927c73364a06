package policy

import (
	"errors"
	"testing"
)

// FuzzParsePolicy feeds policy files to Parse. A file is refused with a
// *Error (never a panic, never another error type) or yields a usable
// policy: a version, an action for every category it names, and text and
// payload classification that does not panic. Seeds are the built-in
// policy and one file per kind of mistake (testdata/fuzz/FuzzParsePolicy).
func FuzzParsePolicy(f *testing.F) {
	f.Add(DefaultYAML())
	for _, s := range []string{
		"version: x\n",
		"version: x\nbogus: 1\n",
		"version: x\ncategories:\n  wechat: blok\n",
		"version: x\ncategories: {a: warn}\nrules:\n  - {name: r, category: a, hosts: [a.com], pattern: '^x'}\n",
		"version: x\ncategories: {a: warn}\nrules:\n  - name: r\n    category: a\n    pattern: '('\n",
		"version: x\nrules:\n  - name: r\n    category: nope\n",
		"a: &a [*a, *a]\n",
		"version: [\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Msg == "" {
				t.Fatalf("error is not a *policy.Error with a message: %#v", err)
			}
			if p != nil {
				t.Fatal("a policy returned with an error")
			}
			return
		}
		if p == nil || p.Version() == "" {
			t.Fatal("accepted without a version")
		}
		if !p.OnImageError().Valid() {
			t.Fatalf("on_image_error %q", p.OnImageError())
		}
		for c, a := range p.Categories() {
			if !a.Valid() || p.ActionFor(c) != a {
				t.Fatalf("category %q: action %q", c, a)
			}
		}
		for _, s := range []string{"https://u.wechat.com/abc", "weixin://x", "hello", "+8613812345678"} {
			if c := p.Classify(s); c.Category == "" || !c.Action.Valid() {
				t.Fatalf("Classify(%q) = %+v", s, c)
			}
		}
		for _, fd := range p.ScanText(0, "加我微信 abc_123456 or t.me/handle") {
			if !fd.Action.Valid() || fd.Category == "" {
				t.Fatalf("text finding %+v", fd)
			}
		}
	})
}
