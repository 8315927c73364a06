package main

import "testing"

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080/v1/scan", true},
		{"http://localhost:8080/v1/scan", true},
		{"http://[::1]:8080/v1/scan", true},
		{"http://10.0.0.1:8080/v1/scan", false},
		{"http://8.8.8.8:80/", false},
		{"https://127.0.0.1:8080/", false},
		{"http://127.0.0.1/", false},
	}
	for _, tt := range tests {
		if err := checkLoopback(tt.url); (err == nil) != tt.ok {
			t.Errorf("%s: err=%v, want ok=%v", tt.url, err, tt.ok)
		}
	}
}

func TestBounds(t *testing.T) {
	for _, args := range [][]string{
		{"-texts", "-n", "0"},
		{"-texts", "-n", "2000000"},
		{"-texts", "-d", "1h"},
		{"-texts", "-c", "0"},
		{"-texts", "-dir", "x"},
		{},
	} {
		if code := run(args, nil, discard{}); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
