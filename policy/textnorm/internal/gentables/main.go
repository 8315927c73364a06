// Command gentables writes textnorm's reading tables (tables_gen.go) from
// Unicode data, never by hand:
//
//   - letters: every non-ASCII character a reader reads as a Latin letter —
//     NFKC forms (full width, mathematical alphanumerics, circled, squared,
//     parenthesised letters, ligatures), letters whose Unicode name makes
//     them a styled Latin letter (negative circled 🅐, negative squared 🅰,
//     small capitals ᴋ, regional indicators 🇼), accented letters without
//     their marks, and TR39
//     look-alikes (data/confusables.txt) whose prototype is one ASCII
//     letter. A letter never reads as a digit: mappings of letters to digits
//     (З → 3, б → 6) are dropped.
//   - digits: every character of class Nd (its place in its run of ten) and
//     No whose NFKC form or name gives a number of one or two digits
//     (①, ⑽, ⒈, ¹, ❶, ⓫, 🄌).
//   - hanDigits: Han characters with a numeric value 0–9 in Unihan
//     (data/Unihan_NumericValues.txt), by register: everyday and formal
//     numerals (kPrimaryNumeric, kAccountingNumeric) are digits anywhere;
//     the others (kOtherNumeric: 幺, 兩, 仨) only inside a number.
//   - dashes: every dash and hyphen (class Pd, not the wave dashes) reads '-'.
//   - simplified: the simplified form of a traditional character (Unihan
//     kSimplifiedVariant, data/Unihan_SimplifiedVariants.txt), so that a
//     keyword written in traditional characters (電報, 公眾號) is read.
//   - components: the decompositions (拆字) of keyword characters, from the
//     CJK Decomposition Data subset in data/components.txt.
//
// Run it with go generate in policy/textnorm. With -subset FILE it instead
// rewrites data/components.txt from the full cjk-decomp.txt for the
// characters listed in data/components.chars.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("o", "tables_gen.go", "output file")
	data := flag.String("data", "internal/gentables/data", "`DIR` holding the Unicode data files")
	subset := flag.String("subset", "", "rewrite DIR/components.txt from this full cjk-decomp.txt and exit")
	flag.Parse()
	if *subset != "" {
		if err := writeSubset(*subset, *data); err != nil {
			log.Fatal(err)
		}
		return
	}
	src, err := Generate(*data)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// dataFile is a file of the data directory.
func dataFile(dir, name string) string { return filepath.Join(dir, name) }
