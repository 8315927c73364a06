// Command imagework prints the decoding work and memory estimate that
// decoder/image.Inspect gives each image under the directories it is
// given, and their distribution: what --max-image-work (the work limit in
// megapixel-passes) must stay above so that no real image is refused.
//
//	go run ./benchmarks/imagework ../shared/corpus/images /tmp/synth/images
//	go run ./benchmarks/imagework -v DIR   # one line per image
//	go run ./benchmarks/imagework -write-bombs DIR   # issue 22's bombs, for docs/reliability.md
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"

	dimage "github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// writeBombs writes the decoding bombs of issue 22 that docs/reliability.md
// measures: progressive JPEGs of 6000×6000 with 2000 and 8000 scans, four
// 16-bit RGBA PNGs near the pixel limit (6300 px square and a few pixels
// narrower, so that each has its own bytes; odd ones interlaced), and
// rounds of four JPEG bombs of distinct sizes for bombs-load.sh.
func writeBombs(dir string, rounds int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string][]byte{
		"jpeg-2000-scans.jpg": testfixtures.ProgressiveJPEG(6000, 6000, 2000),
		"jpeg-8000-scans.jpg": testfixtures.ProgressiveJPEG(6000, 6000, 8000),
	}
	for i := 0; i < 4; i++ {
		files[fmt.Sprintf("png16-%d.png", i)] = testfixtures.PNGZeros(6300-i, 6300, 16, 6, i%2 == 1)
	}
	for r := 0; r < rounds; r++ {
		for i := 0; i < 4; i++ {
			side := 6000 - 8*(4*r+i) // new bytes every time: no cache hit helps
			files[fmt.Sprintf("round-%d-%d.jpg", r, i)] = testfixtures.ProgressiveJPEG(side, side, []int{2000, 8000}[i%2])
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

type measured struct {
	file string
	info dimage.Info
}

func main() {
	verbose := flag.Bool("v", false, "print every image")
	bombs := flag.String("write-bombs", "", "write issue 22's decoding bombs to `DIR` and exit")
	rounds := flag.Int("rounds", 0, "with -write-bombs: also write `N` rounds of four progressive JPEG bombs, each with its own bytes (round-R-I.jpg)")
	flag.Parse()
	if *bombs != "" {
		if err := writeBombs(*bombs, *rounds); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: imagework [-v] DIR...")
		os.Exit(2)
	}
	var all []measured
	for _, dir := range flag.Args() {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			info, err := dimage.Inspect(data)
			if info.Format == "" {
				return nil // not an image (a manifest)
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
				return nil
			}
			all = append(all, measured{path, info})
			if *verbose {
				fmt.Printf("%s\t%s\t%dx%d\tframes %d\tscans %d\twork %.1f MP-passes\tbytes %.1f MiB\n",
					path, info.Format, info.Width, info.Height, info.Frames, info.Scans, info.WorkMP(), float64(info.Bytes)/(1<<20))
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	report(all)
}

// report prints, per format and over all, the count and the work's
// median, 99th percentile and maximum, and the image of the maximum.
func report(all []measured) {
	byFormat := map[dimage.Format][]measured{}
	for _, m := range all {
		byFormat[m.info.Format] = append(byFormat[m.info.Format], m)
	}
	formats := make([]string, 0, len(byFormat))
	for f := range byFormat {
		formats = append(formats, string(f))
	}
	sort.Strings(formats)
	fmt.Printf("%-6s %5s %9s %9s %9s %11s  %s\n", "format", "n", "p50 MPP", "p99 MPP", "max MPP", "max MiB", "heaviest")
	for _, f := range formats {
		line(f, byFormat[dimage.Format(f)])
	}
	line("all", all)
}

func line(name string, ms []measured) {
	if len(ms) == 0 {
		return
	}
	slices.SortFunc(ms, func(a, b measured) int { return int(a.info.Work - b.info.Work) })
	q := func(p float64) float64 { return ms[min(len(ms)-1, int(p*float64(len(ms))))].info.WorkMP() }
	maxBytes := slices.MaxFunc(ms, func(a, b measured) int { return int(a.info.Bytes - b.info.Bytes) }).info.Bytes
	top := ms[len(ms)-1]
	fmt.Printf("%-6s %5d %9.1f %9.1f %9.1f %11.1f  %s (%dx%d, %d scans, %d frames)\n", name, len(ms), q(0.5), q(0.99), top.info.WorkMP(),
		float64(maxBytes)/(1<<20), top.file, top.info.Width, top.info.Height, top.info.Scans, top.info.Frames)
}
