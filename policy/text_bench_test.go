package policy

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// benchDescription is a 2 KB Chinese listing description: ordinary product
// text with numbers (sizes, prices, dates) and two disguised channels.
func benchDescription() string {
	parts := []string{
		"【正品保障】全新未拆封羊绒围巾，尺寸 180x70cm，重量约 350g，2024年新款，支持七天无理由退换。",
		"颜色：米白/驼色/藏青，到手价 ¥299.00，满300减40，双11预售，10月18日前发货，库存 4774 件。",
		"面料成分：羊绒 70%，羊毛 30%，手感柔软亲肤，不起球不掉色，适合秋冬日常通勤与送礼。",
		"条码 6929837050863，货号 20220608R，型号 XR-0231，订单号 2317850548507269396。",
		"洗涤建议：手洗或干洗，不可漂白，平铺晾干，低温熨烫，收纳时请放樟脑丸防虫蛀。",
	}
	var b strings.Builder
	for b.Len() < 2048-120 {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	b.WriteString("有意加 薇：ｌ🔥ｉ🔥ｃｈｅｎ_⑵⑷⑷，或者电话 ①⑤④.⑦⑦③⓪.①④①⑨。")
	return b.String()
}

func BenchmarkScanText2KB(b *testing.B) {
	p := Default()
	text := benchDescription()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if len(p.ScanText(0, text)) == 0 {
			b.Fatal("no finding")
		}
	}
}

// BenchmarkRegexpBaseline is a naive filter's single regexp pass over the
// same text: the cost the disguise-aware scanner is compared with.
func BenchmarkRegexpBaseline2KB(b *testing.B) {
	re := regexp.MustCompile(`(?i)(微信|vx|wx|qq|电话|手机)[:：\s]*[a-z0-9_\-]{5,20}|1[3-9]\d{9}|https?://[^\s，]+`)
	text := benchDescription()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		re.FindAllStringIndex(text, -1)
	}
}

// BenchmarkScanTextFlood scans 256 KiB texts made of one repeated channel
// (issue 22: 24,840 links in one text), at the default cap.
func BenchmarkScanTextFlood(b *testing.B) {
	p := Default()
	for _, unit := range []string{"x.io/%d ", "vx:abc%05d ", "微信同号 138%08d ", "wxid_abc%06d "} {
		var sb strings.Builder
		for i := 0; sb.Len() < 256<<10-40; i++ {
			fmt.Fprintf(&sb, unit, i)
		}
		text := sb.String()
		b.Run(strings.Fields(strings.ReplaceAll(unit, "%", " "))[0], func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				p.ScanText(0, text)
			}
		})
	}
}
