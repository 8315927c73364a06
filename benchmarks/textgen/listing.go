package main

import (
	"fmt"
	"math/rand/v2"
)

// Listing vocabulary: products and the phrases around a contact.
var (
	productsZH = []string{"蓝牙音箱", "空气炸锅", "电动牙刷", "咖啡机", "保温饭盒", "折叠伞", "登山包", "瑜伽裤", "毛呢大衣", "真丝睡衣", "陶瓷杯", "香薰蜡烛", "儿童滑板车", "投影仪", "机械表", "电竞椅", "无线鼠标", "平板支架", "汉服", "旗袍", "茶具套装", "普洱茶饼", "护肤套装", "粉底液", "眼影盘", "猫爬架", "鱼竿", "露营帐篷", "骑行头盔", "跑步鞋", "篮球", "吉他", "尤克里里", "相机镜头", "游戏手柄", "显示器", "路由器", "行车记录仪", "羊毛地毯", "实木书架", "婴儿推车", "电饭煲", "榨汁机", "加湿器", "落地灯", "乐高积木", "手办", "洗碗机", "扫地机器人", "棉麻衬衫"}
	productsEN = []string{"air fryer", "electric toothbrush", "espresso machine", "lunch box", "umbrella", "hiking backpack", "yoga leggings", "wool coat", "silk pajamas", "ceramic mug", "scented candle", "kids scooter", "projector", "mechanical watch", "gaming chair", "wireless mouse", "tablet stand", "tea set", "skincare set", "eyeshadow palette", "cat tree", "fishing rod", "camping tent", "bike helmet", "running shoes", "basketball", "guitar", "ukulele", "camera lens", "game controller", "monitor", "router", "dash cam", "wool rug", "bookshelf", "stroller", "rice cooker", "blender", "humidifier", "floor lamp", "building blocks", "figurine", "robot vacuum", "linen shirt"}
	phrasesZH  = []string{"全新未拆封", "自用闲置", "支持验货", "同城可自提", "不议价", "包邮", "质量保证", "先到先得", "有需要的私聊", "喜欢的朋友看过来", "实物拍摄", "专柜正品", "可小刀", "非诚勿扰", "拍前请咨询", "量大从优", "欢迎咨询", "下单备注颜色", "搬家急出", "成色很好", "功能完好", "无磕碰", "原装配件齐全", "当天发货", "假一赔十", "清仓处理", "低价转让", "宝贝在图里", "懂的来", "只换不退"}
	phrasesEN  = []string{"brand new", "never used", "ships within a day", "price is firm", "local pickup welcome", "message for details", "genuine product", "barely used", "original box included", "no returns", "fast shipping", "great condition", "moving sale", "all accessories included", "first come first served", "bulk orders welcome", "works perfectly", "no scratches"}
	openersZH  = []string{"【%s】", "出%s", "转让%s", "%s低价出", "闲置%s", "正品%s", "%s现货", "二手%s", "%s清仓"}
	openersEN  = []string{"Selling my %s", "Brand new %s", "%s for sale", "Used %s", "Genuine %s", "%s in stock", "Cheap %s"}
)

// titleClause opens a listing with its product.
func titleClause(r *rand.Rand, en bool) string {
	if en {
		return fmt.Sprintf(pick(r, openersEN), pick(r, productsEN))
	}
	return fmt.Sprintf(pick(r, openersZH), pick(r, productsZH))
}

func phraseClause(r *rand.Rand, en bool) clause {
	if en {
		return clause{text: pick(r, phrasesEN)}
	}
	return clause{text: pick(r, phrasesZH)}
}

// A negative is listing text with no channel in it, tagged by the kind of
// trap it sets.
type negative func(r *rand.Rand, en bool) (string, string)

func year(r *rand.Rand) int { return 2019 + r.IntN(8) }

