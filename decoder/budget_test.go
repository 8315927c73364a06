package decoder_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// decoyGIF is issue 22's decoy animation, built once for this package.
var decoyGIF = sync.OnceValue(testfixtures.DecoyGIF)

// maxCharge bounds one charge on the decoy's 894² frames (a region read of
// at most 1024² pixels), so a scan the budget stopped has spent at least
// its budget minus this.
const maxCharge = 5 * decoder.MPass

// TestDecoyGIFCutByWork: the decoy's 48 noise frames cost more work than
// a tenth of the default budget (and than the default): the scan stops
// when the next step does not fit the budget — cut by the work budget, not
// a clock — having read frame 0's code, and says so (Partial, Cut). Where a
// budget reaches the last frame, its WeChat code must be read.
func TestDecoyGIFCutByWork(t *testing.T) {
	data := decoyGIF()
	for _, budget := range []decoder.Work{decoder.DefaultBudget, decoder.DefaultBudget / 10} {
		t.Run(budget.String(), func(t *testing.T) {
			res, err := decoder.New(decoder.Config{Budget: budget}).Decode(context.Background(), data)
			if err != nil {
				t.Fatalf("%v (work %v)", err, res.Work)
			}
			texts := codeTexts(res.Codes)
			if !slices.Contains(texts, testfixtures.DecoyAllowedPayload) {
				t.Errorf("frame 0's code not read: %q", texts)
			}
			if budget < decoder.DefaultBudget && !res.Partial {
				t.Fatalf("a tenth of the default budget scanned all of the decoy (work %v): the test needs a cut", res.Work)
			}
			if !res.Partial {
				if !slices.Contains(texts, testfixtures.DecoyBlockedPayload) {
					t.Errorf("a complete scan without frame 49's code: %q", texts)
				}
				return
			}
			if res.Cut != decoder.CutByBudget {
				t.Errorf("cut by %v, want the work budget", res.Cut)
			}
			if res.Work > budget || res.Work < budget-maxCharge {
				t.Errorf("charged %v of a %v budget: a cut by the budget spends it up to the step that did not fit", res.Work, budget)
			}
		})
	}
}

// TestWorkIsDeterministic: the same bytes under the same budget are cut at
// the same point — the same work charged and the same codes — whether
// decoded alone or beside other decodes, so a verdict never depends on the
// machine's load.
func TestWorkIsDeterministic(t *testing.T) {
	data := decoyGIF()
	dec := decoder.New(decoder.Config{Budget: decoder.DefaultBudget / 10})
	first, err := dec.Decode(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Partial || first.Cut != decoder.CutByBudget {
		t.Fatalf("not cut by the budget (partial %v, cut %v): the test needs a cut", first.Partial, first.Cut)
	}
	var wg sync.WaitGroup
	results := make([]*decoder.Result, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = dec.Decode(context.Background(), data)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.Work != first.Work || r.Cut != first.Cut || !slices.Equal(codeTexts(r.Codes), codeTexts(first.Codes)) {
			t.Errorf("run %d: work %v, cut %v, codes %q; first: work %v, cut %v, codes %q",
				i, r.Work, r.Cut, codeTexts(r.Codes), first.Work, first.Cut, codeTexts(first.Codes))
		}
	}
}

// countdown is a context whose deadline passes after its Err has been
// asked n times: a wall-clock cut at a chosen point of the scan, without a
// clock.
type countdown struct {
	context.Context
	mu sync.Mutex
	n  int
}

func (c *countdown) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n <= 0 {
		return context.DeadlineExceeded
	}
	c.n--
	return nil
}

func (c *countdown) Deadline() (time.Time, bool) { return time.Time{}, false }

// TestDeadlineCutIsNotBudgetCut: a scan the caller's context stops part-way
// is marked cut by the deadline — the wall clock, which callers must not
// cache — not by the work budget, even with codes already found.
func TestDeadlineCutIsNotBudgetCut(t *testing.T) {
	// Let the scan run a while (past frame 0), then pass the deadline.
	ctx := &countdown{Context: context.Background(), n: 2000}
	res, err := decoder.New(decoder.Config{}).Decode(ctx, decoyGIF())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial || res.Cut != decoder.CutByDeadline || res.Work >= decoder.DefaultBudget-maxCharge {
		t.Errorf("partial %v, cut %v, work %v; want partial, cut by the deadline, the budget not spent", res.Partial, res.Cut, res.Work)
	}
	if !slices.Contains(codeTexts(res.Codes), testfixtures.DecoyAllowedPayload) {
		t.Errorf("codes %q: frame 0's code should be read before the cut", codeTexts(res.Codes))
	}
}

func codeTexts(cs []decoder.Code) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Text
	}
	return out
}
