package web

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/mapping"
	"kuulu/internal/polis"
	"kuulu/internal/polis/opendata"
	"kuulu/internal/store"
)

// The report of a conversation: per opinion group its size and its
// representative statements with agree/disagree/pass bars, the consensus
// statements, the divisive ones, the statement table (filtered, sorted and
// paged), participation over time, and the downloads (the whole statement table
// as CSV, the open-data export as a zip, and for coordinators a group's or
// the consensus statements as a summary). The public sees it once the
// conversation has closed or the coordinator has opened it; coordinators
// always.
//
// Everything comes from the latest stored analysis (internal/mapping writes
// it in the background) and the statements' current vote counts. Before
// there is an analysis the pages say so. Banned participants' answers are
// left out of both (store.SetParticipantBanned), so the counts here say the
// same as the map; the report tells coordinators how many participants are
// banned, and everyone that the open-data export still holds their answers.

// ---- the analysis, prepared for the map and the report ----

// tally counts answers: agree, disagree, pass and all (S, "seen").
type tally struct{ A, D, P, S int }

func sharePct(n, of int) int {
	if of <= 0 {
		return 0
	}
	return int(math.Round(100 * float64(n) / float64(of)))
}

func (t tally) AgreePct() int    { return sharePct(t.A, t.S) }
func (t tally) DisagreePct() int { return sharePct(t.D, t.S) }
func (t tally) PassPct() int     { return sharePct(t.P, t.S) }

func tallyOf(c polis.ADSCount) tally { return tally{A: c.A, D: c.D, P: c.S - c.A - c.D, S: c.S} }

func statementTally(s conversation.Statement) tally {
	return tally{A: s.Agrees, D: s.Disagrees, P: s.Passes, S: s.Agrees + s.Disagrees + s.Passes}
}

// convGroup is an opinion group as the pages show it: lettered A, B, … in
// the order of the analysis' group ids.
type convGroup struct {
	ID     int
	Index  int
	Letter string
	Size   int
	Reps   []groupRep // representative statements, agrees first
}

// AgreeReps and DisagreeReps split the representative statements by the
// way the group leans on them.
func (g convGroup) AgreeReps() []groupRep    { return filterReps(g.Reps, true) }
func (g convGroup) DisagreeReps() []groupRep { return filterReps(g.Reps, false) }

func filterReps(reps []groupRep, agree bool) []groupRep {
	var out []groupRep
	for _, r := range reps {
		if r.Agree == agree {
			out = append(out, r)
		}
	}
	return out
}

// groupRep is one representative statement of a group with the group's
// answers to it.
type groupRep struct {
	conversation.Statement
	Agree bool // the group leans towards agreeing (else disagreeing)
	Tally tally
}

// LeanPct is the share of the group that answered the way it leans.
func (r groupRep) LeanPct() int {
	if r.Agree {
		return r.Tally.AgreePct()
	}
	return r.Tally.DisagreePct()
}

// convAnalysis is a conversation with its latest analysis, ready for the
// map and the report.
type convAnalysis struct {
	Conv       conversation.Conversation
	Result     *polis.Result // nil: no analysis yet
	ComputedAt time.Time
	// Shown are the statements participants see and the analysis uses
	// (visible, not meta), in creation order, with vote counts when loaded
	// with counts.
	Shown  []conversation.Statement
	byID   map[int64]int
	Groups []convGroup
	// Voters are the participants in the analysis (at least one answer);
	// Unclustered those of them not (yet) in a group.
	Voters      int
	Unclustered int
}

// HasGroups reports whether the analysis found opinion groups.
func (a *convAnalysis) HasGroups() bool { return len(a.Groups) > 0 }

// statement returns a shown statement by id.
func (a *convAnalysis) statement(id int64) (conversation.Statement, bool) {
	i, ok := a.byID[id]
	if !ok {
		return conversation.Statement{}, false
	}
	return a.Shown[i], true
}

// groupByID returns the index of a group in a.Groups, or −1.
func (a *convAnalysis) groupIndex(id int) int {
	for i, g := range a.Groups {
		if g.ID == id {
			return i
		}
	}
	return -1
}

// shownStatement: what participants see and the analysis counts. Rejected
// statements are 0 in the analysis and meta statements are left out of it.
func shownStatement(c conversation.Conversation, s conversation.Statement) bool {
	return s.Visible(c.Moderation) && !s.Meta
}

// groupLetter is the label of the i-th group: A, B, …
func groupLetter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return "G" + strconv.Itoa(i+1)
}

// convCounts are a conversation's statements with their vote counts, its
// answers per hour and in all (banned participants' left out, as in the
// analysis), and the number of banned participants who answered: what the
// report needs from the votes. They
// take a pass over every vote, so the report keeps them for
// convCountsMaxAge per conversation (the counts may lag that much; a
// popular public report does not scan the votes on every request).
type convCounts struct {
	at         time.Time
	statements []conversation.Statement
	hours      []store.HourCount
	votes      int
	voters     int
	banned     int // banned participants with answers, left out of the rest
}

