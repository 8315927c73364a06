package policy

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// textConfig is the text scanner's part of the policy file (`text:`): the
// keyword dictionaries of each channel and the thresholds that decide what
// counts as an identifier, so the platform can tune them without a release.
type textConfig struct {
	// Channels are the keyword families: which words introduce which kind
	// of identifier, and the category a match gets.
	Channels []channelSpec `yaml:"channels"`
	// Fillers may stand between a keyword and its identifier or between two
	// chained keywords ("号", "同号", "号码").
	Fillers []string `yaml:"fillers"`
	// SameNumber are fillers saying that a mobile used as a messenger ID is
	// also the phone number ("同号"): the mobile is reported as phone too.
	SameNumber []string `yaml:"same_number"`
	// Context words before a number make it a product number, not a phone
	// ("订单号", "SKU", "型号").
	Context []string `yaml:"context"`
	// Stopwords are words that follow a keyword without being an ID
	// ("WeChat Pay", "wechat official"); one standing between a keyword and
	// a number unbinds them ("WeChat Pay OK / 618 sale").
	Stopwords []string `yaml:"stopwords"`
	// FillerChars are the characters that may stand between a keyword and
	// its identifier, before or after it ("加我v", "是我的微信"), up to
	// MaxFiller of them; an ASCII word of at most MaxFiller letters ("me",
	// "is my") and an emoji count too.
	FillerChars string `yaml:"filler_chars"`
	MaxFiller   int    `yaml:"max_filler"`
	// Prompts turn a channel's short forms into keywords when they stand
	// before them, with fillers between ("加", "私": "加我v", "私我薇").
	Prompts []string `yaml:"prompts"`
	// Veto are words that are not keywords though they hold one or sound
	// like one ("维新", "唯心").
	Veto []string `yaml:"veto"`
	// Payment names payment methods ("alipay", "支付宝") and words that
	// say a payment ("pay by", "付款"): a channel keyword in a list with a
	// payment word ("pay by Alipay / WeChat", "微信、支付宝付款") names a way
	// to pay, not a channel.
	Payment paymentSpec `yaml:"payment"`
	// WxidCategory is the category of an ID in WeChat's default form
	// (wxid_ and 6–20 letters and digits), found with or without a keyword;
	// empty turns it off.
	WxidCategory string `yaml:"wxid_category"`
	// BareMobile reports an 11-digit mobile number that stands alone.
	BareMobile bareMobileSpec `yaml:"bare_mobile"`
	// MaxGap is how many separator characters may stand between a keyword
	// and its identifier; MaxSeparatorRun between two pieces of one identifier.
	MaxGap          int `yaml:"max_gap"`
	MaxSeparatorRun int `yaml:"max_separator_run"`
	// WechatID and QQ bound the identifier lengths.
	WechatID lengthSpec `yaml:"wechat_id"`
	QQ       lengthSpec `yaml:"qq"`
	Handle   lengthSpec `yaml:"telegram_handle"`
	// Readings are characters read as digits or letters beyond Unicode's
	// tables (the radio reading of digits).
	Readings readingsSpec `yaml:"readings"`
	// Components add ways of writing a keyword character as its components
	// (拆字) to those of the CJK Decomposition Data: {信: [人言]}.
	Components map[string][]string `yaml:"components"`
	// LinkWords stand for a link's dot, colon, slash and '@' ("[.]", "点",
	// "dot", "冒号", "斜杠"), besides the characters themselves.
	LinkWords linkWordsSpec `yaml:"link_words"`

	line int
}

// channelSpec is one keyword family.
type channelSpec struct {
	Name     string   `yaml:"name"`     // rule prefix: "<name>.<kind>-keyword"
	Category string   `yaml:"category"` // a category under categories:
	IDs      []string `yaml:"ids"`      // identifier kinds the keywords introduce
	// Keywords, lower case; "{a|b}" expands to every alternative, spaces
	// inside a keyword are ignored when matching.
	Keywords []string `yaml:"keywords"`
	// Sounds are keywords matched by how they are read: "wei/w/v xin/x" is
	// any character read wei, or "wei", "w" or "v", then any character read
	// xin, or "xin" or "x" (微信, 威芯, wei-xin, vx, v信 …). Readings are
	// Mandarin without tones, ü spelled v.
	Sounds []string `yaml:"sounds"`
	// Short forms ("v", "薇") are keywords only after a prompt or directly
	// before a separator and the identifier ("V：abc123", never "V8").
	Short []string `yaml:"short"`

	line int
}

