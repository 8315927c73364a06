package policy

import (
	"strings"
	"testing"
)

func TestTextConfigErrorsNameTheLine(t *testing.T) {
	head := "version: x\ncategories: {wechat: block, phone: warn, external_link: warn}\n"
	tests := []struct{ name, yaml, want string }{
		{"unknown text key", head + "text:\n  chanels: []\n", "line 4: unknown text key \"chanels\""},
		{"unknown channel key", head + "text:\n  channels:\n    - name: w\n      category: wechat\n      ids: [wechat_id]\n      keyword: [vx]\n", "line 8: unknown text channel key \"keyword\""},
		{"unknown id kind", head + "text:\n  channels:\n    - name: w\n      category: wechat\n      ids: [wechat]\n      keywords: [vx]\n", "line 5: text channel \"w\": unknown identifier kind \"wechat\""},
		{"unknown category", head + "text:\n  channels:\n    - name: w\n      category: chat\n      ids: [wechat_id]\n      keywords: [vx]\n", "line 5: text channel \"w\": unknown category \"chat\""},
		{"no keywords", head + "text:\n  channels:\n    - name: w\n      category: wechat\n      ids: [wechat_id]\n", "line 5: text channel \"w\" needs ids and keywords"},
		{"bad braces", head + "text:\n  channels:\n    - name: w\n      category: wechat\n      ids: [wechat_id]\n      keywords: [\"{微|威\"]\n", "unclosed {"},
		{"bad length", head + "text:\n  qq: {min: 9, max: 5}\n", "line 4: invalid length bounds"},
		{"unknown length key", head + "text:\n  qq: {min: 5, maximum: 11}\n", "line 4: unknown length key \"maximum\""},
		{"bare category", head + "text:\n  bare_mobile:\n    enabled: true\n    category: tel\n", "line 5: bare_mobile: unknown category \"tel\""},
		{"bad gap", head + "text:\n  max_gap: 99\n", "line 4: max_gap"},
		{"wrong type", head + "text:\n  max_gap: many\n", "line 4"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestTextConfigIsTunable(t *testing.T) {
	y := "version: x\ncategories: {wechat: block, plain: allow, external_link: warn}\ntext:\n  channels:\n    - name: wechat\n      category: wechat\n      ids: [wechat_id]\n      keywords: [\"{绿|青}泡泡\"]\n"
	p, err := Parse([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	fs := p.ScanText(0, "青泡泡: lulu_2024；微信: other_2024；13800138000")
	if len(fs) != 1 || fs[0].Identifier != "lulu_2024" {
		t.Errorf("findings = %+v, want only the configured keyword (no bare mobile rule)", fs)
	}
}

func TestExpandKeyword(t *testing.T) {
	got, err := expandKeyword("{加|+}{V|薇} 信")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "加v信,加薇信,+v信,+薇信" {
		t.Errorf("expandKeyword = %q", got)
	}
}
