package review

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/review/store"
)

// maxBulk bounds the items one bulk decision takes: a page of the queue at
// its largest.
const maxBulk = store.MaxLimit

// bulkView is what a bulk decision did, row by row.
type bulkView struct {
	Decision  string
	Decided   int
	Conflicts int
	Results   []bulkResult
}

// bulkResult is one item's outcome: decided, or the conflict that kept it
// from being decided (already decided, claimed by another moderator, gone).
type bulkResult struct {
	ID        int64
	ListingID string
	OK        bool
	Message   string
}

// pageBulk decides every selected item with one decision and one note:
// each item gets its own decision and audit entry, exactly as if decided
// on its page. An item another moderator decided or holds is left alone
// and reported on its row; the others go through.
func (s *Service) pageBulk(ctx *fasthttp.RequestCtx, name, csrf string) error {
	args := ctx.PostArgs()
	req := decisionRequest{Decision: string(args.Peek("decision")), Note: string(args.Peek("note"))}
	if _, ok := store.StatusOf(req.Decision); !ok {
		return badRequest(`decision %q: want "approve" or "reject"`, req.Decision)
	}
	if len(req.Note) > maxNote {
		return badRequest("note is %d bytes; at most %d", len(req.Note), maxNote)
	}
	raw := args.PeekMulti("id")
	if len(raw) == 0 {
		return badRequest("select at least one item")
	}
	if len(raw) > maxBulk {
		return badRequest("%d items selected; at most %d at once", len(raw), maxBulk)
	}
	ids := make([]int64, 0, len(raw))
	for _, r := range raw {
		id, err := strconv.ParseInt(string(r), 10, 64)
		if err != nil || id <= 0 {
			return badRequest("item %q is not an item id", r)
		}
		ids = append(ids, id)
	}
	v := &bulkView{Decision: req.Decision}
	for _, id := range ids {
		res, err := s.bulkOne(id, name, req)
		if err != nil {
			return err
		}
		if res.OK {
			v.Decided++
		} else {
			v.Conflicts++
		}
		v.Results = append(v.Results, res)
	}
	s.log.Info("review bulk decision", "moderator", name, "decision", req.Decision, "decided", v.Decided, "conflicts", v.Conflicts)
	// The queue the moderator came from, as it is now, with the outcome.
	f, p, counts, err := s.queue(ctx)
	if err != nil {
		return err
	}
	pg := s.queuePage(f, p, counts, name, csrf)
	qv := pg.Data.(queueView)
	qv.Bulk = v
	pg.Data = qv
	s.render(ctx, fasthttp.StatusOK, "queue.html", pg)
	return nil
}

// bulkOne decides one item of a bulk decision. It claims the item first,
// so that an item another moderator has open is reported rather than
// decided under them; conflicts are results, other errors fail the rest.
func (s *Service) bulkOne(id int64, moderator string, req decisionRequest) (bulkResult, error) {
	res := bulkResult{ID: id}
	sctx, cancel := storeContext()
	it, err := s.st.Get(sctx, id)
	cancel()
	if errors.Is(err, store.ErrNotFound) {
		res.Message = "not decided: no longer in the queue"
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.ListingID = it.ListingID
	if d := it.Decision; d != nil {
		res.Message = fmt.Sprintf("not decided: already %s by %s", it.Status, d.Moderator)
		return res, nil
	}
	if c, err := s.claim(id, moderator, it.Status); err != nil {
		return res, err
	} else if c != nil {
		res.Message = fmt.Sprintf("not decided: claimed by %s until %s", c.Moderator, c.Until.UTC().Format("15:04 UTC"))
		return res, nil
	}
	if _, err := s.decide(id, moderator, req); err != nil {
		if errors.Is(err, store.ErrAlreadyDecided) || errors.Is(err, store.ErrNotFound) {
			res.Message = "not decided: decided by someone else a moment ago"
			return res, nil
		}
		return res, err
	}
	res.OK = true
	res.Message = map[string]string{store.Approve: "approved", store.Reject: "rejected"}[req.Decision]
	return res, nil
}