var negatives = []negative{
	func(r *rand.Rand, en bool) (string, string) { // model numbers
		m := fmt.Sprintf("%s%s%d", string(rune('A'+r.IntN(26))), string(rune('A'+r.IntN(26))), 100+r.IntN(9900))
		if r.IntN(2) == 0 {
			m = fmt.Sprintf("%c%c-%d", 'A'+r.IntN(26), 'A'+r.IntN(26), 1000+r.IntN(9000))
		}
		if en {
			return pick(r, []string{"model ", "Model: ", "part no. "}) + m, "neg:model"
		}
		return pick(r, []string{"型号 ", "型号：", "规格"}) + m, "neg:model"
	},
	func(r *rand.Rand, en bool) (string, string) { // SKUs
		const set = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
		b := make([]byte, 8)
		for i := range b {
			b[i] = set[r.IntN(len(set))]
		}
		if r.IntN(2) == 0 {
			return fmt.Sprintf("货号 %d%02d%02d%c", year(r), 1+r.IntN(12), 1+r.IntN(28), 'A'+r.IntN(26)), "neg:sku"
		}
		return "SKU " + string(b), "neg:sku"
	},
	func(r *rand.Rand, en bool) (string, string) { // prices
		if en {
			return pick(r, []string{fmt.Sprintf("$%d.99", 5+r.IntN(300)), fmt.Sprintf("only %d USD", 10+r.IntN(500)), fmt.Sprintf("%d%% off", 10+r.IntN(80))}), "neg:price"
		}
		return pick(r, []string{fmt.Sprintf("¥%d", 9+r.IntN(3000)), fmt.Sprintf("到手价%d.%d元", 19+r.IntN(900), r.IntN(10)), fmt.Sprintf("原价%d现价%d", 300+r.IntN(700), 50+r.IntN(250)), fmt.Sprintf("满%d减%d", 100+r.IntN(9)*100, 10+r.IntN(9)*10), fmt.Sprintf("%d件%d折", 2+r.IntN(3), 5+r.IntN(4))}), "neg:price"
	},
	func(r *rand.Rand, en bool) (string, string) { // dates
		if en {
			return fmt.Sprintf("ships after %d-%02d-%02d", year(r), 1+r.IntN(12), 1+r.IntN(28)), "neg:date"
		}
		return pick(r, []string{fmt.Sprintf("%d月%d日前发货", 1+r.IntN(12), 1+r.IntN(28)), fmt.Sprintf("%d-%02d-%02d发货", year(r), 1+r.IntN(12), 1+r.IntN(28)), fmt.Sprintf("%d/%02d/%02d到货", year(r), 1+r.IntN(12), 1+r.IntN(28))}), "neg:date"
	},
	func(r *rand.Rand, en bool) (string, string) { // tracking numbers
		if en {
			return pick(r, []string{"tracking no. SF" + digits(r, 12), "tracking 1Z" + token(r, 16), "waybill YT" + digits(r, 13)}), "neg:tracking"
		}
		return pick(r, []string{"顺丰单号 SF" + digits(r, 12), "快递单号 YT" + digits(r, 13), "运单号 JD" + digits(r, 13), "中通单号 " + "7" + digits(r, 13)}), "neg:tracking"
	},
	func(r *rand.Rand, en bool) (string, string) { // order numbers
		if en {
			return "order no. " + "2" + digits(r, 17+r.IntN(3)), "neg:order"
		}
		return "订单号 " + "2" + digits(r, 17+r.IntN(3)), "neg:order"
	},
	func(r *rand.Rand, en bool) (string, string) { // a mobile-shaped number after an order word is not a phone
		if en {
			return pick(r, []string{"order no. ", "tracking no. ", "invoice no. ", "SKU "}) + mobile(r), "neg:order-mobile"
		}
		return pick(r, []string{"订单号 ", "快递单号 ", "运单号 ", "货号 ", "发票号 ", "SKU "}) + mobile(r), "neg:order-mobile"
	},
	func(r *rand.Rand, en bool) (string, string) { // longer digit runs that start like a mobile
		n := mobile(r) + digits(r, 1+r.IntN(5))
		if en {
			return pick(r, []string{"batch ", "serial ", "IMEI "}) + n, "neg:long-digits"
		}
		return pick(r, []string{"批次号 ", "序列号 ", "IMEI ", "编号"}) + n, "neg:long-digits"
	},
	func(r *rand.Rand, en bool) (string, string) { // spec lines a longer description carries
		if en {
			return pick(r, []string{"colour: black / white / grey", "material: stainless steel", "made in Zhejiang", "warranty: 12 months", "Dec " + fmt.Sprint(1+r.IntN(28)) + " delivery"}), "neg:spec"
		}
		return pick(r, []string{"颜色：黑色/白色/灰色", "材质：304不锈钢", "产地：浙江义乌", "保修：12个月", "适用：" + fmt.Sprint(3+r.IntN(10)) + "-" + fmt.Sprint(14+r.IntN(50)) + "岁", "手机 8GB+256GB 内存", "vivo X100 Pro 保护壳", "电话卡 月租19元", "卫星导航 7英寸", "Q版公仔 " + fmt.Sprint(10+r.IntN(20)) + "cm"}), "neg:spec"
	},
	func(r *rand.Rand, en bool) (string, string) { // EAN and ISBN
		if r.IntN(2) == 0 {
			return pick(r, []string{"条码 ", "EAN ", "条形码"}) + "69" + digits(r, 11), "neg:barcode"
		}
		if r.IntN(2) == 0 {
			return "ISBN 978" + digits(r, 10), "neg:isbn"
		}
		return fmt.Sprintf("ISBN 978-7-%s-%s-%d", digits(r, 3), digits(r, 5), r.IntN(10)), "neg:isbn"
	},
	func(r *rand.Rand, en bool) (string, string) { // sizes
		if en {
			return pick(r, []string{"size M/L/XL", fmt.Sprintf("EU %d", 36+r.IntN(10)), fmt.Sprintf("US %d.5", 5+r.IntN(7)), "one size fits all"}), "neg:size"
		}
		return pick(r, []string{"XL码", "尺码 S/M/L", fmt.Sprintf("%d%c", 32+r.IntN(8)*2, 'A'+r.IntN(4)), fmt.Sprintf("%d/%dA", 155+r.IntN(8)*5, 80+r.IntN(5)*4), "均码", fmt.Sprintf("%d码", 35+r.IntN(10))}), "neg:size"
	},
	func(r *rand.Rand, en bool) (string, string) { // capacities
		return pick(r, []string{fmt.Sprintf("%d000mAh", 5+r.IntN(25)), fmt.Sprintf("%d000毫安", 5+r.IntN(25)), pick(r, []string{"128GB", "256GB", "512GB", "1TB", "2TB"}), fmt.Sprintf("%dml", 100+r.IntN(9)*50), fmt.Sprintf("%d.%dL", 1+r.IntN(5), r.IntN(10))}), "neg:capacity"
	},
	func(r *rand.Rand, en bool) (string, string) { // weights and measures
		if r.IntN(2) == 0 {
			return pick(r, []string{fmt.Sprintf("%d.%dkg", 1+r.IntN(9), r.IntN(10)), fmt.Sprintf("%dg", 100+r.IntN(900)), fmt.Sprintf("%d斤", 1+r.IntN(10))}), "neg:weight"
		}
		return pick(r, []string{fmt.Sprintf("%dx%dx%dcm", 10+r.IntN(90), 10+r.IntN(90), 10+r.IntN(90)), fmt.Sprintf("%d*%dcm", 10+r.IntN(90), 10+r.IntN(90)), fmt.Sprintf("%d.%d英寸", 10+r.IntN(20), r.IntN(10)), fmt.Sprintf("长%dcm", 20+r.IntN(200))}), "neg:measure"
	},
	func(r *rand.Rand, en bool) (string, string) { // quantities and years
		if r.IntN(2) == 0 {
			if en {
				return fmt.Sprintf("%d edition", year(r)), "neg:year"
			}
			return pick(r, []string{fmt.Sprintf("%d款", year(r)), fmt.Sprintf("%d年新款", year(r))}), "neg:year"
		}
		if en {
			return pick(r, []string{fmt.Sprintf("%d in stock", 10+r.IntN(9000)), fmt.Sprintf("pack of %d", 2+r.IntN(48))}), "neg:quantity"
		}
		return pick(r, []string{fmt.Sprintf("库存%d件", 10+r.IntN(9000)), fmt.Sprintf("月销%d+", 1+r.IntN(99)*100), fmt.Sprintf("一箱%d瓶", 6+r.IntN(20)), fmt.Sprintf("%d只装", 2+r.IntN(10))}), "neg:quantity"
	},
	func(r *rand.Rand, en bool) (string, string) { // payment methods and apps named, with no identifier
		if en {
			return pick(r, []string{"Alipay or WeChat Pay OK", "WeChat Pay accepted", "pay by Alipay / WeChat", "QQ Music VIP included", "PayPal not accepted"}), "neg:brand-mention"
		}
		return pick(r, []string{"支持微信支付", "可用支付宝", "微信支付宝都可以", "QQ音乐会员赠送", "送微信红包封面", "微信小程序同款", "QQ飞车周边", "支持花呗分期", "微信读书同款", "企鹅电竞联名"}), "neg:brand-mention"
	},
	func(r *rand.Rand, en bool) (string, string) { // places and products that contain keyword characters
		if en {
			return pick(r, []string{"penguin plush 🐧", "green bubble wand", "satellite dish", "telephoto lens", "WXGA screen", "telescope mount"}), "neg:kw-product"
		}
		return pick(r, []string{"云南威信县特产", "威信县直发", "微山湖大闸蟹", "企鹅玩偶", "卫星天线", "绿色泡泡机", "V领毛衣", "QQ糖", "电话手表", "手机支架", "口口相传的好品质", "球球发圈", "微芯片级做工", "维新款式"}), "neg:kw-product"
	},
	func(r *rand.Rand, en bool) (string, string) { // a keyword before something that is not an identifier
		if en {
			return pick(r, []string{fmt.Sprintf("VX-%d camera", 1000+r.IntN(9000)), "V8 engine", fmt.Sprintf("WX-%d adapter", 1+r.IntN(9)), "QQ 2.0 plush", "TG-5 case", "V-neck"}), "neg:kw-model"
		}
		return pick(r, []string{fmt.Sprintf("VX-%d同款", 1000+r.IntN(9000)), "V8吸尘器", fmt.Sprintf("WX-%d替换头", 1+r.IntN(9)), fmt.Sprintf("卫星%d代", 2+r.IntN(7)), fmt.Sprintf("球球 %d个装", 2+r.IntN(10)), fmt.Sprintf("扣扣 %d颗", 2+r.IntN(20)), "QQ 2.0 公仔"}), "neg:kw-model"
	},
	func(r *rand.Rand, en bool) (string, string) { // a keyword and no identifier
		if en {
			return pick(r, []string{"ask me on WeChat", "Telegram channel coming soon", "no WhatsApp please", "call for details", "WeChat for more photos", "QQ group is full", "Telegram only, no calls", "message me on WhatsApp", "WeChat is best for more photos"}), "neg:kw-noid"
		}
		return pick(r, []string{"有问题加微信", "详情咨询客服QQ", "电话联系", "加V了解更多", "手机号见主页", "不加微信", "微信同步更新", "QQ群已满", "电话咨询优先", "企鹅号同名", "绿泡泡聊"}), "neg:kw-noid"
	},
}

// allNegatives are round 2's negatives and each reading's own.
var allNegatives = concatNegatives(negatives, digitNegatives, keywordNegatives, letterNegatives, linkNegatives, phoneNegatives)

func concatNegatives(lists ...[]negative) []negative {
	var out []negative
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// round3Negatives names each round-3 negative's reading, for its read: tag.
var round3Negatives = map[string]string{
	"neg:styled-digits": "digits", "neg:dash-range": "digits", "neg:numbered-list": "digits",
	"neg:cn-number": "digits", "neg:radio-word": "digits",
	"neg:styled-brand": "letters",
	"neg:linklike":     "links",
	"neg:fax":          "phones",
	"neg:pinyin-word":  "keywords", "neg:chaizi-word": "keywords", "neg:account-noid": "keywords", "neg:homophone-word": "keywords",
}

func negClause(r *rand.Rand, en bool) clause {
	text, tag := pick(r, allNegatives)(r, en)
	tags := []string{tag}
	if rd, ok := round3Negatives[tag]; ok {
		tags = append(tags, "read:"+rd)
	}
	return clause{text: text, tags: tags}
}
