package review

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/valyala/fasthttp"
	"golang.org/x/net/publicsuffix"

	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
	"github.com/qrgate/qrgate/review/ui"
)

// page is what every template receives.
type page struct {
	Title     string
	Moderator string
	CSRF      string
	Error     string
	Data      any
}

func (s *Service) setCookie(ctx *fasthttp.RequestCtx, name, value string, maxAge time.Duration) {
	c := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(c)
	c.SetKey(name)
	c.SetValue(value)
	c.SetPath("/")
	c.SetHTTPOnly(true)
	c.SetSameSite(fasthttp.CookieSameSiteStrictMode)
	// Secure when the browser reached us over TLS (directly or through a
	// terminating proxy); a plain-HTTP admin listener on loopback must
	// still be able to log in.
	c.SetSecure(ctx.IsTLS() || strings.EqualFold(string(ctx.Request.Header.Peek("X-Forwarded-Proto")), "https"))
	if maxAge < 0 {
		c.SetMaxAge(-1)
		c.SetExpire(fasthttp.CookieExpireDelete)
	} else {
		c.SetMaxAge(int(maxAge.Seconds()))
	}
	ctx.Response.Header.SetCookie(c)
}

func (s *Service) render(ctx *fasthttp.RequestCtx, status int, name string, p page) {
	ctx.SetStatusCode(status)
	ctx.SetContentType("text/html; charset=utf-8")
	if err := s.tpl.Render(ctx, name, p); err != nil {
		s.log.Error("review page", "page", name, "err", err)
		ctx.ResetBody()
		ctx.SetStatusCode(fasthttp.StatusInternalServerError)
		ctx.SetContentType("text/plain; charset=utf-8")
		ctx.SetBodyString("internal error\n")
	}
}

// serveUI routes /ui/…. Everything but the login form and the static
// assets needs a session.
func (s *Service) serveUI(ctx *fasthttp.RequestCtx, path string) {
	switch {
	case strings.HasPrefix(path, "/ui/static/"):
		s.serveStatic(ctx, strings.TrimPrefix(path, "/ui/static/"))
		return
	case path == "/ui/login":
		s.pageLogin(ctx)
		return
	}
	name, sess, err := s.session(ctx)
	switch {
	case errors.Is(err, errNoSession) && (ctx.IsGet() || ctx.IsHead()):
		ctx.Redirect("/ui/login", fasthttp.StatusSeeOther)
		return
	case errors.Is(err, errNoSession):
		s.m.authFailures.Inc()
		s.pageError(ctx, "", "", fasthttp.StatusUnauthorized, "Your session has ended: log in again.")
		return
	case err != nil:
		e := s.errorOf(err)
		s.log.Error("review page", "path", path, "err", err)
		s.pageError(ctx, "", "", e.Status, e.Message)
		return
	}
	csrf := s.mods().csrf(name, sess)
	if ctx.IsPost() && !s.mods().checkCSRF(name, sess, string(ctx.PostArgs().Peek("csrf"))) {
		s.pageError(ctx, name, csrf, fasthttp.StatusForbidden, "The form had expired (CSRF check failed): reload the page and try again.")
		return
	}
	switch {
	case (path == "/ui" || path == "/ui/") && ctx.IsGet():
		err = s.pageQueue(ctx, name, csrf)
	case path == "/ui/logout" && ctx.IsPost():
		// Ended in the store first: a copy of the cookie (another tab,
		// another replica, a thief) must stop working too.
		if err = s.endSession(sess); err == nil {
			s.setCookie(ctx, sessionCookie, "", -1)
			s.log.Info("review logout", "moderator", name)
			ctx.Redirect("/ui/login", fasthttp.StatusSeeOther)
		}
	case path == "/ui/bulk" && ctx.IsPost():
		err = s.pageBulk(ctx, name, csrf)
	case path == "/ui/audit" && ctx.IsGet():
		err = s.pageAudit(ctx, name, csrf)
	case strings.HasPrefix(path, "/ui/items/") && strings.HasSuffix(path, "/decision") && ctx.IsPost():
		err = s.pageDecide(ctx, name, csrf, strings.TrimSuffix(strings.TrimPrefix(path, "/ui/items/"), "/decision"))
	case strings.HasPrefix(path, "/ui/items/") && ctx.IsGet():
		err = s.pageItem(ctx, name, csrf, strings.TrimPrefix(path, "/ui/items/"), "", fasthttp.StatusOK)
	case strings.HasPrefix(path, "/ui/payloads/") && ctx.IsGet():
		err = s.pagePayload(ctx, name, csrf, strings.TrimPrefix(path, "/ui/payloads/"))
	default:
		err = apierror.NotFound("No such page.")
	}
	if err != nil {
		e := s.errorOf(err)
		if e.Status >= 500 {
			s.log.Error("review page", "path", path, "err", err)
		}
		s.pageError(ctx, name, csrf, e.Status, e.Message)
	}
}