// linkWordsSpec lists the tokens read as a link's punctuation.
type linkWordsSpec struct {
	Dot   []string `yaml:"dot"`
	Colon []string `yaml:"colon"`
	Slash []string `yaml:"slash"`
	At    []string `yaml:"at"`
}

// UnmarshalYAML rejects unknown keys and tokens with blanks or nothing in them.
func (l *linkWordsSpec) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "link_words", []string{"dot", "colon", "slash", "at"}); err != nil {
		return err
	}
	type plain linkWordsSpec
	if err := n.Decode((*plain)(l)); err != nil {
		return err
	}
	for _, toks := range [][]string{l.Dot, l.Colon, l.Slash, l.At} {
		for _, t := range toks {
			if t == "" || strings.ContainsAny(t, " \t\n") || utf8.RuneCountInString(t) > 12 {
				return lineErr(n, "link_words: %q must be 1 to 12 characters without blanks", t)
			}
		}
	}
	return nil
}

// paymentSpec lists the words of payment mentions.
type paymentSpec struct {
	// Methods are ways to pay that are not channels (Alipay, cash, cards).
	Methods []string `yaml:"methods"`
	// Words say that what is listed beside them is paid with.
	Words []string `yaml:"words"`
}

// UnmarshalYAML rejects unknown keys.
func (ps *paymentSpec) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "payment", []string{"methods", "words"}); err != nil {
		return err
	}
	type plain paymentSpec
	return n.Decode((*plain)(ps))
}

// bareMobileSpec configures the bare mobile rule.
type bareMobileSpec struct {
	Enabled  bool   `yaml:"enabled"`
	Category string `yaml:"category"`

	line int
}

// lengthSpec bounds an identifier's length.
type lengthSpec struct {
	Min int `yaml:"min"`
	Max int `yaml:"max"`

	line int
}

// Identifier kinds a channel may introduce.
const (
	idWechat   = "wechat_id" // letter first, 6–20 of [a-z0-9_-]
	idMobile   = "mobile"    // 1[3-9] + 9 digits
	idQQ       = "qq"        // 5–11 digits, no leading 0
	idLandline = "landline"  // area code + number
	idIntl     = "intl_phone"
	idHandle   = "handle"      // @name
	idLocal    = "local_phone" // another region's number without its country code
)

var idKinds = []string{idWechat, idMobile, idQQ, idLandline, idIntl, idHandle, idLocal}

var (
	textKeys = []string{"channels", "fillers", "same_number", "context", "stopwords", "filler_chars", "max_filler",
		"prompts", "veto", "payment", "wxid_category", "bare_mobile", "max_gap", "max_separator_run", "wechat_id", "qq", "telegram_handle", "readings", "components", "link_words"}
	channelKeys = []string{"name", "category", "ids", "keywords", "sounds", "short"}
	bareKeys    = []string{"enabled", "category"}
	lengthKeys  = []string{"min", "max"}
)

// checkKeys rejects unknown keys of a mapping, naming the line (yaml's
// KnownFields does not reach inside custom unmarshalers).
func checkKeys(n *yaml.Node, what string, keys []string) error {
	if n.Kind != yaml.MappingNode {
		return lineErr(n, "%s must be a mapping", what)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(keys, k.Value) {
			return lineErr(k, "unknown %s key %q (want one of %s)", what, k.Value, strings.Join(keys, ", "))
		}
	}
	return nil
}

// UnmarshalYAML rejects unknown keys and records the line.
func (c *textConfig) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "text", textKeys); err != nil {
		return err
	}
	type plain textConfig
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.line = n.Line
	return nil
}

// UnmarshalYAML rejects unknown keys and unknown identifier kinds.
func (c *channelSpec) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "text channel", channelKeys); err != nil {
		return err
	}
	type plain channelSpec
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.line = n.Line
	for _, id := range c.IDs {
		if !slices.Contains(idKinds, id) {
			return lineErr(n, "text channel %q: unknown identifier kind %q (want one of %s)", c.Name, id, strings.Join(idKinds, ", "))
		}
	}
	return nil
}

// UnmarshalYAML rejects unknown keys.
func (b *bareMobileSpec) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "bare_mobile", bareKeys); err != nil {
		return err
	}
	type plain bareMobileSpec
	b.line = n.Line
	return n.Decode((*plain)(b))
}

