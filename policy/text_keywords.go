package policy

import "slices"

// A keyword automaton is one Aho-Corasick machine for every word the text
// scanner looks for (channel keywords, fillers, context words), run once
// over the normalised text with its spaces left out, so "微 信" and "w x"
// are found like "微信" and "wx".

// wordKind says what a dictionary word is for.
type wordKind uint8

const (
	wordChannel   wordKind = iota // introduces an identifier
	wordFiller                    // may stand between keyword and identifier
	wordSame                      // a filler meaning "the same number" (同号)
	wordContext                   // makes a following number a product number
	wordPrompt                    // "加", "私": makes a short keyword form a keyword
	wordVeto                      // not a keyword, though it holds or sounds like one
	wordPayMethod                 // a way to pay that is no channel ("alipay")
	wordPay                       // says a payment ("pay by", "付款")
)

type word struct {
	kind    wordKind
	channel int // index into textScanner.channels for wordChannel
	runes   int // length in runes
	ascii   bool
	first   rune
	last    rune
	// short marks a one-syllable form ("v", "薇") that is a keyword only
	// after a prompt ("加我v") or before a value separator ("V：").
	short bool
}

// automaton is a deterministic Aho-Corasick machine over a compact alphabet.
type automaton struct {
	ascii   [128]int32     // symbol of an ASCII rune, -1 if not in any word
	symbols map[rune]int32 // symbol of other runes
	// inBMP marks the runes of the Basic Multilingual Plane that have a
	// symbol: most characters of a Chinese text are in no word, and a bit
	// test answers them without hashing (8 KiB per machine).
	inBMP [1 << 16 / 64]uint64
	nsym  int
	delta []int32 // state*nsym + symbol → state
	out   []int32 // state → longest word ending here (index into words), -1
	words []word
}

func (a *automaton) symbol(r rune) int32 {
	if r < 128 {
		return a.ascii[r]
	}
	if r < 1<<16 && a.inBMP[r>>6]&(1<<(r&63)) == 0 {
		return -1
	}
	if s, ok := a.symbols[r]; ok {
		return s
	}
	return -1
}

// newAutomaton builds the machine; patterns[i] is the rune sequence of
// words[ids[i]]. Several machines may share one word table.
func newAutomaton(patterns [][]rune, ids []int, words []word) *automaton {
	a := &automaton{symbols: map[rune]int32{}, words: words}
	for i := range a.ascii {
		a.ascii[i] = -1
	}
	for _, p := range patterns {
		for _, r := range p {
			if a.symbol(r) < 0 {
				if r < 128 {
					a.ascii[r] = int32(a.nsym)
				} else {
					a.symbols[r] = int32(a.nsym)
					if r < 1<<16 {
						a.inBMP[r>>6] |= 1 << (r & 63)
					}
				}
				a.nsym++
			}
		}
	}
	// Trie.
	type node struct {
		next map[int32]int32
		out  int32
	}
	nodes := []node{{next: map[int32]int32{}, out: -1}}
	for pi, p := range patterns {
		wi := ids[pi]
		s := int32(0)
		for _, r := range p {
			sym := a.symbol(r)
			n, ok := nodes[s].next[sym]
			if !ok {
				n = int32(len(nodes))
				nodes = append(nodes, node{next: map[int32]int32{}, out: -1})
				nodes[s].next[sym] = n
			}
			s = n
		}
		if o := nodes[s].out; o < 0 || words[wi].runes > words[o].runes {
			nodes[s].out = int32(wi)
		}
	}
	// Breadth-first: failure links folded into a full transition table.
	a.delta = make([]int32, len(nodes)*a.nsym)
	a.out = make([]int32, len(nodes))
	fail := make([]int32, len(nodes))
	queue := []int32{0}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		a.out[s] = nodes[s].out
		if s != 0 && a.out[s] < 0 {
			a.out[s] = a.out[fail[s]]
		}
		syms := make([]int32, 0, len(nodes[s].next))
		for sym := range nodes[s].next {
			syms = append(syms, sym)
		}
		slices.Sort(syms)
		for sym := int32(0); sym < int32(a.nsym); sym++ {
			if n, ok := nodes[s].next[sym]; ok {
				if s == 0 {
					fail[n] = 0
				} else {
					fail[n] = a.delta[int(fail[s])*a.nsym+int(sym)]
				}
				a.delta[int(s)*a.nsym+int(sym)] = n
			} else if s != 0 {
				a.delta[int(s)*a.nsym+int(sym)] = a.delta[int(fail[s])*a.nsym+int(sym)]
			}
		}
		queue = append(queue, syms2nodes(nodes[s].next, syms)...)
	}
	return a
}

func syms2nodes(next map[int32]int32, syms []int32) []int32 {
	out := make([]int32, len(syms))
	for i, s := range syms {
		out[i] = next[s]
	}
	return out
}

// hit is a dictionary word found at units [start, end) of the text.
type hit struct {
	start, end int
	word       int
}

// find runs the machine over the units of text that are not spaces and
// reports, for every end position, the longest word ending there.
//
// skip says which units may stand inside a word and are passed over; it is
// not asked about a unit that some word holds ("❤" in "威❤").
func (a *automaton) find(runes []rune, skip func(rune) bool, hits []hit) []hit {
	s := int32(0)
	// pos holds the unit index of the last few non-space units, to map a
	// word's length back to its first unit.
	const ring = 64
	var pos [ring]int
	n := 0
	for i, r := range runes {
		sym := a.symbol(r)
		if sym < 0 && skip(r) {
			continue
		}
		pos[n%ring] = i
		n++
		if sym < 0 {
			s = 0
			continue
		}
		s = a.delta[int(s)*a.nsym+int(sym)]
		if o := a.out[s]; o >= 0 {
			w := a.words[o].runes
			if w <= ring && w <= n {
				hits = append(hits, hit{start: pos[(n-w)%ring], end: i + 1, word: int(o)})
			}
		}
	}
	return hits
}
