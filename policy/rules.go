package policy

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/net/publicsuffix"
)

// ruleSpec is one entry of the policy's rules: every condition it sets must
// hold. URL conditions (schemes, hosts, domains, path_prefix) only hold for
// payloads that are URLs; pattern is matched against the whole payload.
type ruleSpec struct {
	Name       string     `yaml:"name"`
	Category   string     `yaml:"category"`
	Action     Action     `yaml:"action"` // overrides the category's action
	Schemes    []string   `yaml:"schemes"`
	Hosts      []string   `yaml:"hosts"`   // exact host or any subdomain of it
	Domains    []string   `yaml:"domains"` // registrable domain (public-suffix aware)
	PathPrefix string     `yaml:"path_prefix"`
	Pattern    yamlRegexp `yaml:"pattern"`

	line int
}

var ruleKeys = []string{"name", "category", "action", "schemes", "hosts", "domains", "path_prefix", "pattern"}

// UnmarshalYAML records the rule's line and rejects unknown keys (yaml's
// KnownFields does not reach inside custom unmarshalers).
func (s *ruleSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return lineErr(n, "a rule must be a mapping")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(ruleKeys, k.Value) {
			return lineErr(k, "unknown rule key %q (want one of %s)", k.Value, strings.Join(ruleKeys, ", "))
		}
	}
	type plain ruleSpec
	if err := n.Decode((*plain)(s)); err != nil {
		return err
	}
	s.line = n.Line
	return nil
}

type rule struct {
	name       string
	category   string
	action     Action
	schemes    []string
	hosts      []string
	domains    []string
	pathPrefix string
	pattern    *regexp.Regexp
}

func (s *ruleSpec) compile(p *Policy) (rule, error) {
	if s.Name == "" {
		return rule{}, fmt.Errorf("rule without a name")
	}
	a, ok := p.actions[s.Category]
	if !ok {
		return rule{}, fmt.Errorf("rule %q: unknown category %q (not under categories:)", s.Name, s.Category)
	}
	if s.Action != "" {
		a = s.Action
	}
	r := rule{name: s.Name, category: s.Category, action: a, pathPrefix: strings.ToLower(s.PathPrefix), pattern: s.Pattern.Regexp}
	for _, v := range s.Schemes {
		r.schemes = append(r.schemes, strings.ToLower(v))
	}
	for _, v := range s.Hosts {
		r.hosts = append(r.hosts, strings.ToLower(strings.TrimSuffix(v, ".")))
	}
	for _, v := range s.Domains {
		r.domains = append(r.domains, strings.ToLower(strings.TrimSuffix(v, ".")))
	}
	if len(r.schemes)+len(r.hosts)+len(r.domains) == 0 && r.pathPrefix == "" && r.pattern == nil {
		return rule{}, fmt.Errorf("rule %q has no condition", s.Name)
	}
	return r, nil
}

func (r *rule) hasURLCondition() bool {
	return len(r.schemes)+len(r.hosts)+len(r.domains) > 0 || r.pathPrefix != ""
}

func (r *rule) matchURL(u *URL, payload string) bool {
	if len(r.schemes) > 0 && !slices.Contains(r.schemes, u.Scheme) {
		return false
	}
	if len(r.hosts) > 0 && !slices.ContainsFunc(r.hosts, func(h string) bool { return onHost(u.Host, h) }) {
		return false
	}
	if len(r.domains) > 0 && !slices.Contains(r.domains, u.Domain) {
		return false
	}
	if r.pathPrefix != "" && !strings.HasPrefix(strings.ToLower(u.Path), r.pathPrefix) {
		return false
	}
	return r.pattern == nil || r.pattern.MatchString(payload)
}

// onHost reports whether host is h or one of its subdomains, without
// building "."+h for every rule a link is matched against.
func onHost(host, h string) bool {
	n := len(host) - len(h)
	return n == 0 && host == h || n > 0 && host[n-1] == '.' && host[n:] == h
}

func (r *rule) class(identifier string) class {
	return class{Category: r.category, Action: r.action, Rule: r.name, Identifier: identifier}
}

// URL is a parsed link, lower-cased where case does not matter.
type URL struct {
	Scheme string // "" when the link was written without one
	Host   string // lower case, no port
	Domain string // registrable domain of Host ("" for IPs and opaque schemes)
	Path   string
	Query  string
}

// Identifier is the contract's key for a link: host + path + query, lower
// case, no scheme, no trailing slash; wxp:// and weixin:// keep their scheme.
func (u *URL) Identifier() string {
	var b strings.Builder
	if u.Scheme == "wxp" || u.Scheme == "weixin" {
		b.WriteString(u.Scheme + "://")
	}
	b.WriteString(u.Host)
	b.WriteString(u.Path)
	if u.Query != "" {
		b.WriteString("?" + u.Query)
	}
	return strings.ToLower(strings.TrimRight(b.String(), "/"))
}

// linkSchemes are the schemes read as links; tel:, sms: and the like are contacts.
var linkSchemes = map[string]bool{"http": true, "https": true, "weixin": true, "wxp": true, "ftp": true}

// parseURL reads s as a link, with or without a scheme. A link without a
// scheme must have a host whose suffix is a real public suffix (so "v1.2" or
// "file.txt" are not links).
func parseURL(s string) (*URL, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return nil, false
	}
	scheme := ""
	if i := strings.Index(s, "://"); i > 0 {
		scheme = strings.ToLower(s[:i])
		if !linkSchemes[scheme] {
			return nil, false
		}
	} else if i := strings.IndexByte(s, ':'); i > 0 && !strings.ContainsAny(s[:i], "./") {
		if _, err := fmt.Sscanf(s[i+1:], "%d", new(int)); err != nil { // host:port is fine, "tel:…" is not a link
			return nil, false
		}
	}
	raw := s
	if scheme == "" {
		raw = "http://" + s
	}
	pu, err := url.Parse(raw)
	if err != nil || pu.Host == "" {
		return nil, false
	}
	u := &URL{Scheme: scheme, Host: strings.ToLower(strings.TrimSuffix(pu.Hostname(), ".")), Path: pu.EscapedPath(), Query: pu.RawQuery}
	if scheme == "wxp" || scheme == "weixin" {
		// Opaque app links: the "host" is a token; keep its case for the payload but not the identifier.
		return u, true
	}
	if !validHost(u.Host) {
		return nil, false
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(u.Host); err == nil {
		u.Domain = d
	}
	if scheme == "" {
		if _, icann := publicsuffix.PublicSuffix(u.Host); !icann || u.Domain == "" {
			return nil, false
		}
	}
	return u, true
}

func validHost(h string) bool {
	if h == "" || len(h) > 253 || !strings.Contains(h, ".") {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// classifyURL classifies a link by the policy's rules; the default is the
// policy's default_url class (external_link).
func (p *Policy) classifyURL(u *URL, payload string) class {
	id := u.Identifier()
	for i := range p.rules {
		r := &p.rules[i]
		if r.hasURLCondition() && r.matchURL(u, payload) {
			return r.class(id)
		}
	}
	c := p.defaultURL
	c.Identifier = id
	return c
}
