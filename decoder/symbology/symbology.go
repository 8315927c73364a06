// Package symbology is the decoder's vocabulary: the names of the kinds of
// code it reports, as they appear in qrgate's output (zxing's names, plus
// the pseudo-symbologies for a code seen but not read, a text finding and
// an unreadable image). It is a leaf package so that the policy and every
// consumer of findings can name a symbology without importing the decoder.
package symbology

// Symbology names a kind of finding's source: a barcode symbology in
// zxing's spelling, or one of the pseudo-symbologies below.
type Symbology string

// The symbologies the decoder reads (zxing's names: they are part of
// qrgate's output format, so the constants keep that spelling).
const (
	QR_CODE     Symbology = "QR_CODE"
	DATA_MATRIX Symbology = "DATA_MATRIX"
	AZTEC       Symbology = "AZTEC"
	EAN_13      Symbology = "EAN_13"
	EAN_8       Symbology = "EAN_8"
	UPC_A       Symbology = "UPC_A"
	UPC_E       Symbology = "UPC_E"
	CODE_128    Symbology = "CODE_128"
	CODE_39     Symbology = "CODE_39"
	PDF_417     Symbology = "PDF_417"
)

// Pseudo-symbologies: findings that are not a decoded code.
const (
	// UNDECODED is a code seen (its structure is unmistakable) but not read.
	UNDECODED Symbology = "UNDECODED"
	// TEXT is a finding in a listing's text.
	TEXT Symbology = "TEXT"
	// IMAGE_ERROR is the single finding of an image that cannot be read.
	IMAGE_ERROR Symbology = "IMAGE_ERROR"
)