func (h *convAdmin) voteCounts(ctx context.Context, convID int64) (*convCounts, error) {
	h.mu.Lock()
	cc := h.counts[convID]
	h.mu.Unlock()
	if cc != nil && time.Since(cc.at) < convCountsMaxAge {
		return cc, nil
	}
	cc = &convCounts{at: time.Now()}
	err := h.s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if cc.statements, err = tx.ConversationStatementsCounted(ctx, convID); err != nil {
			return err
		}
		if cc.hours, err = tx.VotesPerHour(ctx, convID); err != nil {
			return err
		}
		for _, hc := range cc.hours {
			cc.votes += hc.Votes
		}
		if cc.voters, err = tx.VoterCount(ctx, convID); err != nil {
			return err
		}
		cc.banned, err = tx.BannedVoterCount(ctx, convID)
		return err
	})
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	if len(h.counts) > 1000 { // many conversations: start over rather than grow
		clear(h.counts)
	}
	h.counts[convID] = cc
	h.mu.Unlock()
	return cc, nil
}

// analysis loads a conversation's latest analysis and its shown statements
// (with vote counts when counts is set: the report; the map does without).
func (h *convAdmin) analysis(ctx context.Context, c conversation.Conversation, counts bool) (*convAnalysis, error) {
	a := &convAnalysis{Conv: c, byID: map[int64]int{}}
	var all []conversation.Statement
	if counts {
		cc, err := h.voteCounts(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		all = cc.statements
	} else if err := h.s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		all, err = tx.ConversationStatements(ctx, c.ID)
		return err
	}); err != nil {
		return nil, err
	}
	for _, s := range all {
		if shownStatement(c, s) {
			a.byID[s.ID] = len(a.Shown)
			a.Shown = append(a.Shown, s)
		}
	}
	r, at, err := h.results.Latest(ctx, c.ID)
	if domain.IsNotFound(err) {
		return a, nil
	}
	if err != nil {
		return nil, err
	}
	a.Result, a.ComputedAt = r, at
	a.prepare()
	return a, nil
}

// prepare derives the groups and their representative statements from the
// result.
func (a *convAnalysis) prepare() {
	r := a.Result
	pts := mapParticipants(r)
	a.Voters = len(pts)
	for _, p := range pts {
		if p.Group < 0 {
			a.Unclustered++
		}
	}
	gcs := slices.Clone(r.GroupClusters)
	slices.SortFunc(gcs, func(x, y polis.GroupCluster) int { return cmp.Compare(x.ID, y.ID) })
	for i, gc := range gcs {
		g := convGroup{ID: gc.ID, Index: i, Letter: groupLetter(i)}
		gv, ok := r.GroupVotes[gc.ID]
		if ok {
			g.Size = gv.NMembers
		} else {
			for _, p := range pts {
				if p.Group == gc.ID {
					g.Size++
				}
			}
		}
		for _, rs := range r.Repness[gc.ID] {
			st, ok := a.statement(rs.TID)
			if !ok {
				continue // moderated out (or made meta) since the analysis
			}
			g.Reps = append(g.Reps, groupRep{Statement: st, Agree: rs.RepfulFor == "agree", Tally: tallyOf(gv.Votes[rs.TID])})
		}
		a.Groups = append(a.Groups, g)
	}
}

// groupTally is a group's answers to a statement.
func (a *convAnalysis) groupTally(g convGroup, tid int64) tally {
	return tallyOf(a.Result.GroupVotes[g.ID].Votes[tid])
}

// ---- who is looking ----

// participantCookie is the participant cookie's name for a conversation
// (set by the participant pages, conversation_public.go).
func participantCookie(convID int64) string { return "kuulu_p_" + strconv.FormatInt(convID, 10) }

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// viewer returns the request's participant in the conversation, if any: the
// holder of the participant cookie, or in a conversation that requires
// identification the signed-in person. answered counts their answers to
// statements participants can see; total is the number of those statements.
func (h *convAdmin) viewer(r *http.Request, c conversation.Conversation) (p *conversation.Participant, answered, total int, err error) {
	var hash string
	if c.Identification == conversation.Identified {
		if person := requestInfo(r).Person; person != nil {
			hash = sha256Hex("person:" + strconv.FormatInt(person.ID, 10))
		}
	} else if ck, err := r.Cookie(participantCookie(c.ID)); err == nil && ck.Value != "" && len(ck.Value) <= 128 {
		hash = sha256Hex(ck.Value)
	}
	ctx := r.Context()
	err = h.s.db.Read(ctx, func(tx *store.Tx) error {
		states, err := tx.StatementStates(ctx, c.ID, nil)
		if err != nil {
			return err
		}
		visible := map[int64]bool{}
		for _, s := range states {
			st := conversation.Statement{Status: s.Status}
			if st.Visible(c.Moderation) {
				visible[s.ID] = true
			}
		}
		total = len(visible)
		if hash == "" {
			return nil
		}
		found, err := tx.ParticipantByToken(ctx, c.ID, hash)
		if domain.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		p = &found
		votes, err := tx.ParticipantVotes(ctx, found.ID)
		if err != nil {
			return err
		}
		for id := range votes {
			if visible[id] {
				answered++
			}
		}
		return nil
	})
	return p, answered, total, err
}

