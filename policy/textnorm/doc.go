// Package textnorm reads listing text the way a buyer does: it folds the
// disguises sellers use on contact details (full-width, styled, enclosed and
// look-alike letters; digits of every script and style, Chinese numerals in
// every register, digits read aloud; dashes of every width; invisible
// characters; letters boxed one by one) into lower-case ASCII letters and
// digits, and keeps, for every normalised character, the bytes of the
// original text it came from, so that a match in the normalised text maps
// back to an exact span of the original.
//
// Its tables are generated from Unicode data (tables_gen.go, by
// internal/gentables; the sources and their licences are listed in
// internal/gentables/data/README.md); a policy adds readings of its own
// through Readings.
package textnorm

//go:generate go run ./internal/gentables -o tables_gen.go
