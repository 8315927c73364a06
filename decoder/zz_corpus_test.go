package decoder

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestZZCorpus(t *testing.T) {
	out := os.Getenv("ZZOUT")
	if out == "" {
		t.Skip()
	}
	files, _ := filepath.Glob("/work/shared/corpus/images/*.*")
	dec := New(Config{Budget: time.Hour})
	lines := make([][]byte, len(files))
	var wg sync.WaitGroup
	ch := make(chan int)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				data, _ := os.ReadFile(files[i])
				st := time.Now()
				res, err := dec.Decode(context.Background(), data)
				var fs []map[string]any
				partial := false
				if err == nil {
					partial = res.Partial
					for _, c := range res.Codes {
						fs = append(fs, map[string]any{"payload": c.Text, "symbology": c.Symbology, "corners": c.Corners})
					}
				}
				if fs == nil {
					fs = []map[string]any{}
				}
				lines[i], _ = json.Marshal(map[string]any{"file": files[i], "findings": fs, "elapsed_ms": float64(time.Since(st).Microseconds()) / 1000, "partial": partial, "width": 0})
			}
		}()
	}
	for i := range files {
		ch <- i
	}
	close(ch)
	wg.Wait()
	f, _ := os.Create(out)
	for _, l := range lines {
		f.Write(append(l, '\n'))
	}
	f.Close()
}
