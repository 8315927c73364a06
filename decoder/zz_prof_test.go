package decoder

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func BenchmarkZZCorpus(b *testing.B) {
	files, _ := filepath.Glob("/work/shared/corpus/images/*.*")
	var datas [][]byte
	for _, f := range files {
		if filepath.Ext(f) == ".jsonl" {
			continue
		}
		d, _ := os.ReadFile(f)
		datas = append(datas, d)
	}
	dec := New(Config{Budget: time.Hour})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range datas {
			dec.Decode(context.Background(), d)
		}
	}
}
