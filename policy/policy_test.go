package policy

import (
	"strings"
	"testing"
)

func TestDefaultPolicyParses(t *testing.T) {
	p := Default()
	if p.Version() == "" {
		t.Fatal("default policy has no version")
	}
}

func TestClassifyPayloads(t *testing.T) {
	p := Default()
	tests := []struct {
		payload, category, identifier string
		action                        Action
	}{
		{"https://u.wechat.com/7deQLmndVcaY5J8Xx1uw88", "wechat", "u.wechat.com/7deqlmndvcay5j8xx1uw88", Block},
		{"http://weixin.qq.com/r/-L3-xEVjAzwR8c07ZmX_", "wechat", "weixin.qq.com/r/-l3-xevjazwr8c07zmx_", Block},
		{"wxp://f2f0BnsDU0mykrCxnUIA0hjN10Jv", "offsite_payment", "wxp://f2f0bnsdu0mykrcxnuia0hjn10jv", Block},
		{"https://paypal.me/lw00k58dban1", "offsite_payment", "paypal.me/lw00k58dban1", Block},
		{"https://qm.qq.com/cgi-bin/qm/qr?k=0Hxe&noverify=0", "qq", "qm.qq.com/cgi-bin/qm/qr?k=0hxe&noverify=0", Block},
		{"https://wa.me/8613260427570", "messenger", "wa.me/8613260427570", Block},
		{"https://line.me/ti/p/~jp97wl", "messenger", "line.me/ti/p/~jp97wl", Block},
		{"https://bit.ly/30Fv7c4", "short_link", "bit.ly/30fv7c4", Warn},
		{"https://best-mall92.com/p/719341", "external_link", "best-mall92.com/p/719341", Warn},
		{"best-mall92.com/p/719341", "external_link", "best-mall92.com/p/719341", Warn},
		{"https://detail.tmall.com/item.htm?id=205677250084", "platform", "detail.tmall.com/item.htm?id=205677250084", Allow},
		{"https://m.tb.cn/h.S_rByM3", "platform", "m.tb.cn/h.s_rbym3", Allow},
		{"https://weibo.com/u/1170381137/", "partner", "weibo.com/u/1170381137", Allow},
		{"tel:+8613812345678", "phone", "13812345678", Warn},
		{"SMSTO:13812345678:hello", "phone", "13812345678", Warn},
		{"sms:13812345678?body=hi", "phone", "13812345678", Warn},
		{"MECARD:N:Li Lei;URL:https\\://u.wechat.com/abc;;", "wechat", "u.wechat.com/abc", Block},
		{"BEGIN:VCARD\nVERSION:3.0\nFN:Li\nTEL;TYPE=CELL:138 1234 5678\nEND:VCARD", "phone", "13812345678", Warn},
		{"6900242244436", "plain", "", Allow},
		{"SN:0DUNKDBTXE1E", "plain", "", Allow},
		{"version 1.2", "plain", "", Allow},
	}
	for _, tt := range tests {
		c := p.Classify(tt.payload)
		if c.Category != tt.category || c.Action != tt.action || c.Identifier != tt.identifier {
			t.Errorf("Classify(%q) = %+v, want %s/%s/%q", tt.payload, c, tt.category, tt.action, tt.identifier)
		}
		if c.Rule == "" {
			t.Errorf("Classify(%q): no rule named", tt.payload)
		}
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown top key", "version: x\nbogus: 1\n", "line 2: unknown key \"bogus\""},
		{"bad action", "version: x\ncategories:\n  wechat: blok\n", "line 3: invalid action \"blok\""},
		{"unknown rule key", "version: x\ncategories: {a: warn}\nrules:\n  - {name: r, category: a, hots: [x]}\n", "line 4: unknown rule key \"hots\""},
		{"unknown category", "version: x\nrules:\n  - name: r\n    category: nope\n    hosts: [a.com]\n", "line 3: rule \"r\": unknown category"},
		{"bad regexp", "version: x\ncategories: {a: warn}\nrules:\n  - name: r\n    category: a\n    pattern: '('\n", "line 6: invalid regular expression"},
		{"no version", "on_image_error: warn\n", "version is required"},
		{"empty", "", "empty policy file"},
		{"not yaml", "version: [\n", "line"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "policy.") {
			t.Errorf("%s: err = %v names a Go type", tt.name, err)
		}
	}
}
