// Package textnorm reads listing text the way a buyer does: it folds the
// disguises sellers use on contact details (full-width and look-alike
// letters, enclosed and superscript digits, Chinese numerals, invisible
// characters) into lower-case ASCII letters and digits, and keeps, for every
// normalised character, the bytes of the original text it came from, so that
// a match in the normalised text maps back to an exact span of the original.
package textnorm

//go:generate go run ./internal/genconfusables -o confusables_table.go
