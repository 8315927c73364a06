package main

import (
	"fmt"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	dmencoder "github.com/makiuchi-d/gozxing/datamatrix/encoder"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	qrencoder "github.com/makiuchi-d/gozxing/qrcode/encoder"

	"github.com/makiuchi-d/gozxing/datamatrix"
)

// symbol is a code's module grid: dark[y][x] true for a dark module.
// Bars of a 1-D code are one row, stretched to Height modules when drawn.
type symbol struct {
	Symbology string // zxing name
	W, H      int    // modules
	dark      [][]bool
	// Quiet is the quiet zone its specification asks for, in modules
	// (left, top, right, bottom).
	Quiet [4]float64
	// Version is the QR version or the Data Matrix size ("16x48").
	Version string
	EC      string // QR error correction level
	Rect    bool   // rectangular Data Matrix
	// Digits is the human-readable line under an EAN-13.
	Digits string
}

func (s *symbol) at(x, y int) bool {
	if s.Symbology == symEAN13 {
		return s.dark[0][x]
	}
	return s.dark[y][x]
}

const (
	symQR     = "QR_CODE"
	symDM     = "DATA_MATRIX"
	symEAN13  = "EAN_13"
	maxQRVers = 15
)

var ecLevels = map[string]decoder.ErrorCorrectionLevel{
	"L": decoder.ErrorCorrectionLevel_L, "M": decoder.ErrorCorrectionLevel_M,
	"Q": decoder.ErrorCorrectionLevel_Q, "H": decoder.ErrorCorrectionLevel_H,
}

// qrHints asks for UTF-8 (with its ECI) only when the payload needs it,
// so ASCII payloads encode as most generators write them.
func qrHints(payload string, version int) map[gozxing.EncodeHintType]interface{} {
	h := map[gozxing.EncodeHintType]interface{}{}
	for _, r := range payload {
		if r >= utf8.RuneSelf {
			h[gozxing.EncodeHintType_CHARACTER_SET] = "UTF-8"
			break
		}
	}
	if version > 0 {
		h[gozxing.EncodeHintType_QR_VERSION] = version
	}
	return h
}

// minQRVersion is the smallest version that holds payload at ec, or an
// error when not even version 15 does.
func minQRVersion(payload, ec string) (int, error) {
	c, err := qrencoder.Encoder_encode(payload, ecLevels[ec], qrHints(payload, 0))
	if err != nil {
		return 0, err
	}
	v := c.GetVersion().GetVersionNumber()
	if v > maxQRVers {
		return 0, fmt.Errorf("payload needs QR version %d", v)
	}
	return v, nil
}

func encodeQR(payload, ec string, version int) (*symbol, error) {
	c, err := qrencoder.Encoder_encode(payload, ecLevels[ec], qrHints(payload, version))
	if err != nil {
		return nil, err
	}
	m := c.GetMatrix()
	s := &symbol{Symbology: symQR, W: m.GetWidth(), H: m.GetHeight(), Quiet: [4]float64{4, 4, 4, 4},
		Version: fmt.Sprint(c.GetVersion().GetVersionNumber()), EC: ec}
	s.dark = make([][]bool, s.H)
	for y := range s.dark {
		s.dark[y] = make([]bool, s.W)
		for x := range s.dark[y] {
			s.dark[y][x] = m.Get(x, y) == 1
		}
	}
	return s, nil
}

// Data Matrix ECC200 sizes the generator draws from (rows x columns).
var (
	dmSquare = []int{10, 12, 14, 16, 18, 20, 22, 24, 26, 32, 36, 40, 44, 48, 52}
	dmRect   = [][2]int{{8, 18}, {8, 32}, {12, 26}, {12, 36}, {16, 36}, {16, 48}}
)

// encodeDataMatrix encodes payload (ASCII: the encoder writes other text
// as Latin-1) into a symbol at least minW x minH modules, square or
// rectangular. gozxing's writer picks the symbol from its shape hint and
// size bounds; the module grid comes back at one pixel per module.
func encodeDataMatrix(payload string, rect bool, minW, minH int) (*symbol, error) {
	for _, r := range payload {
		if r >= utf8.RuneSelf {
			return nil, fmt.Errorf("data matrix payload %q is not ASCII", payload)
		}
	}
	shape := dmencoder.SymbolShapeHint_FORCE_SQUARE
	if rect {
		shape = dmencoder.SymbolShapeHint_FORCE_RECTANGLE
	}
	dim, _ := gozxing.NewDimension(minW, minH)
	hints := map[gozxing.EncodeHintType]interface{}{
		gozxing.EncodeHintType_DATA_MATRIX_SHAPE: shape,
		gozxing.EncodeHintType_MIN_SIZE:          dim,
	}
	bm, err := datamatrix.NewDataMatrixWriter().Encode(payload, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0, hints)
	if err != nil {
		return nil, err
	}
	s := &symbol{Symbology: symDM, W: bm.GetWidth(), H: bm.GetHeight(), Quiet: [4]float64{1, 1, 1, 1}, Rect: rect}
	if rect != (s.W != s.H) {
		return nil, fmt.Errorf("data matrix came out %dx%d, asked rectangular=%v", s.H, s.W, rect)
	}
	s.Version = fmt.Sprintf("%dx%d", s.H, s.W)
	s.dark = make([][]bool, s.H)
	for y := range s.dark {
		s.dark[y] = make([]bool, s.W)
		for x := range s.dark[y] {
			s.dark[y][x] = bm.Get(x, y)
		}
	}
	return s, nil
}

// EAN-13 digit patterns (module widths as bits, 1 = bar).
var (
	eanL      = []string{"0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"}
	eanG      = []string{"0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001", "0001001", "0010111"}
	eanR      = []string{"1110010", "1100110", "1101100", "1000010", "1011100", "1001110", "1010000", "1000100", "1001000", "1110100"}
	eanParity = []string{"LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"}
)

// eanCheck is the check digit of 12 digits.
func eanCheck(d12 string) byte {
	sum := 0
	for i := 0; i < 12; i++ {
		v := int(d12[i] - '0')
		if i%2 == 1 {
			v *= 3
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}

// encodeEAN13 lays out 13 digits (the last one the check digit) as 95
// modules; height is the bar height in modules.
func encodeEAN13(digits string, height int) (*symbol, error) {
	if len(digits) != 13 || eanCheck(digits[:12]) != digits[12] {
		return nil, fmt.Errorf("bad EAN-13 %q", digits)
	}
	bits := "101"
	par := eanParity[digits[0]-'0']
	for i := 1; i <= 6; i++ {
		d := digits[i] - '0'
		if par[i-1] == 'L' {
			bits += eanL[d]
		} else {
			bits += eanG[d]
		}
	}
	bits += "01010"
	for i := 7; i <= 12; i++ {
		bits += eanR[digits[i]-'0']
	}
	bits += "101"
	row := make([]bool, len(bits))
	for i := range bits {
		row[i] = bits[i] == '1'
	}
	return &symbol{Symbology: symEAN13, W: len(row), H: height, dark: [][]bool{row},
		Quiet: [4]float64{11, 2, 7, 2}, Digits: digits}, nil
}

// eanGuard reports whether bar column x belongs to a guard pattern, drawn
// longer than the digit bars.
func eanGuard(x int) bool {
	return x < 3 || (x >= 45 && x < 50) || x >= 92
}