func (s *Service) pageError(ctx *fasthttp.RequestCtx, name, csrf string, status int, msg string) {
	if status == fasthttp.StatusServiceUnavailable {
		ctx.Response.Header.Set("Retry-After", retryAfterSeconds(s.retryAfter))
	}
	s.render(ctx, status, "queue.html", page{Title: "Error", Moderator: name, CSRF: csrf, Error: msg, Data: queueView{}})
}

// retryAfterSeconds is d as a Retry-After value (whole seconds, at least 1).
func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(max(1, int((d+time.Second-1)/time.Second)))
}

func (s *Service) serveStatic(ctx *fasthttp.RequestCtx, name string) {
	b, ct, ok := ui.Static(name)
	if !ok {
		ctx.SetStatusCode(fasthttp.StatusNotFound)
		return
	}
	ctx.Response.Header.Set("Cache-Control", "private, max-age=300")
	ctx.SetContentType(ct)
	ctx.SetBody(b)
}

func (s *Service) pageLogin(ctx *fasthttp.RequestCtx) {
	if ctx.IsPost() {
		nonce := string(ctx.Request.Header.Cookie(loginCookie))
		if nonce == "" || string(ctx.PostArgs().Peek("csrf")) != nonce {
			s.loginForm(ctx, fasthttp.StatusForbidden, "The login form had expired: try again.")
			return
		}
		name, err := s.checkToken(ctx, presentedToken(string(ctx.PostArgs().Peek("token"))))
		if err != nil {
			e := s.errorOf(err)
			msg := "That token is not a moderator's."
			if e.Status == fasthttp.StatusTooManyRequests {
				ctx.Response.Header.Set("Retry-After", retryAfterSeconds(e.RetryAfter))
				msg = "Too many wrong tokens from here: wait " + retryAfterSeconds(e.RetryAfter) + " s and try again."
			} else {
				s.log.Warn("review login refused", "remote", ctx.RemoteAddr().String())
			}
			s.loginForm(ctx, e.Status, msg)
			return
		}
		cookie, err := s.newSession(name)
		if err != nil {
			e := s.errorOf(err)
			s.log.Error("review login: session not stored", "moderator", name, "err", err)
			ctx.Response.Header.Set("Retry-After", retryAfterSeconds(s.retryAfter))
			s.loginForm(ctx, e.Status, "The review store is unavailable: try again shortly.")
			return
		}
		s.setCookie(ctx, loginCookie, "", -1)
		s.setCookie(ctx, sessionCookie, cookie, sessionTTL)
		s.setCookie(ctx, deviceCookie, s.mods().deviceValue(name, s.now().Add(deviceTTL)), deviceTTL)
		s.log.Info("review login", "moderator", name)
		ctx.Redirect("/ui/?status=pending", fasthttp.StatusSeeOther)
		return
	}
	if !ctx.IsGet() && !ctx.IsHead() {
		ctx.Response.Header.Set("Allow", "GET, HEAD, POST") // an HTML page: no JSON error body
		ctx.SetStatusCode(fasthttp.StatusMethodNotAllowed)
		return
	}
	s.loginForm(ctx, fasthttp.StatusOK, "")
}

