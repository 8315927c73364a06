package policy

import (
	"strings"
	"unicode/utf8"
)

// Classify decides what one decoded payload is: a link (by the rules), a
// tel:/sms: contact, a vCard or MECARD contact card (its most severe field
// decides), a payload matching a pattern rule, a channel written as text
// ("微信号: abc_123", "QQ:12345678"), or plain.
func (p *Policy) Classify(payload string) class {
	s := strings.TrimSpace(payload)
	if u, ok := parseURL(s); ok {
		return p.classifyURL(u, payload)
	}
	for i := range p.rules {
		r := &p.rules[i]
		if !r.hasURLCondition() && r.pattern.MatchString(payload) {
			return r.class(strings.ToLower(r.pattern.FindString(payload)))
		}
	}
	if c, ok := p.classifyContact(s); ok {
		return c
	}
	return p.classifyText(s)
}

// classifyText runs the text scanner over a payload and keeps its most
// severe match, the earliest of those.
func (p *Policy) classifyText(s string) class {
	if ms, _ := p.text.scan(s, 1); len(ms) > 0 {
		return ms[0].class
	}
	return class{Category: CategoryPlain, Action: p.ActionFor(CategoryPlain), Rule: "plain"}
}

// classifyContact reads tel:, sms: and contact cards.
func (p *Policy) classifyContact(s string) (class, bool) {
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "tel:"):
		return p.phoneClass("phone.tel-uri", s[4:]), true
	case strings.HasPrefix(lower, "smsto:"):
		return p.phoneClass("phone.sms-uri", strings.SplitN(s[6:], ":", 2)[0]), true
	case strings.HasPrefix(lower, "sms:"):
		return p.phoneClass("phone.sms-uri", strings.SplitN(strings.SplitN(s[4:], "?", 2)[0], ":", 2)[0]), true
	case strings.HasPrefix(lower, "mecard:"):
		return p.classifyCard(mecardFields(s[7:])), true
	case strings.HasPrefix(lower, "begin:vcard"):
		return p.classifyCard(vcardFields(s)), true
	}
	return class{}, false
}

func (p *Policy) phoneClass(rule, number string) class {
	return class{Category: "phone", Action: p.ActionFor("phone"), Rule: rule, Identifier: phoneIdentifier(number)}
}

// phoneIdentifier keeps a number's digits; a Chinese mobile loses its +86.
func phoneIdentifier(number string) string {
	var b strings.Builder
	for _, r := range number {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") && d[2] == '1' {
		d = d[2:]
	}
	return d
}

type cardField struct{ name, value string }

// classifyCard classifies every field of a contact card and keeps the most severe.
func (p *Policy) classifyCard(fields []cardField) class {
	best := class{Category: CategoryPlain, Action: p.ActionFor(CategoryPlain), Rule: "plain"}
	for _, f := range fields {
		v := strings.TrimSpace(f.value)
		if v == "" {
			continue
		}
		var c class
		switch f.name {
		case "TEL", "X-TEL":
			c = p.phoneClass("phone.contact-card", v)
		case "N", "FN", "VERSION", "BEGIN", "END", "EMAIL", "BDAY", "ADR", "SOUND", "NICKNAME":
			continue
		default:
			if u, ok := parseURL(v); ok {
				c = p.classifyURL(u, v)
			} else {
				c = p.classifyText(v)
			}
		}
		if c.Action.Severity() > best.Action.Severity() || best.Category == CategoryPlain && c.Category != CategoryPlain {
			best = c
		}
	}
	return best
}

// vcardFields splits a vCard into NAME:value fields (parameters dropped,
// folded lines joined).
func vcardFields(s string) []cardField {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\n ", "")
	s = strings.ReplaceAll(s, "\n\t", "")
	var out []cardField
	for _, line := range strings.Split(s, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, ";")
		if i := strings.LastIndexByte(name, '.'); i >= 0 { // item1.URL
			name = name[i+1:]
		}
		out = append(out, cardField{strings.ToUpper(strings.TrimSpace(name)), unescapeCard(value)})
	}
	return out
}

// mecardFields splits "N:Name;TEL:123;URL:…;;" on unescaped semicolons.
func mecardFields(s string) []cardField {
	var out []cardField
	var cur strings.Builder
	flush := func() {
		name, value, ok := strings.Cut(cur.String(), ":")
		if ok {
			out = append(out, cardField{strings.ToUpper(strings.TrimSpace(name)), value})
		}
		cur.Reset()
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\' && i+size < len(s):
			r2, size2 := utf8.DecodeRuneInString(s[i+size:])
			cur.WriteRune(r2)
			i += size + size2
			continue
		case r == ';':
			flush()
		default:
			cur.WriteRune(r)
		}
		i += size
	}
	flush()
	return out
}

func unescapeCard(v string) string {
	return strings.NewReplacer(`\,`, ",", `\;`, ";", `\:`, ":", `\n`, " ", `\N`, " ", `\\`, `\`).Replace(v)
}
