package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

// row is one reader's figures on one subset: medians over the rounds.
type row struct {
	name             string
	scored           bool
	images           int
	report           scoring.ImageReport // of the round with the median CPU
	readMin, readMax int
	wall, cpu        time.Duration
	perImage         []float64 // pooled over rounds
	perImageCPU      bool
	restarts         int
	wasm             bool
}

func summarize(r reader, ms []measurement) row {
	w := row{name: r.name, scored: r.scored, readMin: math.MaxInt, wasm: r.wasm}
	var walls, cpus []float64
	for _, m := range ms {
		walls = append(walls, float64(m.usage.Wall))
		cpus = append(cpus, float64(m.usage.CPU))
		w.readMin, w.readMax = min(w.readMin, m.report.Read), max(w.readMax, m.report.Read)
		w.perImage = append(w.perImage, m.report.PerImageMS...)
		w.perImageCPU = m.report.PerImageIsCPU
		w.restarts += m.restarts
	}
	w.wall = time.Duration(scoring.Percentile(walls, 50))
	w.cpu = time.Duration(scoring.Percentile(cpus, 50))
	for _, m := range ms {
		if m.usage.CPU == w.cpu {
			w.report = m.report
		}
	}
	w.images = w.report.Images
	return w
}

func writeTables(out io.Writer, o options, rs []reader, subsets []subset, res results) {
	p := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	p("# compare: %s", o.corpus)
	p("")
	p("%d rounds, readers alternating, one process per reader per subset; medians of whole-process runs. "+
		"CPU = user+sys of the reader's process(es); %d CPUs, %s/%s, %s.", o.rounds, runtime.NumCPU(),
		runtime.GOOS, runtime.GOARCH, runtime.Version())
	for si, s := range subsets {
		rows := make([]row, len(rs))
		for ri, r := range rs {
			rows[ri] = summarize(r, res[si][ri])
		}
		p("")
		p("## %s: %d images (%d coded, %d clean)", s.name, len(s.cases), rows[0].report.Coded, rows[0].report.Clean)
		p("")
		writeRows(out, rows)
		if si == 0 {
			writeTagTable(out, rows)
			writeBinTables(out, rows)
		}
	}
	p("")
	p("Per-image ms: CPU time the reader measured around each image (gozxing-naive, floor, zxing-wasm, WeChat), " +
		"or qrgate's elapsed_ms (wall, while sharing the cores with its other workers); – where the reader reports none. " +
		"CPU vs naive: reader CPU ÷ gozxing-naive CPU (lower is cheaper); throughput vs naive: its inverse; " +
		"CPU vs zxing-wasm: reader CPU ÷ zxing-wasm CPU on the same subset. " +
		"zxing-cpp 1.4 and zxing-wasm read PNG copies of WebP files (converted before timing). " +
		"A reader that dies on a file is restarted after it and the file counts as unread.")
}

