package main

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/qrgate/qrgate/gateway"
)

// Memory limit: the Go GC lets the heap grow to twice what is live before
// collecting, and a decode of a 4000-px photo keeps 40–85 MB live (the
// luminance plane and its pyramid, or a progressive JPEG's coefficients).
// Two workers under sustained load therefore reached 341 MiB RSS with the
// GC's defaults, and 237 MiB under a 200 MiB soft limit at 7% fewer images
// per second (docs/operations.md). serve sets a soft limit (runtime/debug's
// SetMemoryLimit) sized by the work it admits, within the container's.

const (
	// memoryBase is the heap of an idle server with its caches warm.
	memoryBase = 64 << 20
	// memoryPerWorker covers one decode of the largest photos the default
	// pixel limit admits at their common sizes (4000 px) plus request bodies
	// waiting for it.
	memoryPerWorker = 96 << 20
	// cgroupShare of a container's memory limit is left to the heap; the
	// rest is for the runtime, stacks and the binary.
	cgroupShare = 0.9
)

// memoryLimit decides the soft heap limit for --memory-limit: "auto" (the
// default), "off", or a size ("512MiB", "1GiB", or bytes). For auto, a
// GOMEMLIMIT in the environment wins (the runtime has applied it); otherwise
// the limit is memoryBase plus memoryPerWorker per decode worker, lowered
// to cgroupShare of the container's limit when cgroup reports one.
// It returns the limit (0: leave the runtime's) and how it was chosen.
func memoryLimit(flag string, workers int, getenv func(string) string, cgroup func() (uint64, error)) (int64, string, error) {
	switch strings.ToLower(strings.TrimSpace(flag)) {
	case "off":
		return 0, "off", nil
	case "", "auto":
	default:
		n, err := parseBytes(flag)
		if err != nil {
			return 0, "", fmt.Errorf("--memory-limit: %w", err)
		}
		return n, "flag", nil
	}
	if getenv("GOMEMLIMIT") != "" {
		return 0, "GOMEMLIMIT", nil
	}
	limit := int64(memoryBase + memoryPerWorker*max(workers, 1))
	if c, err := cgroup(); err == nil && c > 0 && c < math.MaxInt64 {
		if share := int64(float64(c) * cgroupShare); share < limit {
			return share, "cgroup", nil
		}
	}
	return limit, "workers", nil
}

// decodeShare of the soft memory limit is the decode memory budget by
// default: the rest is the idle server, request bodies and the GC's slack.
// minDecodeMemory is the least budget derived from a limit: the largest
// image of the shared corpus (a 13-megapixel progressive JPEG) needs 111
// MiB by its estimate, and must not be too_large with one worker.
const (
	decodeShare     = 0.75
	minDecodeMemory = 128 << 20
)

// decodeMemory is the decode memory budget: the flag's size when given;
// otherwise decodeShare of the soft memory limit in force, at least
// minDecodeMemory (the runtime reports math.MaxInt64 when there is no
// limit), or the gateway's default per worker without a limit.
func decodeMemory(flag, memoryLimit int64, workers int) int64 {
	switch {
	case flag > 0:
		return flag
	case memoryLimit > 0 && memoryLimit < math.MaxInt64:
		return max(int64(float64(memoryLimit)*decodeShare), minDecodeMemory)
	}
	return int64(max(workers, 1)) * gateway.DefaultDecodeMemoryPerWorker
}

var byteUnits = []struct {
	suffix string
	mult   int64
}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"B", 1}}

// parseBytes reads a size the way GOMEMLIMIT writes one: an integer with an
// optional B, KiB, MiB, GiB or TiB suffix.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size (bytes, or a number with KiB, MiB, GiB or TiB)", s)
	}
	return n * mult, nil
}

// byteSize is a flag holding a size ("64MiB", bytes); 0 or "off" is no limit.
type byteSize int64

func (b *byteSize) String() string {
	n := int64(*b)
	for _, u := range byteUnits[:4] {
		if n >= u.mult && n%u.mult == 0 && (n/u.mult < 1024 || u.suffix == "TiB") {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *byteSize) Set(s string) error {
	if t := strings.TrimSpace(s); t == "0" || strings.EqualFold(t, "off") {
		*b = 0
		return nil
	}
	n, err := parseBytes(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

// sizeVar is a flag holding a positive size in bytes, written as bytes or
// with a unit ("32MiB"), for limits that are never off.
type sizeVar[T int | int64] struct{ p *T }

func (v sizeVar[T]) String() string {
	if v.p == nil {
		return ""
	}
	b := byteSize(*v.p)
	return b.String()
}

func (v sizeVar[T]) Set(s string) error {
	n, err := parseBytes(s)
	if err != nil {
		return err
	}
	if int64(T(n)) != n {
		return fmt.Errorf("%q is too large", s)
	}
	*v.p = T(n)
	return nil
}

// sizeFlag defines a size flag over p with the default def.
func sizeFlag[T int | int64](fs *flag.FlagSet, p *T, name string, def T, usage string) {
	*p = def
	fs.Var(sizeVar[T]{p}, name, usage)
}
