package mapping

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/polis"
	"kuulu/internal/store"
)

// Service recomputes conversations' analyses in the background. See the
// package documentation. Create it with New, then Run it (or Start it).
type Service struct {
	db  *store.DB
	log *slog.Logger
	rd  *Reader

	// Interval is the pause between passes and the least time between two
	// analyses of one conversation (default 1 s).
	Interval time.Duration
	// Slack is how far behind its watermark a warm engine re-reads votes and
	// moderation, to catch writes that commit after a later timestamp
	// became visible (default 5 s).
	Slack time.Duration
	// IdleEvict drops a warm engine that has had nothing to do for this long
	// (default 30 min); it is rebuilt from the database when needed.
	IdleEvict time.Duration
	// Options tunes the analysis (the zero value is Polis's defaults).
	Options polis.Options

	mu      sync.Mutex // guards warm and stats; one pass at a time holds run
	run     sync.Mutex
	warm    map[int64]*warmConv
	checked map[int64]time.Time // when each conversation was last looked at (monotonic); only passes touch it
	stats   Stats
}

// Stats counts a Service's work, for tests and logs.
type Stats struct {
	Passes   int // passes run
	Analyses int // analyses computed and stored
	Builds   int // engines built from the database (cold), Rebuilds included
	Rebuilds int // warm engines rebuilt because a participant was banned or unbanned
	Skipped  int // results not stored because a newer one was there
	// Compute is the time spent in the analysis itself (polis.Engine.Update)
	// and Pass the time of whole passes (reads, analyses and writes).
	Compute, Pass time.Duration
}

// warmConv is one conversation's engine and what it has been fed.
type warmConv struct {
	engine *polis.Engine
	// voteMark is the latest vote time fed; votes at or after
	// voteMark − Slack are re-read each pass and recent deduplicates them.
	voteMark *time.Time
	recent   map[voteKey]voteSeen
	// modMark is the snapshot time of the last moderation read; mod holds
	// each statement's state as fed, and banned the participants left out
	// (their votes are not in the engine).
	modMark time.Time
	mod     map[int64]modState
	banned  map[int64]bool
	// lastUsed is when it last had work.
	lastUsed time.Time
}

type voteKey struct{ p, s int64 }

type voteSeen struct {
	value int8
	at    time.Time
}

type modState struct{ out, meta bool }

// New returns a service over db.
func New(db *store.DB, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: db, log: log, rd: NewReader(db), Interval: time.Second, Slack: 5 * time.Second,
		IdleEvict: 30 * time.Minute, warm: map[int64]*warmConv{}, checked: map[int64]time.Time{}}
}

// Latest returns the latest stored result of a conversation (see
// Reader.Latest); results this service computed are served at once.
func (s *Service) Latest(ctx context.Context, convID int64) (*polis.Result, time.Time, error) {
	return s.rd.Latest(ctx, convID)
}

// Reader returns the service's reader.
func (s *Service) Reader() *Reader { return s.rd }