// answersForMap is how many answers open the map to a participant (Polis
// clusters a participant after min(7, statements) answers).
func answersForMap(total int) int { return max(1, min(conversation.MinVotesForMap, total)) }

// isCoordinator reports whether the request comes from a coordinator (or an
// administrator), who sees the map and the report at any time.
func isCoordinator(r *http.Request) bool { return auth.Coordinator.Allows(requestInfo(r).Person) }

func (h *convAdmin) convBySlug(r *http.Request) (conversation.Conversation, error) {
	var c conversation.Conversation
	err := h.s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		c, err = tx.ConversationBySlug(r.Context(), r.PathValue("slug"))
		return err
	})
	return c, err
}

func convPublicPath(c conversation.Conversation) string {
	return "/keskustelut/" + url.PathEscape(c.Slug)
}

// gatePage explains why the map or the report is not shown yet.
type gatePage struct {
	Conv      conversation.Conversation
	What      string // "map" or "report"
	Need      int    // answers still needed for the map
	NeedLogin bool   // identification required and nobody signed in
	ConvURL   string
	ReportURL string
	ReportOn  bool // the report is visible (offered from the map gate)
}

func (h *convAdmin) renderGate(w http.ResponseWriter, r *http.Request, d gatePage) error {
	d.ConvURL = convPublicPath(d.Conv) + langQuery(r)
	d.ReportURL = convPublicPath(d.Conv) + "/raportti" + langQuery(r)
	h.s.render(w, r, http.StatusForbidden, "conversation_report/gate.html", d)
	return nil
}

// ---- the report page ----

type reportPage struct {
	A         *convAnalysis
	Admin     bool
	State     conversation.State
	Stats     reportStats
	Consensus struct{ Agree, Disagree []reportRow }
	Divisive  []reportRow
	// Table is the statement table, filtered and sorted: every row for the
	// CSV, one page of it (pageTable) on the report page.
	Table []reportRow
	// Filters and sorting of the statement table.
	Show, Sort, Order string
	ShowLinks         []reportLink
	SortLinks         map[string]reportLink
	SortKeys          []string // the sortable columns, in display order
	// Paging of the statement table: TableTotal rows after the filter,
	// rows TableFrom…TableTo (from 1) on page Page of Pages.
	TableTotal, TableFrom, TableTo int
	Page, Pages                    int
	PrevURL, NextURL               string
	lang                           string // the request's ?lang=, kept in the table's links
	// Participation over time.
	Days     []dayCount
	Weekly   bool
	ChartSVG template.HTML
	// Links.
	SelfURL, MapURL, CSVURL, ZipURL, PublicURL, EditURL string
	Summaries                                           []reportLink
}

// reportStats are the report's headline numbers. Participants and Votes
// leave banned participants out, like the map; Banned is how many banned
// participants answered (the export still holds their answers).
type reportStats struct {
	Participants, Votes, Statements int
	Banned                          int
}

type reportLink struct {
	Label   string
	URL     string
	Current bool
	Sort    string // aria-sort of a column header: ascending, descending or ""
}

// reportRow is a statement with everyone's and each group's answers.
type reportRow struct {
	conversation.Statement
	All       tally
	Groups    []tally // by group index
	Consensus string  // "agree", "disagree" or ""
	Spread    int     // largest difference of the groups' agree shares, percentage points
	Divisive  bool
	RepFor    []repNote // the groups it represents

	GAC float64 // group-aware consensus
}

// repNote says that a statement is representative of a group, and which way
// the group leans ("agree" or "disagree").
type repNote struct{ Letter, Dir string }

