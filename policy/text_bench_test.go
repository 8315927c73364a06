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

// listingTexts are listing texts of the lengths the platform sees (one
// title and description, 60–250 bytes), Chinese and English, that raise
// no finding: what a text-only request scans.
var listingTexts = []string{
	"全新蓝牙耳机，型号 X3，续航30小时，原装盒子和数据线都在，同城可自提，快递默认中通，不议价，拍前请看清描述，售出不退不换。",
	"Wireless headphones, model X3, barely used. Noise cancelling, 30h battery, original box and cable. Pick-up or shipping within the country, price firm.",
	"【正品】羊绒围巾 180x70cm，米白/驼色，到手价 ¥299.00，2024年新款，洞洞鞋 36码 两双包邮，支持微信支付。",
	"Vintage film camera, 1998, tested with a roll of Portra 400; lens 50mm f/1.8, minor scratches. WeChat Pay OK, ships in 2 days.",
	"儿童滑板车，九成新，承重 50kg，三档调节，尺寸 60*25*80cm，送护具一套，只限同城自提，小区门口交易。",
}

// BenchmarkScanTextListing scans the listing texts in turn: the text
// scanner's share of a text-only request (the contract's budget for the
// whole request is 0.05 ms of server CPU).
func BenchmarkScanTextListing(b *testing.B) {
	p := Default()
	n := 0
	for _, t := range listingTexts {
		n += len(t)
	}
	b.SetBytes(int64(n / len(listingTexts)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if fs := p.ScanText(0, listingTexts[i%len(listingTexts)]); len(fs) != 0 {
			b.Fatalf("finding in an allow text: %+v", fs)
		}
		i++
	}
}
