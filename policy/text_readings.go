package policy

import (
	"fmt"
	"unicode/utf8"

	"github.com/qrgate/qrgate/policy/textnorm"
	"go.yaml.in/yaml/v3"
)

// readingsSpec is the policy's part of how characters are read
// (`text: readings:`), added to textnorm's Unicode tables: each maps one
// character to one digit or letter.
type readingsSpec struct {
	// Digits are read as their digit anywhere.
	Digits map[string]string `yaml:"digits"`
	// NumberDigits are read as their digit only inside a number: the
	// telephone and radio reading (幺 1, 两 2, 拐 7, 洞 0, 勾 9).
	NumberDigits map[string]string `yaml:"number_digits"`
	// Letters are read as their letter.
	Letters map[string]string `yaml:"letters"`

	line int
}

var readingKeys = []string{"digits", "number_digits", "letters"}

// UnmarshalYAML rejects unknown keys and readings that are not one
// character to one character.
func (r *readingsSpec) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "readings", readingKeys); err != nil {
		return err
	}
	type plain readingsSpec
	if err := n.Decode((*plain)(r)); err != nil {
		return err
	}
	r.line = n.Line
	for i := 0; i+1 < len(n.Content); i += 2 {
		table := n.Content[i+1]
		for j := 0; j+1 < len(table.Content); j += 2 {
			k, v := table.Content[j], table.Content[j+1]
			if utf8.RuneCountInString(k.Value) != 1 || len(v.Value) != 1 {
				return lineErr(k, "readings %s: %q: %q must be one character read as one ASCII character", n.Content[i].Value, k.Value, v.Value)
			}
		}
	}
	return nil
}

// reader builds the textnorm reader of the policy's readings.
func (r *readingsSpec) reader() (*textnorm.Reader, error) {
	conv := func(m map[string]string) map[rune]byte {
		out := make(map[rune]byte, len(m))
		for k, v := range m {
			c, _ := utf8.DecodeRuneInString(k)
			out[c] = v[0]
		}
		return out
	}
	rd, err := textnorm.NewReader(textnorm.Readings{Digits: conv(r.Digits), NumberDigits: conv(r.NumberDigits), Letters: conv(r.Letters)})
	if err != nil {
		return nil, &Error{Line: r.line, Msg: fmt.Sprintf("text readings: %v", err)}
	}
	return rd, nil
}