func (s *Service) loginForm(ctx *fasthttp.RequestCtx, status int, msg string) {
	nonce := randomToken()
	s.setCookie(ctx, loginCookie, nonce, time.Hour)
	s.render(ctx, status, "login.html", page{Title: "Log in", CSRF: nonce, Error: msg})
}

type countView struct {
	Status store.Status
	N      int
	URL    string
	Active bool
}

type optView struct {
	Value    string
	Selected bool
}

type queueView struct {
	Filter     store.Filter
	Filtered   bool
	Counts     []countView
	Statuses   []optView
	Categories []optView
	Orders     []optView
	Rows       []queueRow
	NextURL    string
	FirstURL   string
	// Bulk is what the bulk decision just made did, row by row.
	Bulk *bulkView
	// Query is the queue's filter as a query string, which the bulk form
	// posts back so that its answer shows the same queue.
	Query string
}

// queueRow is a queue row: the summary, how long it has waited, and its
// images' thumbnails.
type queueRow struct {
	store.Summary
	Age    string
	Thumbs []thumbView
	More   int // images not shown in the row
}

type thumbView struct {
	store.ThumbRef
	URL string
}

// rowThumbSide is the thumbnail size a queue row asks for: the smallest
// the thumbnailer makes (a row shows them at 56 px, 4× for a zoomed or
// dense screen).
const rowThumbSide = 256

func newRow(sm store.Summary, now time.Time) queueRow {
	r := queueRow{Summary: sm, Age: age(now.Sub(sm.ScannedAt)), More: sm.Images - len(sm.Thumbs)}
	for _, th := range sm.Thumbs {
		r.Thumbs = append(r.Thumbs, thumbView{ThumbRef: th, URL: fmt.Sprintf("/v1/images/%s?w=%d", th.SHA256, rowThumbSide)})
	}
	return r
}

// age says how long an item has waited, as a moderator reads it at a
// glance: "45 s", "12 min", "3 h 05 min", "2 d 4 h".
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "0 s"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h %02d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%d d %d h", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// queueURL is /ui/ with f's filters (and a cursor when cursor > 0). The
// order is named only when it is not the status's default.
func queueURL(f store.Filter, cursor int64) string {
	v := url.Values{}
	for k, x := range map[string]string{"status": string(f.Status), "category": f.Category, "seller_id": f.SellerID} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if f.Oldest != (f.Status == store.Pending) {
		v.Set("order", orderName(f.Oldest))
	}
	if cursor > 0 {
		v.Set("cursor", strconv.FormatInt(cursor, 10))
	}
	if len(v) == 0 {
		return "/ui/"
	}
	return "/ui/?" + v.Encode()
}

func orderName(oldest bool) string {
	if oldest {
		return orderOldest
	}
	return orderNewest
}