// Stats returns the work done so far.
func (s *Service) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Start runs a service over db in a goroutine until ctx ends or the
// returned stop is called; stop cancels it and waits until the analysis in
// hand has finished and been stored, so that the database is not closed
// under it (runServe defers it).
func Start(ctx context.Context, db *store.DB, log *slog.Logger) (stop func()) {
	s := New(db, log)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// Run makes a pass four times per Interval until ctx ends, so that a change
// is analysed within about 1¼ Interval while each conversation is looked at
// (and analysed) at most once per Interval. Errors are logged and the next
// pass tries again.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(s.interval() / 4)
	defer t.Stop()
	for {
		if _, err := s.RunOnce(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("conversation analysis failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce makes one pass: it looks at every conversation not looked at
// within the last Interval and analyses those that have changed since their
// stored result, and returns how many it analysed. Errors of one conversation do not stop
// the others; they are joined.
func (s *Service) RunOnce(ctx context.Context) (int, error) {
	s.run.Lock()
	defer s.run.Unlock()
	started := time.Now()
	defer func() {
		s.mu.Lock()
		s.stats.Pass += time.Since(started)
		s.mu.Unlock()
	}()
	var targets []store.AnalysisTarget
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		targets, err = tx.AnalysisTargets(ctx)
		return err
	})
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.stats.Passes++
	s.mu.Unlock()
	n := 0
	var errs []error
	live := map[int64]bool{}
	for _, t := range targets {
		if ctx.Err() != nil {
			break
		}
		live[t.ConversationID] = true
		if last, ok := s.checked[t.ConversationID]; ok && started.Sub(last) < s.interval() {
			continue
		}
		s.checked[t.ConversationID] = started
		did, err := s.analyse(ctx, t)
		if err != nil {
			errs = append(errs, err)
		}
		if did {
			n++
		}
	}
	s.evict(live)
	return n, errors.Join(errs...)
}

// evict drops engines of deleted conversations and idle ones.
func (s *Service) evict(live map[int64]bool) {
	for id := range s.checked {
		if !live[id] {
			delete(s.checked, id)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, w := range s.warm {
		if !live[id] || time.Since(w.lastUsed) > s.idleEvict() {
			delete(s.warm, id)
		}
	}
}

// analyse brings one conversation's stored result up to date if it needs it.
func (s *Service) analyse(ctx context.Context, t store.AnalysisTarget) (bool, error) {
	s.mu.Lock()
	w := s.warm[t.ConversationID]
	s.mu.Unlock()
	if w == nil {
		need, err := s.needsAnalysis(ctx, t)
		if err != nil || !need {
			return false, err
		}
		return true, s.build(ctx, t, nil)
	}
	changed, rebuild, snap, err := s.feed(ctx, t.ConversationID, w)
	if err != nil {
		return false, err
	}
	if rebuild {
		// A participant was banned or unbanned: the engine has votes that
		// no longer count, or lacks votes that count again, and an engine
		// cannot take a participant's row out. Build it again from the
		// votes that count, warm-started from its own latest result so that
		// the groups stay where they were.
		s.log.Info("participant banned or unbanned; rebuilding the conversation's analysis", "conversation", t.ConversationID)
		s.mu.Lock()
		delete(s.warm, t.ConversationID)
		s.stats.Rebuilds++
		s.mu.Unlock()
		return true, s.build(ctx, t, w.engine.Result())
	}
	if !changed && t.Result != nil {
		// Nothing new here. Another instance may have stored a result of a
		// later snapshot; ours is still right for what it has seen.
		return false, nil
	}
	w.lastUsed = time.Now()
	return true, s.update(ctx, t.ConversationID, w, snap)
}

// needsAnalysis decides from the database alone (no warm engine) whether a
// conversation's stored result is out of date.
func (s *Service) needsAnalysis(ctx context.Context, t store.AnalysisTarget) (bool, error) {
	var need bool
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if t.Result == nil {
			need, err = tx.HasVotesAfter(ctx, t.ConversationID, nil)
			return err
		}
		if need, err = tx.HasVotesAfter(ctx, t.ConversationID, t.Result.LastVoteAt); err != nil || need {
			return err
		}
		need, err = tx.HasModerationAfter(ctx, t.ConversationID, t.Result.ComputedAt)
		return err
	})
	return need, err
}

// build makes a warm engine from the whole conversation in the database
// (the votes that count: banned participants' are left out), seeded with
// prev or else the stored result, analyses it and stores the result.
func (s *Service) build(ctx context.Context, t store.AnalysisTarget, prev *polis.Result) error {
	convID := t.ConversationID
	w := &warmConv{recent: map[voteKey]voteSeen{}, mod: map[int64]modState{}, banned: map[int64]bool{}}
	m := polis.NewMatrix()
	var prevJSON string
	var snap time.Time
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		snap = s.db.Now()
		// Bans before votes: on PostgreSQL each statement reads the latest
		// commit, so a ban changed in between is one that w.banned does not
		// show yet, which the next feed notices and rebuilds for.
		bans, err := tx.BanStates(ctx, convID, nil)
		if err != nil {
			return err
		}
		for _, b := range bans {
			w.banned[b.ParticipantID] = b.Banned
		}
		states, err := tx.StatementStates(ctx, convID, nil)
		if err != nil {
			return err
		}
		for _, st := range states {
			ms := modState{out: st.Status == conversation.StatementRejected, meta: st.Meta}
			w.mod[st.ID] = ms
			m.AddStatement(st.ID)
			m.SetModeratedOut(st.ID, ms.out)
			m.SetMeta(st.ID, ms.meta)
		}
		err = tx.VotesInRowOrder(ctx, convID, func(v store.VoteRow) error {
			w.note(v, s.slack())
			return m.Set(v.ParticipantID, v.StatementID, v.Value)
		})
		if err != nil {
			return err
		}
		if prev != nil {
			return nil
		}
		if r, err := tx.LoadConversationResult(ctx, convID); err == nil {
			prevJSON = r.JSON
		}
		return nil
	})
	if err != nil {
		return err
	}
	m.SortStatements()
	opts := s.Options
	if prev != nil {
		opts.Previous = prev
	} else if prevJSON != "" {
		if prev, err := Decode([]byte(prevJSON)); err == nil {
			opts.Previous = prev
		} else {
			s.log.Warn("stored conversation result unreadable; analysing from scratch", "conversation", convID, "err", err)
		}
	}
	w.engine = polis.NewEngineFrom(m, opts)
	w.modMark = snap
	w.lastUsed = time.Now()
	s.mu.Lock()
	s.warm[convID] = w
	s.stats.Builds++
	s.mu.Unlock()
	return s.update(ctx, convID, w, snap)
}