// reportRows builds a row for every shown statement.
func (a *convAnalysis) reportRows() []reportRow {
	rows := make([]reportRow, len(a.Shown))
	cons := map[int64]string{}
	if a.Result != nil {
		for _, c := range a.Result.Consensus.Agree {
			cons[c.TID] = "agree"
		}
		for _, c := range a.Result.Consensus.Disagree {
			cons[c.TID] = "disagree"
		}
	}
	rep := map[int64][]repNote{}
	for _, g := range a.Groups {
		for _, r := range g.Reps {
			dir := "disagree"
			if r.Agree {
				dir = "agree"
			}
			rep[r.ID] = append(rep[r.ID], repNote{g.Letter, dir})
		}
	}
	for i, s := range a.Shown {
		row := reportRow{Statement: s, All: statementTally(s), Consensus: cons[s.ID], RepFor: rep[s.ID]}
		if a.Result != nil {
			row.GAC = a.Result.GroupAwareConsensus[s.ID]
			lo, hi, n := 101, -1, 0
			for _, g := range a.Groups {
				t := a.groupTally(g, s.ID)
				row.Groups = append(row.Groups, t)
				if t.S > 0 {
					n++
					lo, hi = min(lo, t.AgreePct()), max(hi, t.AgreePct())
				}
			}
			if n >= 2 {
				row.Spread = hi - lo
			}
		}
		rows[i] = row
	}
	return rows
}

// maxDivisive is how many divisive statements the report lists, and
// minDivisiveSpread the least difference (percentage points) between the
// groups' agree shares for a statement to count as divisive.
const (
	maxDivisive       = 5
	minDivisiveSpread = 20
)