// UnmarshalYAML rejects unknown keys and impossible bounds.
func (l *lengthSpec) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "length", lengthKeys); err != nil {
		return err
	}
	type plain lengthSpec
	if err := n.Decode((*plain)(l)); err != nil {
		return err
	}
	if l.Min < 1 || l.Max < l.Min || l.Max > 64 {
		return lineErr(n, "invalid length bounds min %d, max %d (want 1 ≤ min ≤ max ≤ 64)", l.Min, l.Max)
	}
	l.line = n.Line
	return nil
}

// validate checks what needs the rest of the policy (categories) and fills defaults.
func (c *textConfig) validate(p *Policy) error {
	errAt := func(line int, format string, args ...any) error {
		return &Error{Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	for _, ch := range c.Channels {
		if !validName(ch.Name) {
			return errAt(ch.line, "text channel: invalid name %q", ch.Name)
		}
		if _, ok := p.actions[ch.Category]; !ok {
			return errAt(ch.line, "text channel %q: unknown category %q (not under categories:)", ch.Name, ch.Category)
		}
		if len(ch.IDs) == 0 || len(ch.Keywords)+len(ch.Sounds)+len(ch.Short) == 0 {
			return errAt(ch.line, "text channel %q needs ids and keywords", ch.Name)
		}
		for _, k := range ch.Keywords {
			if _, err := expandKeyword(k); err != nil {
				return errAt(ch.line, "text channel %q: %v", ch.Name, err)
			}
		}
	}
	if c.WxidCategory != "" {
		if _, ok := p.actions[c.WxidCategory]; !ok {
			return errAt(c.line, "wxid_category: unknown category %q (not under categories:)", c.WxidCategory)
		}
	}
	for ch, forms := range c.Components {
		if r, n := utf8.DecodeRuneInString(ch); n != len(ch) || !unicode.Is(unicode.Han, r) {
			return errAt(c.line, "components: %q is not one Chinese character", ch)
		}
		for _, f := range forms {
			if utf8.RuneCountInString(strings.Join(strings.Fields(f), "")) < 2 {
				return errAt(c.line, "components of %q: %q is not two or more components", ch, f)
			}
		}
	}
	if c.MaxFiller < 0 || c.MaxFiller > 8 {
		return errAt(c.line, "max_filler must be between 0 and 8")
	}
	if c.BareMobile.Enabled {
		if _, ok := p.actions[c.BareMobile.Category]; !ok {
			return errAt(c.BareMobile.line, "bare_mobile: unknown category %q (not under categories:)", c.BareMobile.Category)
		}
	}
	if c.MaxGap < 0 || c.MaxGap > 32 || c.MaxSeparatorRun < 0 || c.MaxSeparatorRun > 32 {
		return errAt(c.line, "max_gap and max_separator_run must be between 0 and 32")
	}
	if c.MaxGap == 0 {
		c.MaxGap = 6
	}
	if c.MaxSeparatorRun == 0 {
		c.MaxSeparatorRun = 3
	}
	if c.WechatID.Max == 0 {
		c.WechatID = lengthSpec{Min: 6, Max: 20}
	}
	if c.QQ.Max == 0 {
		c.QQ = lengthSpec{Min: 5, Max: 11}
	}
	if c.Handle.Max == 0 {
		c.Handle = lengthSpec{Min: 5, Max: 32}
	}
	return nil
}

// expandKeyword expands "{a|b}c" into "ac", "bc", lower-cased, spaces removed.
func expandKeyword(k string) ([]string, error) {
	out := []string{""}
	rest := strings.ToLower(k)
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			out = appendAll(out, []string{rest})
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("keyword %q: unclosed {", k)
		}
		out = appendAll(out, []string{rest[:i]})
		out = appendAll(out, strings.Split(rest[i+1:i+j], "|"))
		rest = rest[i+j+1:]
	}
	for i, s := range out {
		out[i] = strings.Join(strings.Fields(s), "")
		if out[i] == "" || strings.ContainsAny(out[i], "{}|") {
			return nil, fmt.Errorf("keyword %q: empty or malformed alternative", k)
		}
	}
	return out, nil
}

func appendAll(prefixes, alts []string) []string {
	out := make([]string, 0, len(prefixes)*len(alts))
	for _, p := range prefixes {
		for _, a := range alts {
			out = append(out, p+a)
		}
	}
	return out
}