// categoryOptions are the filter's choices: the categories of the policy
// in force (and too_many_findings, which the scan adds itself), sorted,
// plus the one asked for when the policy no longer has it (older items
// may carry it).
func (s *Service) categoryOptions(selected string) []optView {
	var names []string
	if s.policy != nil {
		if pol := s.policy(); pol != nil {
			for c := range pol.Categories() {
				names = append(names, c)
			}
		}
	}
	names = append(names, policy.CategoryTooManyFindings)
	if selected != "" && !slices.Contains(names, selected) {
		names = append(names, selected)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	out := make([]optView, 0, len(names))
	for _, c := range names {
		out = append(out, optView{Value: c, Selected: c == selected})
	}
	return out
}

func (s *Service) pageQueue(ctx *fasthttp.RequestCtx, name, csrf string) error {
	f, p, counts, err := s.queue(ctx)
	if err != nil {
		return err
	}
	s.render(ctx, fasthttp.StatusOK, "queue.html", s.queuePage(f, p, counts, name, csrf))
	return nil
}

// queuePage is the queue page's data for a page of the queue.
func (s *Service) queuePage(f store.Filter, p store.Page, counts map[store.Status]int, name, csrf string) page {
	v := queueView{Filter: f, Filtered: f.Category != "" || f.SellerID != "",
		Categories: s.categoryOptions(f.Category),
		Orders:     []optView{{Value: orderOldest, Selected: f.Oldest}, {Value: orderNewest, Selected: !f.Oldest}}}
	now := s.now()
	for _, sm := range p.Items {
		v.Rows = append(v.Rows, newRow(sm, now))
	}
	for _, st := range store.Statuses {
		g := f
		g.Status, g.Oldest = st, st == store.Pending
		v.Counts = append(v.Counts, countView{Status: st, N: counts[st], URL: queueURL(g, 0), Active: f.Status == st})
		v.Statuses = append(v.Statuses, optView{Value: string(st), Selected: f.Status == st})
	}
	if p.Next > 0 {
		v.NextURL = queueURL(f, p.Next)
	}
	v.Query = strings.TrimPrefix(queueURL(f, 0), "/ui/")
	if len(p.Items) > 0 {
		v.FirstURL = fmt.Sprintf("/ui/items/%d", p.Items[0].ID)
	}
	title := "Queue"
	if f.Status != "" {
		title = fmt.Sprintf("%s (%d)", f.Status, counts[f.Status])
	}
	return page{Title: title, Moderator: name, CSRF: csrf, Data: v}
}

type overlayView struct {
	N              int
	Points         string
	Line           bool
	Action         policy.Action
	LabelX, LabelY int
	FontSize       int
}

type imageView struct {
	Ref store.ImageRef
	URL string
	// Preview is the screen-sized thumbnail the page shows (the original
	// opens on demand): a 4000 px upload is not sent to draw 500 px.
	Preview string
	// Draw: the image is drawn with its outlines; otherwise the preview
	// alone (an image the scan could not read has no codes to outline,
	// and its thumbnail is a placeholder naming why).
	Draw     bool
	Overlays []overlayView
}

// previewSide is the preview's long side: sharp at 2× on the page's
// 560 px column and at the first steps of zoom.
const previewSide = 1600

type findingView struct {
	N      int
	F      policy.Finding
	Where  string
	Spread store.Spread
	// ImageError is why the finding's image could not be read, for an
	// IMAGE_ERROR finding (its payload is empty by contract).
	ImageError *store.ImageError
	// Domain is the registrable domain of a link's host ("example.co.uk"
	// for https://shop.example.co.uk/x), "" for other payloads.
	Domain string
}

// registrableDomain is the payload's registrable domain (eTLD+1 by the
// public suffix list) when it is a link with a host, or "".
func registrableDomain(payload string) string {
	u, err := url.Parse(strings.TrimSpace(payload))
	if err != nil || u.Host == "" {
		return ""
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(u.Hostname()))
	if err != nil {
		return ""
	}
	return d
}

type textView struct {
	Index    int
	Segments []ui.Segment
	Hidden   int // bytes of the text the page does not show
}

type itemView struct {
	Item     *store.Item
	Images   []imageView
	Findings []findingView
	Pages    findingPages
	Texts    []textView
	// Truncated says what the item was stored without, and why ("" when
	// it was stored whole).
	Truncated string
	History   []store.Summary
	NextURL   string
	Decided   bool
	// ClaimedBy is another moderator's claim on the item, when one holds
	// it (the page says so; the item stays readable and decidable).
	ClaimedBy *store.Claim
}

// findingsPerPage is how many findings the item page lists at once: a
// listing may carry thousands (50 per text, 64 texts), and each row needs
// its identifier's spread.
const findingsPerPage = 100

// pageTextBytes bounds the text the item page shows: as much as an
// over-quota item keeps. The API has the whole texts.
const pageTextBytes = store.MaxTruncatedText

// findingPages is where the item page stands in the findings: showing
// findings First to Last (1-based) of Total.
type findingPages struct {
	Page, Pages        int
	First, Last, Total int
	PrevURL, NextURL   string
}

// findingsPage reads the page of findings asked for (?findings=N, from 1)
// and returns it with the range of findings it shows.
func findingsPage(ctx *fasthttp.RequestCtx, id int64, total int) (findingPages, error) {
	p := findingPages{Page: 1, Pages: max(1, (total+findingsPerPage-1)/findingsPerPage), Total: total}
	if a := ctx.QueryArgs().Peek("findings"); len(a) > 0 {
		n, err := strconv.Atoi(string(a))
		if err != nil || n < 1 || n > p.Pages {
			return p, badRequest("findings page %q: want 1 to %d", a, p.Pages)
		}
		p.Page = n
	}
	p.First, p.Last = (p.Page-1)*findingsPerPage+1, min(total, p.Page*findingsPerPage)
	if p.Page > 1 {
		p.PrevURL = fmt.Sprintf("/ui/items/%d?findings=%d", id, p.Page-1)
	}
	if p.Page < p.Pages {
		p.NextURL = fmt.Sprintf("/ui/items/%d?findings=%d", id, p.Page+1)
	}
	return p, nil
}

// buildItemView turns an item into what item.html shows: overlays per
// image in the image's own pixel coordinates, the page's findings numbered
// from 1 across pages, and texts cut into highlighted spans (at most
// pageTextBytes of them).
func buildItemView(it *itemJSON, pages findingPages) itemView {
	v := itemView{Item: it.Item, History: it.SellerHistory, Decided: it.Status != store.Pending, Pages: pages,
		Truncated: truncationNote(it.Truncated)}
	for i := pages.First - 1; i >= 0 && i < pages.Last; i++ {
		f := it.Findings[i]
		where := fmt.Sprintf("image %d", f.Image)
		switch {
		case f.Category == policy.CategoryTooManyFindings:
			where = fmt.Sprintf("text %d: %d more findings not listed", f.Text, f.Count)
		case f.Source == policy.SourceText:
			where = fmt.Sprintf("text %d [%d:%d]", f.Text, f.Start, f.End)
		case f.Frame > 0:
			where += fmt.Sprintf(" frame %d", f.Frame)
		}
		fv := findingView{N: i + 1, F: f, Where: where, Spread: it.Spread[f.Identifier], Domain: registrableDomain(f.Payload)}
		if f.Symbology == symbology.IMAGE_ERROR {
			fv.ImageError = imageErrorOf(it.Images, f.Image)
		}
		v.Findings = append(v.Findings, fv)
	}
	for _, im := range it.Images {
		// A cut-short scan (timeout) read codes worth outlining; any other
		// error means the browser cannot draw the image either (a
		// 20000×20000 upload showed as a blank box).
		iv := imageView{Ref: im.ImageRef, URL: im.URL, Preview: fmt.Sprintf("%s?w=%d", im.URL, previewSide),
			Draw: im.Width > 0 && im.Height > 0 && (im.Error == nil || im.Error.Code == "timeout")}
		font := max(12, min(im.Width, im.Height)/18)
		for i, f := range it.Findings {
			if f.Source == policy.SourceText || f.Image != im.Index || len(f.Corners) < 2 {
				continue
			}
			lx, ly := f.Corners[0][0], f.Corners[0][1]
			for _, c := range f.Corners {
				lx, ly = min(lx, c[0]), min(ly, c[1])
			}
			iv.Overlays = append(iv.Overlays, overlayView{
				N: i + 1, Points: ui.Points(f.Corners), Line: len(f.Corners) < 3, Action: f.Action,
				LabelX: lx + 2, LabelY: max(font, ly-4), FontSize: font,
			})
		}
		v.Images = append(v.Images, iv)
	}
	budget := pageTextBytes
	for ti, text := range it.Texts {
		shown := text[:min(len(text), budget)]
		for len(shown) > 0 && len(shown) < len(text) && !utf8.RuneStart(text[len(shown)]) {
			shown = shown[:len(shown)-1]
		}
		budget -= len(shown)
		var spans []ui.Span
		for i, f := range it.Findings {
			if f.Source == policy.SourceText && f.Text == ti {
				spans = append(spans, ui.Span{Start: f.Start, End: f.End, N: i + 1, Category: f.Category})
			}
		}
		v.Texts = append(v.Texts, textView{Index: ti, Segments: ui.Highlight(shown, spans), Hidden: len(text) - len(shown)})
	}
	return v
}

// imageErrorOf is image idx's scan error, or nil.
func imageErrorOf(images []imageJSON, idx int) *store.ImageError {
	for _, im := range images {
		if im.Index == idx {
			return im.Error
		}
	}
	return nil
}

// quotaNames say which quota refused, for a moderator.
var quotaNames = map[string]string{
	store.OverSellerQuota: "the seller's storage quota was full",
	store.OverClientQuota: "the sending client's storage quota was full",
	store.StoreFull:       "the review store was full",
}

// truncationNote says what an over-quota item was stored without and why.
func truncationNote(tr *store.Truncation) string {
	if tr == nil {
		return ""
	}
	var parts []string
	if tr.TextBytes > 0 {
		parts = append(parts, fmt.Sprintf("%d bytes of its texts (each text keeps its start, %d bytes in all)", tr.TextBytes, store.MaxTruncatedText))
	}
	if tr.Images > 0 {
		parts = append(parts, fmt.Sprintf("the bytes of %d image(s)", tr.Images))
	}
	left := strings.Join(parts, " and ")
	if left == "" {
		left = "nothing it needed (its texts fit in what an over-quota listing keeps)"
	}
	why, ok := quotaNames[tr.Reason]
	if !ok {
		why = "a quota"
	}
	return fmt.Sprintf("Stored without %s: %s (%s). Its verdict and findings are whole.", left, why, tr.Reason)
}

func (s *Service) pageItem(ctx *fasthttp.RequestCtx, name, csrf, seg, msg string, status int) error {
	id, err := parseID(seg)
	if err != nil {
		return err
	}
	var pages findingPages
	it, err := s.itemContext(ctx, id, func(n int) (int, int, error) {
		pages, err = findingsPage(ctx, id, n)
		return pages.First - 1, pages.Last, err
	})
	if err != nil {
		return err
	}
	v := buildItemView(it, pages)
	if v.ClaimedBy, err = s.claim(id, name, it.Status); err != nil {
		return err
	}
	next, err := s.nextPending(ctx, id, name)
	if err != nil {
		return err
	}
	if next > 0 {
		v.NextURL = fmt.Sprintf("/ui/items/%d", next)
	}
	s.render(ctx, status, "item.html", page{Title: "Listing " + it.ListingID, Moderator: name, CSRF: csrf, Error: msg, Data: v})
	return nil
}

// claim holds a pending item for the moderator who opens it, for
// store.ClaimTTL, so that "next pending" sends the others elsewhere. It
// returns another moderator's claim that is in the way, if any.
func (s *Service) claim(id int64, moderator string, status store.Status) (*store.Claim, error) {
	if status != store.Pending {
		return nil, nil
	}
	sctx, cancel := storeContext()
	defer cancel()
	now := s.now()
	c, err := s.st.Claim(sctx, id, moderator, now, now.Add(store.ClaimTTL))
	var ce *store.ClaimedError
	switch {
	case errors.As(err, &ce):
		return &c, nil
	case errors.Is(err, store.ErrAlreadyDecided):
		return nil, nil // decided since it was read: the page shows it pending one last time
	}
	return nil, err
}

// nextPending is the pending item after id in queue order (oldest first:
// the next newer one), or the oldest pending one when id was the newest,
// skipping items another moderator has claimed; 0 when none other is
// pending.
func (s *Service) nextPending(ctx *fasthttp.RequestCtx, id int64, moderator string) (int64, error) {
	sctx, cancel := storeContext()
	defer cancel()
	f := store.Filter{Status: store.Pending, Oldest: true, Cursor: id, Limit: 1, Now: s.now(), SkipClaimed: true, Moderator: moderator}
	p, err := s.st.List(sctx, f)
	if err != nil {
		return 0, err
	}
	if len(p.Items) == 0 {
		f.Cursor, f.Limit = 0, 2
		if p, err = s.st.List(sctx, f); err != nil {
			return 0, err
		}
	}
	for _, it := range p.Items {
		if it.ID != id {
			return it.ID, nil
		}
	}
	return 0, nil
}

func (s *Service) pageDecide(ctx *fasthttp.RequestCtx, name, csrf, seg string) error {
	id, err := parseID(seg)
	if err != nil {
		return err
	}
	args := ctx.PostArgs()
	req := decisionRequest{
		Decision: string(args.Peek("decision")),
		Note:     string(args.Peek("note")),
		Override: string(args.Peek("override")) == "true",
	}
	if _, err := s.decide(id, name, req); err != nil {
		e := s.errorOf(err)
		status, msg := e.Status, e.Message
		if errors.Is(err, store.ErrAlreadyDecided) {
			msg = "Someone already decided this item (shown below). Tick “override” to change it."
		}
		if status == fasthttp.StatusNotFound || status >= 500 {
			return err
		}
		return s.pageItem(ctx, name, csrf, seg, msg, status)
	}
	next, err := s.nextPending(ctx, id, name)
	if err != nil {
		return err
	}
	if next > 0 {
		ctx.Redirect(fmt.Sprintf("/ui/items/%d", next), fasthttp.StatusSeeOther)
	} else {
		ctx.Redirect("/ui/?status=pending", fasthttp.StatusSeeOther)
	}
	return nil
}

type payloadView struct {
	Identifier string
	Spread     store.Spread
	Items      []store.Summary
	NextURL    string
}

func (s *Service) pagePayload(ctx *fasthttp.RequestCtx, name, csrf, seg string) error {
	ident, spread, p, err := s.payloadListings(ctx, seg)
	if err != nil {
		return err
	}
	v := payloadView{Identifier: ident, Spread: spread, Items: p.Items}
	if p.Next > 0 {
		v.NextURL = "/ui/payloads/" + url.PathEscape(ident) + "?cursor=" + strconv.FormatInt(p.Next, 10)
	}
	s.render(ctx, fasthttp.StatusOK, "payload.html", page{Title: "Payload " + ident, Moderator: name, CSRF: csrf, Data: v})
	return nil
}

type auditView struct {
	Entries []store.AuditEntry
	NextURL string
}

func (s *Service) pageAudit(ctx *fasthttp.RequestCtx, name, csrf string) error {
	sctx, cancel := storeContext()
	defer cancel()
	f, err := filterFrom(ctx.QueryArgs())
	if err != nil {
		return err
	}
	entries, err := s.st.Audit(sctx, f.Cursor, f.EffectiveLimit())
	if err != nil {
		return err
	}
	v := auditView{Entries: entries}
	if len(entries) == f.EffectiveLimit() {
		v.NextURL = "/ui/audit?cursor=" + strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	s.render(ctx, fasthttp.StatusOK, "audit.html", page{Title: "Audit log", Moderator: name, CSRF: csrf, Data: v})
	return nil
}