// divisiveRows picks the statements on which the groups differ most: the
// largest spread of the groups' agree shares (at least two groups
// answered, at least minDivisiveSpread points), at most maxDivisive, ties
// by statement order.
func divisiveRows(rows []reportRow) []reportRow {
	var out []reportRow
	for _, r := range rows {
		if r.Spread >= minDivisiveSpread {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(x, y reportRow) int { return cmp.Compare(y.Spread, x.Spread) })
	if len(out) > maxDivisive {
		out = out[:maxDivisive]
	}
	return out
}

// reportSorts are the sortable columns of the statement table.
var reportSorts = []string{"id", "votes", "agree", "disagree", "pass", "spread"}

func (h *convAdmin) buildReport(r *http.Request, c conversation.Conversation, admin bool) (*reportPage, error) {
	a, err := h.analysis(r.Context(), c, true)
	if err != nil {
		return nil, err
	}
	d := &reportPage{A: a, Admin: admin, State: c.StateAt(h.s.clock.Now())}
	lq := langQuery(r)
	if admin {
		base := convAdminPath(c.ID)
		d.SelfURL, d.MapURL, d.CSVURL, d.ZipURL = base+"/report", base+"/map", base+"/report.csv", base+"/export.zip"
		d.EditURL = base
		d.PublicURL = convPublicPath(c) + "/raportti"
	} else {
		base := convPublicPath(c)
		d.SelfURL, d.MapURL, d.CSVURL, d.ZipURL = base+"/raportti", base+"/kartta"+lq, base+"/report.csv", base+"/export.zip"
	}
	cc, err := h.voteCounts(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	d.Days, d.Weekly = votesOverTime(cc.hours)
	d.Stats = reportStats{Participants: cc.voters, Votes: cc.votes, Statements: len(a.Shown), Banned: cc.banned}
	rows := a.reportRows()
	for _, row := range rows {
		switch row.Consensus {
		case "agree":
			d.Consensus.Agree = append(d.Consensus.Agree, row)
		case "disagree":
			d.Consensus.Disagree = append(d.Consensus.Disagree, row)
		}
	}
	// Consensus in the analysis' order (strongest first).
	if a.Result != nil {
		d.Consensus.Agree = orderLike(d.Consensus.Agree, a.Result.Consensus.Agree)
		d.Consensus.Disagree = orderLike(d.Consensus.Disagree, a.Result.Consensus.Disagree)
	}
	d.Divisive = divisiveRows(rows)
	for i := range rows {
		for _, dv := range d.Divisive {
			if dv.ID == rows[i].ID {
				rows[i].Divisive = true
			}
		}
	}
	d.Table = filterSortRows(r.URL.Query(), rows, a, d)
	d.ChartSVG = votesChartSVG(d.Days, h.s.cat.T(requestInfo(r).Lang, "convreport.time.chart_title"))
	if admin && a.Result != nil {
		lang := requestInfo(r).Lang
		for _, g := range a.Groups {
			d.Summaries = append(d.Summaries, reportLink{Label: h.s.cat.T(lang, "convreport.group", g.Letter),
				URL: convAdminPath(c.ID) + "/summary?of=" + g.Letter})
		}
		d.Summaries = append(d.Summaries, reportLink{Label: h.s.cat.T(lang, "convreport.consensus.title"),
			URL: convAdminPath(c.ID) + "/summary?of=consensus"})
	}
	return d, nil
}

func orderLike(rows []reportRow, order []polis.ConsensusStatement) []reportRow {
	pos := map[int64]int{}
	for i, c := range order {
		pos[c.TID] = i
	}
	slices.SortStableFunc(rows, func(x, y reportRow) int { return cmp.Compare(pos[x.ID], pos[y.ID]) })
	return rows
}

// filterSortRows applies the table's filter (show=all|consensus|divisive|A|B…)
// and sorting (sort=id|votes|agree|disagree|pass|spread, order=asc|desc) and
// fills the page's filter and sort links.
func filterSortRows(q url.Values, rows []reportRow, a *convAnalysis, d *reportPage) []reportRow {
	d.Show, d.Sort, d.Order = q.Get("show"), q.Get("sort"), q.Get("order")
	valid := []string{"all", "consensus", "divisive"}
	for _, g := range a.Groups {
		valid = append(valid, g.Letter)
	}
	if !slices.Contains(valid, d.Show) {
		d.Show = "all"
	}
	if !slices.Contains(reportSorts, d.Sort) {
		d.Sort = "id"
	}
	if d.Order != "asc" && d.Order != "desc" {
		d.Order = "asc"
		if d.Sort != "id" {
			d.Order = "desc"
		}
	}
	var out []reportRow
	for _, row := range rows {
		keep := true
		switch d.Show {
		case "consensus":
			keep = row.Consensus != ""
		case "divisive":
			keep = row.Divisive
		case "all":
		default:
			keep = false
			for _, rf := range row.RepFor {
				if rf.Letter == d.Show {
					keep = true
				}
			}
		}
		if keep {
			out = append(out, row)
		}
	}
	key := func(r reportRow) int {
		switch d.Sort {
		case "votes":
			return r.All.S
		case "agree":
			return r.All.AgreePct()
		case "disagree":
			return r.All.DisagreePct()
		case "pass":
			return r.All.PassPct()
		case "spread":
			return r.Spread
		}
		return int(r.ID)
	}
	slices.SortStableFunc(out, func(x, y reportRow) int {
		c := cmp.Compare(key(x), key(y))
		if d.Order == "desc" {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(x.ID, y.ID)
		}
		return c
	})
	d.lang = q.Get("lang")
	// A new filter or sorting starts from the first page.
	link := func(show, sort, order string) string { return d.tableURL(show, sort, order, 1) }
	for _, s := range valid {
		d.ShowLinks = append(d.ShowLinks, reportLink{Label: s, URL: link(s, d.Sort, orderParam(d.Sort, d.Order)), Current: s == d.Show})
	}
	d.SortLinks = map[string]reportLink{}
	for _, s := range reportSorts {
		if s == "spread" && len(a.Groups) == 0 {
			continue
		}
		d.SortKeys = append(d.SortKeys, s)
		l := reportLink{}
		next := "desc"
		if s == "id" {
			next = "asc"
		}
		if s == d.Sort {
			if d.Order == "asc" {
				l.Sort, next = "ascending", "desc"
			} else {
				l.Sort, next = "descending", "asc"
			}
			l.Current = true
		}
		l.URL = link(d.Show, s, orderParam(s, next))
		d.SortLinks[s] = l
	}
	return out
}

// tableURL is the report's address showing the statement table with a
// filter, sorting and page (the defaults left out) in the request's
// language.
func (d *reportPage) tableURL(show, sort, order string, page int) string {
	v := url.Values{}
	if show != "all" {
		v.Set("show", show)
	}
	if sort != "id" {
		v.Set("sort", sort)
	}
	if order != "" {
		v.Set("order", order)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if d.lang != "" {
		v.Set("lang", d.lang)
	}
	if len(v) == 0 {
		return d.SelfURL + "#statements"
	}
	return d.SelfURL + "?" + v.Encode() + "#statements"
}

// reportTablePageSize is how many rows of the statement table a page of the
// report shows: a conversation with thousands of statements would otherwise
// make a page of megabytes. The CSV holds them all.
const reportTablePageSize = 100

var errBadPage = &domain.Error{Code: domain.EINVALID, Key: "convreport.bad_page", Message: "malformed page number"}

// reportTablePage reads the statement table's page from ?page=: none is the
// first page, anything but a positive whole number a bad request.
func reportTablePage(q url.Values) (int, error) {
	s := q.Get("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, errBadPage
	}
	return n, nil
}

// pageTable cuts the statement table to page n (a page past the end shows
// the last one) and sets the links to the pages before and after it, which
// keep the filter and the sorting.
func (d *reportPage) pageTable(n int) {
	d.TableTotal = len(d.Table)
	d.Pages = max(1, (d.TableTotal+reportTablePageSize-1)/reportTablePageSize)
	d.Page = min(n, d.Pages)
	from, to := (d.Page-1)*reportTablePageSize, min(d.TableTotal, d.Page*reportTablePageSize)
	d.Table = d.Table[from:to]
	d.TableFrom, d.TableTo = from+1, to
	order := orderParam(d.Sort, d.Order)
	if d.Page > 1 {
		d.PrevURL = d.tableURL(d.Show, d.Sort, order, d.Page-1)
	}
	if d.Page < d.Pages {
		d.NextURL = d.tableURL(d.Show, d.Sort, order, d.Page+1)
	}
}

// orderParam leaves out the default order of a column.
func orderParam(sort, order string) string {
	if (sort == "id" && order == "asc") || (sort != "id" && order == "desc") {
		return ""
	}
	return order
}

// ---- participation over time ----

type dayCount struct {
	Day   time.Time // Helsinki midnight starting the day (or week)
	Votes int
}

// maxDailyBars: a longer conversation is shown by week.
const maxDailyBars = 92

// votesOverTime sums hourly counts into Helsinki days (weeks from Monday
// when the conversation ran longer than maxDailyBars days), with the days
// without answers filled in.
func votesOverTime(hours []store.HourCount) ([]dayCount, bool) {
	if len(hours) == 0 {
		return nil, false
	}
	dayOf := func(t time.Time) time.Time {
		l := t.In(helsinki)
		return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, helsinki)
	}
	first, last := dayOf(hours[0].Hour), dayOf(hours[len(hours)-1].Hour)
	weekly := last.Sub(first) > maxDailyBars*24*time.Hour
	bucket := dayOf
	if weekly {
		bucket = func(t time.Time) time.Time {
			d := dayOf(t)
			back := (int(d.Weekday()) + 6) % 7 // days since Monday
			return d.AddDate(0, 0, -back)
		}
	}
	sums := map[time.Time]int{}
	for _, hc := range hours {
		sums[bucket(hc.Hour)] += hc.Votes
	}
	var out []dayCount
	for d := bucket(hours[0].Hour); !d.After(last); {
		out = append(out, dayCount{Day: d, Votes: sums[d]})
		if weekly {
			d = d.AddDate(0, 0, 7)
		} else {
			d = d.AddDate(0, 0, 1)
		}
	}
	return out, weekly
}

// votesChartSVG draws the answers per day as a bar chart. It is decorative
// for assistive technology (aria-hidden): the table next to it holds the
// same numbers.
func votesChartSVG(days []dayCount, title string) template.HTML {
	if len(days) == 0 {
		return ""
	}
	const w, h, top, bottom = 720.0, 180.0, 12.0, 24.0
	peak := 0
	for _, d := range days {
		peak = max(peak, d.Votes)
	}
	if peak == 0 {
		peak = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" aria-hidden="true" focusable="false">`, w, h, w, h)
	fmt.Fprintf(&b, `<title>%s</title>`, template.HTMLEscapeString(title))
	fmt.Fprintf(&b, `<line x1="0" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#595959" stroke-width="1"/>`, h-bottom, w, h-bottom)
	slot := w / float64(len(days))
	bar := math.Max(1, math.Min(slot*0.8, 40))
	for i, d := range days {
		bh := (h - top - bottom) * float64(d.Votes) / float64(peak)
		x := float64(i)*slot + (slot-bar)/2
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#0b63a8"/>`, x, h-bottom-bh, bar, bh)
	}
	// The first and last day under the axis.
	fmt.Fprintf(&b, `<text x="0" y="%.0f" font-size="12" fill="#1f1f1f">%s</text>`, h-6, days[0].Day.Format("2.1."))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="12" fill="#1f1f1f" text-anchor="end">%s</text>`, w, h-6, days[len(days)-1].Day.Format("2.1."))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="12" fill="#1f1f1f" text-anchor="end">%d</text>`, w, top, peak)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// ---- handlers ----

func (h *convAdmin) adminReport(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	return h.renderReport(w, r, c, true)
}

// renderReport shows the report with one page of the statement table.
func (h *convAdmin) renderReport(w http.ResponseWriter, r *http.Request, c conversation.Conversation, admin bool) error {
	page, err := reportTablePage(r.URL.Query())
	if err != nil {
		return err
	}
	d, err := h.buildReport(r, c, admin)
	if err != nil {
		return err
	}
	d.pageTable(page)
	h.s.render(w, r, http.StatusOK, "conversation_report/report.html", d)
	return nil
}

// reportAllowed: the public sees the report when the conversation has
// closed or the coordinator has opened it; coordinators always.
func (h *convAdmin) reportAllowed(r *http.Request, c conversation.Conversation) bool {
	return c.ReportVisible(h.s.clock.Now()) || isCoordinator(r)
}

var errReportHidden = &domain.Error{Code: domain.EFORBIDDEN, Key: "convreport.hidden", Message: "report not published"}

func (h *convAdmin) publicReport(w http.ResponseWriter, r *http.Request) error {
	c, err := h.convBySlug(r)
	if err != nil {
		return err
	}
	if !h.reportAllowed(r, c) {
		return h.renderGate(w, r, gatePage{Conv: c, What: "report"})
	}
	return h.renderReport(w, r, c, false)
}

// ---- the statement table as CSV ----

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeCSVDownload(w http.ResponseWriter, name string, records [][]string) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // so that spreadsheets read UTF-8
	cw := csv.NewWriter(&buf)
	if err := cw.WriteAll(records); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

func (h *convAdmin) reportCSV(w http.ResponseWriter, r *http.Request, c conversation.Conversation, admin bool) error {
	d, err := h.buildReport(r, c, admin)
	if err != nil {
		return err
	}
	lang := requestInfo(r).Lang
	T := func(key string, args ...any) string { return h.s.cat.T(lang, key, args...) }
	head := []string{T("convreport.csv.id"), T("convreport.csv.statement"), T("convreport.csv.seed"), T("convreport.csv.answers"),
		T("convreport.csv.agrees"), T("convreport.csv.disagrees"), T("convreport.csv.passes"),
		T("convreport.csv.agree_pct"), T("convreport.csv.disagree_pct"), T("convreport.csv.pass_pct")}
	for _, g := range d.A.Groups {
		head = append(head, T("convreport.csv.group_answers", g.Letter), T("convreport.csv.group_agree_pct", g.Letter),
			T("convreport.csv.group_disagree_pct", g.Letter))
	}
	head = append(head, T("convreport.csv.consensus"), T("convreport.csv.divisive"), T("convreport.csv.representative"),
		T("convreport.csv.gac"))
	records := [][]string{head}
	yesNo := func(b bool) string {
		if b {
			return T("form.yes")
		}
		return T("form.no")
	}
	for _, row := range d.Table {
		rec := []string{strconv.FormatInt(row.ID, 10), csvSafe(row.Text), yesNo(row.Seed), itoa(row.All.S),
			itoa(row.All.A), itoa(row.All.D), itoa(row.All.P), itoa(row.All.AgreePct()), itoa(row.All.DisagreePct()), itoa(row.All.PassPct())}
		for i := range d.A.Groups {
			var t tally
			if i < len(row.Groups) {
				t = row.Groups[i]
			}
			rec = append(rec, itoa(t.S), itoa(t.AgreePct()), itoa(t.DisagreePct()))
		}
		cons := ""
		if row.Consensus != "" {
			cons = T("convreport.dir." + row.Consensus)
		}
		var reps []string
		for _, rf := range row.RepFor {
			reps = append(reps, rf.Letter+": "+T("convreport.dir."+rf.Dir))
		}
		gac := ""
		if d.A.Result != nil {
			gac = strconv.FormatFloat(row.GAC, 'f', 4, 64)
		}
		rec = append(rec, cons, yesNo(row.Divisive), strings.Join(reps, "; "), gac)
		records = append(records, rec)
	}
	return writeCSVDownload(w, c.Slug+"-statements.csv", records)
}

func (h *convAdmin) adminReportCSV(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	return h.reportCSV(w, r, c, true)
}

func (h *convAdmin) publicReportCSV(w http.ResponseWriter, r *http.Request) error {
	c, err := h.convBySlug(r)
	if err != nil {
		return err
	}
	if !h.reportAllowed(r, c) {
		return errReportHidden
	}
	return h.reportCSV(w, r, c, false)
}

// ---- the open-data export ----

// openData builds the conversation in Polis's open-data format with
// mapping.Export (the format and its ids are documented there; the command
// `kuulu conversation export` writes the same files). The public export
// leaves out the text of statements participants were not shown: rejected
// and meta ones (moderated −1) and, under pre-moderation, those still
// waiting (0); their rows and votes stay, so the analysis can be redone.
func (h *convAdmin) openData(ctx context.Context, c conversation.Conversation, public bool) (*opendata.Conversation, error) {
	od, err := mapping.Export(ctx, h.s.db, c.ID)
	if err != nil {
		return nil, err
	}
	if public {
		for i := range od.Comments {
			cm := &od.Comments[i]
			if cm.Moderated < 0 || (cm.Moderated == 0 && c.Moderation == conversation.ModeratePre) {
				cm.Body = ""
			}
		}
	}
	return od, nil
}

// writeOpenDataZip writes the export as a zip of comments.csv, votes.csv,
// participants-votes.csv and summary.csv.
func writeOpenDataZip(w io.Writer, c *opendata.Conversation, at time.Time) error {
	zw := zip.NewWriter(w)
	columns := make([]int64, len(c.Comments))
	for i, cm := range c.Comments {
		columns[i] = cm.ID
	}
	slices.Sort(columns)
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"comments.csv", func(w io.Writer) error { return opendata.WriteComments(w, c.Comments) }},
		{"votes.csv", func(w io.Writer) error { return opendata.WriteVotes(w, c.Votes) }},
		{"participants-votes.csv", func(w io.Writer) error { return opendata.WriteParticipantsVotes(w, c.Participants, columns) }},
		{"summary.csv", func(w io.Writer) error { return opendata.WriteSummary(w, c.Summary) }},
	}
	for _, f := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: at})
		if err != nil {
			return err
		}
		if err := f.write(fw); err != nil {
			return err
		}
	}
	return zw.Close()
}

