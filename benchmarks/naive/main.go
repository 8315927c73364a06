// Command naive is the reference "gozxing used naively" reader of issue 6:
// image.Decode → gozxing.NewBinaryBitmapFromImage → the QR reader with
// TRY_HARDER, nothing else. It is the obvious Go code a platform would
// write, and the baseline qrgate's speed and recall are quoted against.
//
//	naive [-floor] PATH...
//
// One process reads every file (directories are walked in lexical order)
// and prints one JSON line per file in qrgate's record shape, so
// benchmarks/score can score it. -floor only decodes the image: the cost
// of getting the pixels with the standard library (PEERS.md's jpeg-floor).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	floor := flag.Bool("floor", false, "decode the images only (the jpeg-floor): no code finding")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Usage: naive [-floor] PATH...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	files, err := walkAll(flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "naive:", err)
		os.Exit(1)
	}
	read := readQR
	if *floor {
		read = decodeOnly
	}
	if err := run(files, read, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "naive:", err)
		os.Exit(1)
	}
}

// finding is the part of qrgate's finding the scorer needs.
type finding struct {
	Source    string `json:"source"`
	Symbology string `json:"symbology"`
	Payload   string `json:"payload"`
}

type recordError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// record mirrors qrgate's image record, plus cpu_ms: this process's CPU
// time while reading the file (the reader is sequential, so the delta is
// the file's own cost, garbage collection included).
type record struct {
	File      string       `json:"file"`
	Findings  []finding    `json:"findings"`
	Error     *recordError `json:"error"`
	ElapsedMS float64      `json:"elapsed_ms"`
	CPUMS     float64      `json:"cpu_ms"`
}

// reader turns a file into findings.
type reader func(path string) ([]finding, error)

// run reads each file and writes its line as soon as it is done.
func run(files []string, read reader, w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, f := range files {
		rec := readOne(f, read)
		if err := enc.Encode(rec); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func readOne(path string, read reader) record {
	rec := record{File: path, Findings: []finding{}}
	cpu0, wall0 := cpuTime(), time.Now()
	fs, err := read(path)
	rec.ElapsedMS = ms(time.Since(wall0))
	rec.CPUMS = ms(cpuTime() - cpu0)
	if err != nil {
		rec.Error = &recordError{Code: "reader", Message: err.Error()}
	}
	if fs != nil {
		rec.Findings = fs
	}
	return rec
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