// note records a vote fed to the engine: the watermark and the recent window.
func (w *warmConv) note(v store.VoteRow, slack time.Duration) {
	k := voteKey{v.ParticipantID, v.StatementID}
	if w.voteMark == nil || v.At.After(*w.voteMark) {
		at := v.At
		w.voteMark = &at
	}
	if !v.At.Before(w.voteMark.Add(-slack)) {
		w.recent[k] = voteSeen{v.Value, v.At}
	}
}

// feed gives a warm engine the votes and moderation changes since its
// watermarks and reports whether anything changed, with the snapshot time.
// When a participant's ban was set or lifted since the engine was built, it
// feeds nothing and reports rebuild: the engine must be built again.
func (s *Service) feed(ctx context.Context, convID int64, w *warmConv) (changed, rebuild bool, snap time.Time, err error) {
	var votes []store.VoteRow
	var states []store.StatementState
	modFrom := w.modMark.Add(-s.slack())
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		snap = s.db.Now()
		// Bans first (see build). The window re-reads recent changes; only
		// a state different from the engine's means work.
		bans, err := tx.BanStates(ctx, convID, &modFrom)
		if err != nil {
			return err
		}
		for _, b := range bans {
			if w.banned[b.ParticipantID] != b.Banned {
				rebuild = true
				return nil
			}
		}
		from := time.Time{}
		if w.voteMark != nil {
			from = w.voteMark.Add(-s.slack())
		}
		err = tx.VotesFrom(ctx, convID, from, func(v store.VoteRow) error {
			if seen, ok := w.recent[voteKey{v.ParticipantID, v.StatementID}]; ok && seen.value == v.Value && seen.at.Equal(v.At) {
				return nil
			}
			votes = append(votes, v)
			return nil
		})
		if err != nil {
			return err
		}
		states, err = tx.StatementStates(ctx, convID, &modFrom)
		return err
	})
	if err != nil || rebuild {
		return false, rebuild, snap, err
	}
	pv := make([]polis.Vote, 0, len(votes))
	for _, v := range votes {
		pv = append(pv, polis.Vote{Participant: v.ParticipantID, Statement: v.StatementID, Value: v.Value})
		w.note(v, s.slack())
		changed = true
	}
	if err := w.engine.AddVotes(pv); err != nil {
		return false, false, snap, err
	}
	for _, st := range states {
		ms := modState{out: st.Status == conversation.StatementRejected, meta: st.Meta}
		if old, ok := w.mod[st.ID]; ok && old == ms {
			continue
		}
		w.mod[st.ID] = ms
		w.engine.SetModeratedOut(st.ID, ms.out)
		w.engine.SetMeta(st.ID, ms.meta)
		changed = true
	}
	w.modMark = snap
	// Forget recent votes that have fallen out of the window.
	if w.voteMark != nil {
		cut := w.voteMark.Add(-s.slack())
		for k, v := range w.recent {
			if v.at.Before(cut) {
				delete(w.recent, k)
			}
		}
	}
	return changed, false, snap, nil
}

// update analyses a warm engine and stores the result as of snapshot time snap.
func (s *Service) update(ctx context.Context, convID int64, w *warmConv, snap time.Time) error {
	started := time.Now()
	res := w.engine.Update()
	computed := time.Since(started)
	b, err := Encode(res)
	if err != nil {
		return err
	}
	var votes int64
	for _, n := range res.UserVoteCounts {
		votes += int64(n)
	}
	meta := store.ResultMeta{ComputedAt: snap.UTC(), VotesSeen: votes, LastVoteAt: w.voteMark}
	var stored bool
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		stored, err = tx.SaveConversationResultIfNewer(ctx, store.ConversationResult{ConversationID: convID,
			ComputedAt: meta.ComputedAt, VotesSeen: meta.VotesSeen, LastVoteAt: meta.LastVoteAt, JSON: string(b)})
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.stats.Compute += computed
	if stored {
		s.stats.Analyses++
	} else {
		s.stats.Skipped++
	}
	s.mu.Unlock()
	if stored {
		s.rd.put(convID, meta, res)
	}
	s.log.Debug("conversation analysed", "conversation", convID, "votes", votes, "participants", len(res.Participants),
		"groups", len(res.GroupClusters), "duration", time.Since(started), "stored", stored)
	return nil
}

func (s *Service) interval() time.Duration {
	if s.Interval <= 0 {
		return time.Second
	}
	return s.Interval
}

func (s *Service) slack() time.Duration {
	if s.Slack < 0 {
		return 0
	}
	return s.Slack
}

func (s *Service) idleEvict() time.Duration {
	if s.IdleEvict <= 0 {
		return 30 * time.Minute
	}
	return s.IdleEvict
}