func (h *convAdmin) export(w http.ResponseWriter, r *http.Request, c conversation.Conversation, public bool) error {
	od, err := h.openData(r.Context(), c, public)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := writeOpenDataZip(&buf, od, h.s.clock.Now()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.Slug+`-opendata.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

func (h *convAdmin) adminExport(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	if err := h.s.db.Write(r.Context(), func(tx *store.Tx) error {
		return h.s.audit(r, tx, "conversation.export", "conversation", c.ID, "open data")
	}); err != nil {
		return err
	}
	return h.export(w, r, c, false)
}

func (h *convAdmin) publicExport(w http.ResponseWriter, r *http.Request) error {
	c, err := h.convBySlug(r)
	if err != nil {
		return err
	}
	if !h.reportAllowed(r, c) {
		return errReportHidden
	}
	return h.export(w, r, c, true)
}

// ---- summaries for service development ----

// summary downloads a group's representative statements (of=A, B, …) or the
// consensus statements (of=consensus) as plain text (format=txt, default)
// or CSV (format=csv), to carry into service development.
func (h *convAdmin) summary(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	a, err := h.analysis(r.Context(), c, true)
	if err != nil {
		return err
	}
	if a.Result == nil {
		return &domain.Error{Code: domain.ENOTFOUND, Key: "convreport.no_result", Message: "no analysis yet"}
	}
	lang := requestInfo(r).Lang
	T := func(key string, args ...any) string { return h.s.cat.T(lang, key, args...) }
	type line struct {
		dir string
		st  conversation.Statement
		t   tally
	}
	var title, slug string
	var lines []line
	of := r.URL.Query().Get("of")
	if of == "consensus" {
		title, slug = T("convreport.consensus.title"), "consensus"
		rows := a.reportRows()
		byID := map[int64]reportRow{}
		for _, row := range rows {
			byID[row.ID] = row
		}
		for _, dir := range []string{"agree", "disagree"} {
			list := a.Result.Consensus.Agree
			if dir == "disagree" {
				list = a.Result.Consensus.Disagree
			}
			for _, cs := range list {
				if row, ok := byID[cs.TID]; ok {
					lines = append(lines, line{dir, row.Statement, row.All})
				}
			}
		}
	} else {
		gi := -1
		for i, g := range a.Groups {
			if g.Letter == of {
				gi = i
			}
		}
		if gi < 0 {
			return domain.NotFound("group", of)
		}
		g := a.Groups[gi]
		title, slug = T("convreport.group_size", g.Letter, g.Size), "group-"+strings.ToLower(g.Letter)
		for _, rep := range g.Reps {
			dir := "disagree"
			if rep.Agree {
				dir = "agree"
			}
			lines = append(lines, line{dir, rep.Statement, rep.Tally})
		}
	}
	name := c.Slug + "-" + slug
	if err := h.s.db.Write(r.Context(), func(tx *store.Tx) error {
		return h.s.audit(r, tx, "conversation.summary", "conversation", c.ID, slug)
	}); err != nil {
		return err
	}
	if r.URL.Query().Get("format") == "csv" {
		records := [][]string{{T("convreport.csv.id"), T("convreport.csv.statement"), T("convreport.csv.direction"), T("convreport.csv.answers"),
			T("convreport.csv.agree_pct"), T("convreport.csv.disagree_pct"), T("convreport.csv.pass_pct")}}
		for _, l := range lines {
			records = append(records, []string{strconv.FormatInt(l.st.ID, 10), csvSafe(l.st.Text), T("convreport.dir." + l.dir), itoa(l.t.S),
				itoa(l.t.AgreePct()), itoa(l.t.DisagreePct()), itoa(l.t.PassPct())})
		}
		return writeCSVDownload(w, name+".csv", records)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n\n", c.Topic.In(lang), title)
	fmt.Fprintf(&b, "%s\n\n", T("convreport.summary.based_on", a.ComputedAt.In(helsinki).Format("2.1.2006 15.04"), a.Voters))
	for _, dir := range []string{"agree", "disagree"} {
		first := true
		for _, l := range lines {
			if l.dir != dir {
				continue
			}
			if first {
				fmt.Fprintf(&b, "%s\n", T("convreport.summary."+dir))
				first = false
			}
			fmt.Fprintf(&b, "- %s\n  %s\n", l.st.Text, T("convreport.summary.shares", l.t.AgreePct(), l.t.DisagreePct(), l.t.PassPct(), l.t.S))
		}
		if !first {
			b.WriteString("\n")
		}
	}
	if len(lines) == 0 {
		fmt.Fprintf(&b, "%s\n\n", T("convreport.summary.none"))
	}
	fmt.Fprintf(&b, "%s\n%s\n", T("convreport.summary.no_actions"), h.s.cfg.BaseURL+convPublicPath(c)+"/raportti")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.txt"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = io.WriteString(w, b.String())
	return err
}
