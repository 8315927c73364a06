package main

import (
	"errors"
	"math"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	noCgroup := func() (uint64, error) { return 0, errors.New("no cgroup limit") }
	cgroup := func(n uint64) func() (uint64, error) { return func() (uint64, error) { return n, nil } }
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name    string
		flag    string
		workers int
		getenv  func(string) string
		cgroup  func() (uint64, error)
		want    int64
		how     string
		wantErr bool
	}{
		{"auto, two workers, no container", "auto", 2, env(), noCgroup, 256 << 20, "workers", false},
		{"empty is auto", "", 4, env(), noCgroup, 448 << 20, "workers", false},
		{"GOMEMLIMIT wins over auto", "auto", 2, env("GOMEMLIMIT", "900MiB"), cgroup(1 << 30), 0, "GOMEMLIMIT", false},
		{"small container lowers it", "auto", 8, env(), cgroup(500 << 20), 450 << 20, "cgroup", false},
		{"big container leaves the worker budget", "auto", 2, env(), cgroup(8 << 30), 256 << 20, "workers", false},
		{"explicit size", "512MiB", 2, env("GOMEMLIMIT", "1GiB"), noCgroup, 512 << 20, "flag", false},
		{"bytes", "1000000", 2, env(), noCgroup, 1000000, "flag", false},
		{"off", "off", 2, env(), cgroup(1 << 30), 0, "off", false},
		{"garbage", "lots", 2, env(), noCgroup, 0, "", true},
		{"negative", "-5MiB", 2, env(), noCgroup, 0, "", true},
		{"overflow", "99999999999TiB", 2, env(), noCgroup, 0, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, how, err := memoryLimit(tc.flag, tc.workers, tc.getenv, tc.cgroup)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want || how != tc.how {
				t.Errorf("got %d (%s), want %d (%s)", got, how, tc.want, tc.how)
			}
		})
	}
}

// TestDecodeMemory: --max-decode-memory wins; otherwise the budget is 3/4
// of the soft memory limit in force (at least 128 MiB), or 128 MiB per
// worker without one.
func TestDecodeMemory(t *testing.T) {
	cases := []struct {
		flag, limit int64
		workers     int
		want        int64
	}{
		{flag: 300 << 20, limit: 256 << 20, workers: 2, want: 300 << 20},
		{limit: 256 << 20, workers: 2, want: 192 << 20},
		{limit: 160 << 20, workers: 1, want: 128 << 20}, // one worker: still the corpus's largest image
		{limit: math.MaxInt64, workers: 3, want: 3 * 128 << 20},
		{limit: 0, workers: 0, want: 128 << 20},
	}
	for _, c := range cases {
		if got := decodeMemory(c.flag, c.limit, c.workers); got != c.want {
			t.Errorf("decodeMemory(%d, %d, %d) = %d, want %d", c.flag, c.limit, c.workers, got, c.want)
		}
	}
}
