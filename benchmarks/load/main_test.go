package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
		{"-texts", "-texts-file", "x"},
		{},
	} {
		if code := run(args, nil, discard{}); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestTextsFile keeps the allow-labelled (and unlabelled) lines only, each
// as one listing carrying its text unchanged.
func TestTextsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cases.jsonl")
	lines := `{"id":"a","text":"全新耳机，包邮","verdict":"allow"}
{"id":"b","text":"加V abc_123456","verdict":"block"}

{"id":"c","text":"Barely used, original box"}
`
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	reqs, err := textFileRequests(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (the allow line and the unlabelled one)", len(reqs))
	}
	if !strings.Contains(string(reqs[0].body), "全新耳机，包邮") || !strings.Contains(string(reqs[1].body), "original box") {
		t.Errorf("bodies %s / %s do not carry the texts", reqs[0].body, reqs[1].body)
	}
	if err := os.WriteFile(path, []byte("{not json\n"), 0o644); err == nil {
		if _, err := textFileRequests(path); err == nil || !strings.Contains(err.Error(), ":1:") {
			t.Errorf("a bad line: err=%v, want one naming line 1", err)
		}
	}
}
