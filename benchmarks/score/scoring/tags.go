package scoring

import (
	"strconv"
	"strings"
)

// TagGroup maps an image tag to the group PEERS.md reports recall by:
// "ec:M" → "ec", "jpeg:q64" → "jpeg", "rot:30" → "rot", and module sizes
// into the buckets that matter for detection (<2.5, 2.5–4, ≥4 px).
func TagGroup(tag string) string {
	name, val, ok := strings.Cut(tag, ":")
	if !ok {
		return tag
	}
	if name == "module" {
		px, err := strconv.ParseFloat(val, 64)
		switch {
		case err != nil:
			return tag
		case px < 2.5:
			return "module<2.5"
		case px < 4:
			return "module2.5-4"
		default:
			return "module>=4"
		}
	}
	return name
}

// tagGroups returns the distinct groups of a tag list, in order.
func tagGroups(tags []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tags {
		g := TagGroup(t)
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}
