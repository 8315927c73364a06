package scoring

import (
	"math"
	"sort"
	"strconv"
	"time"
)

// Usage is what running a reader cost: wall time and the user+system CPU
// time of the whole process (summed over restarts), as PEERS.md measures.
type Usage struct {
	Wall time.Duration `json:"wall_ns"`
	CPU  time.Duration `json:"cpu_ns"`
}

// Add sums two usages (a reader restarted after a crash).
func (u Usage) Add(v Usage) Usage { return Usage{Wall: u.Wall + v.Wall, CPU: u.CPU + v.CPU} }

// CPUPerInput is CPU milliseconds per input.
func (u Usage) CPUPerInput(n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(u.CPU) / float64(time.Millisecond) / float64(n)
}

// InputsPerCPUSecond is inputs per second of CPU.
func (u Usage) InputsPerCPUSecond(n int) float64 {
	if u.CPU <= 0 {
		return 0
	}
	return float64(n) / u.CPU.Seconds()
}

// Percentile returns the p-th percentile (0–100, nearest rank) of xs, or NaN.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank-1, 0), len(s)-1)]
}

func itoa(i int) string { return strconv.Itoa(i) }