func writeRows(out io.Writer, rows []row) {
	wasm := time.Duration(0)
	for _, w := range rows {
		if w.wasm {
			wasm = w.cpu
		}
	}
	fmt.Fprintln(out, "| reader | recall (coded, all payloads) | false positives (clean) | extra reads | wall s | CPU s | CPU ms/image | per-image ms p50 / p99 | images/CPU-s | CPU vs naive | throughput vs naive | CPU vs zxing-wasm |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	base := rows[0].cpu // gozxing-naive is always the first reader
	for _, w := range rows {
		u := scoring.Usage{Wall: w.wall, CPU: w.cpu}
		fmt.Fprintf(out, "| %s | %s | %s | %s | %.2f | %.2f | %.1f | %s | %.1f | %s | %s | %s |\n",
			w.name+restartNote(w), recallCell(w), fpCell(w), extrasCell(w), w.wall.Seconds(), w.cpu.Seconds(),
			u.CPUPerInput(w.images), perImageCell(w), u.InputsPerCPUSecond(w.images),
			ratio(float64(w.cpu), float64(base)), ratio(float64(base), float64(w.cpu)), ratio(float64(w.cpu), float64(wasm)))
	}
}

func restartNote(w row) string {
	if w.restarts == 0 {
		return ""
	}
	return fmt.Sprintf(" (restarted %d× over all rounds after crashes)", w.restarts)
}

func recallCell(w row) string {
	if !w.scored || w.report.Coded == 0 {
		return "–"
	}
	s := scoring.Ratio(w.report.Read, w.report.Coded)
	if w.readMin != w.readMax {
		s += fmt.Sprintf(" (%d–%d across rounds)", w.readMin, w.readMax)
	}
	return s
}

func fpCell(w row) string {
	if !w.scored || w.report.Clean == 0 {
		return "–"
	}
	return fmt.Sprintf("%d/%d", w.report.FalsePositives, w.report.Clean)
}

func extrasCell(w row) string {
	if !w.scored || w.report.Coded == 0 {
		return "–"
	}
	return fmt.Sprint(w.report.Extras)
}

func perImageCell(w row) string {
	if len(w.perImage) == 0 {
		return "–"
	}
	kind := "wall"
	if w.perImageCPU {
		kind = "CPU"
	}
	return fmt.Sprintf("%s / %s (%s)", scoring.FormatMS(scoring.Percentile(w.perImage, 50)),
		scoring.FormatMS(scoring.Percentile(w.perImage, 99)), kind)
}

func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// writeTagTable prints per-tag recall like PEERS.md: for each tag group,
// the coded images carrying it and how many each reader read fully.
func writeTagTable(out io.Writer, rows []row) {
	scored := scoredRows(rows)
	n := map[string]int{}
	read := make([]map[string]int, len(scored))
	for i, w := range scored {
		read[i] = map[string]int{}
		for _, t := range w.report.Tags {
			if t.Coded > 0 {
				n[t.Tag] = t.Coded
				read[i][t.Tag] = t.Read
			}
		}
	}
	tags := make([]string, 0, len(n))
	for t := range n {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	names := rowNames(scored)
	fmt.Fprintln(out, "\nper-tag recall (coded images carrying the tag, every payload read):")
	fmt.Fprintln(out)
	fmt.Fprintf(out, "| tag | n | %s |\n", strings.Join(names, " | "))
	fmt.Fprintf(out, "|---|---|%s\n", strings.Repeat("---|", len(names)))
	for _, t := range tags {
		cells := make([]string, len(scored))
		for i := range scored {
			cells[i] = fmt.Sprint(read[i][t])
		}
		fmt.Fprintf(out, "| %s | %d | %s |\n", t, n[t], strings.Join(cells, " | "))
	}
}

// writeBinTables prints recall per bin for every reader (the coded images
// in the bin, read when every code of theirs in it was), then false
// positives per image-wide bin on the clean images, from the bins the
// manifest carries (benchmarks/synth's, or benchmarks/samples' folders).
func writeBinTables(out io.Writer, rows []row) {
	scored := scoredRows(rows)
	if len(scored) == 0 || len(scored[0].report.Bins) == 0 {
		return
	}
	type key struct{ dim, bin string }
	stats := make([]map[key]scoring.BinStat, len(scored))
	for i, w := range scored {
		stats[i] = map[key]scoring.BinStat{}
		for _, b := range w.report.Bins {
			stats[i][key{b.Dim, b.Bin}] = b
		}
	}
	order := scored[0].report.Bins // every reader scored the same images
	header := func(first string) {
		fmt.Fprintf(out, "| dimension | bin | %s | %s |\n", first, strings.Join(rowNames(scored), " | "))
		fmt.Fprintf(out, "|---|---|---|%s\n", strings.Repeat("---|", len(scored)))
	}
	fmt.Fprintln(out, "\nper-bin recall (coded images in the bin, every code of theirs in it read):")
	fmt.Fprintln(out)
	header("coded")
	for _, b := range order {
		if b.Coded == 0 {
			continue
		}
		cells := make([]string, len(scored))
		for i := range scored {
			cells[i] = fmt.Sprint(stats[i][key{b.Dim, b.Bin}].Read)
		}
		fmt.Fprintf(out, "| %s | %s | %d | %s |\n", b.Dim, b.Bin, b.Coded, strings.Join(cells, " | "))
	}
	var clean []scoring.BinStat
	for _, b := range order {
		if b.Clean > 0 {
			clean = append(clean, b)
		}
	}
	if len(clean) == 0 {
		return
	}
	fmt.Fprintln(out, "\nper-bin false positives (clean images in the bin with any finding):")
	fmt.Fprintln(out)
	header("clean")
	for _, b := range clean {
		cells := make([]string, len(scored))
		for i := range scored {
			cells[i] = fmt.Sprint(stats[i][key{b.Dim, b.Bin}].FalsePositives)
		}
		fmt.Fprintf(out, "| %s | %s | %d | %s |\n", b.Dim, b.Bin, b.Clean, strings.Join(cells, " | "))
	}
}

func scoredRows(rows []row) []row {
	var out []row
	for _, w := range rows {
		if w.scored {
			out = append(out, w)
		}
	}
	return out
}

func rowNames(rows []row) []string {
	names := make([]string, len(rows))
	for i, w := range rows {
		names[i] = w.name
	}
	return names
}
