package mapping

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/polis"
	"kuulu/internal/store"
)

// storedResult is the JSON stored in conversation_results: Polis's shape
// plus the participants' positions.
type storedResult struct {
	*polis.Result
	Points [][6]float64 `json:"kuulu-participants"`
}

// Encode returns the JSON to store for a result.
func Encode(r *polis.Result) ([]byte, error) {
	s := storedResult{Result: r, Points: make([][6]float64, len(r.Participants))}
	for i, p := range r.Participants {
		base, group := float64(p.BaseCluster), float64(p.Group)
		if !p.InConv {
			base, group = -1, -1
		}
		s.Points[i] = [6]float64{float64(p.ID), p.X, p.Y, float64(p.Votes), base, group}
	}
	return json.Marshal(s)
}

// Decode reads stored JSON back into a result, Participants included.
func Decode(b []byte) (*polis.Result, error) {
	s := storedResult{Result: &polis.Result{}}
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("mapping: stored result: %w", err)
	}
	r := s.Result
	r.Participants = make([]polis.ParticipantPoint, len(s.Points))
	for i, p := range s.Points {
		r.Participants[i] = polis.ParticipantPoint{ID: int64(p[0]), X: p[1], Y: p[2], Votes: int(p[3]),
			InConv: p[4] >= 0, BaseCluster: int(p[4]), Group: int(p[5])}
	}
	return r, nil
}

// Extremity returns each statement's extremity on the map
// (pca.comment-extremity) by statement id: how far from the centre a
// participant who agreed with only that statement would be. It is the E of
// conversation.Priority.
func Extremity(r *polis.Result) map[int64]float64 {
	out := make(map[int64]float64, len(r.TIDs))
	for k, tid := range r.TIDs {
		if k < len(r.PCA.CommentExtremity) {
			out[tid] = r.PCA.CommentExtremity[k]
		}
	}
	return out
}

// Reader serves the latest stored result of each conversation. It caches the
// decoded result per conversation and asks the database at most every MaxAge
// whether a newer one was stored, so that pages may call it on every request.
// Results are shared: callers must not modify them. It is safe for concurrent
// use; create one per process (or per web server).
type Reader struct {
	db *store.DB
	// MaxAge is how long a cached result is served without asking the
	// database (default 1 s: results change at most once a second).
	MaxAge time.Duration

	mu      sync.Mutex
	entries map[int64]*readerEntry
}

type readerEntry struct {
	mu         sync.Mutex
	checked    time.Time // monotonic
	meta       store.ResultMeta
	res        *polis.Result // nil: none stored
	ext        map[int64]float64
	refreshing bool
}

// NewReader returns a reader over db.
func NewReader(db *store.DB) *Reader {
	return &Reader{db: db, MaxAge: time.Second, entries: map[int64]*readerEntry{}}
}

// Latest returns the latest stored result of a conversation and the time of
// the database state it reflects. Without a result it returns an ENOTFOUND
// error (domain.IsNotFound).
func (rd *Reader) Latest(ctx context.Context, convID int64) (*polis.Result, time.Time, error) {
	e, err := rd.entry(ctx, convID)
	if err != nil {
		return nil, time.Time{}, err
	}
	if e.res == nil {
		return nil, time.Time{}, domain.NotFound("conversation result", convID)
	}
	return e.res, e.meta.ComputedAt, nil
}

// Extremity returns the statement extremities of the latest result (empty
// without one); see the package function Extremity.
func (rd *Reader) Extremity(ctx context.Context, convID int64) (map[int64]float64, error) {
	e, err := rd.entry(ctx, convID)
	if err != nil {
		return nil, err
	}
	return e.ext, nil
}

// put installs a result this process has just stored, so that it is served
// at once without reading it back.
func (rd *Reader) put(convID int64, meta store.ResultMeta, r *polis.Result) {
	rd.mu.Lock()
	e := rd.entries[convID]
	if e == nil {
		e = &readerEntry{}
		rd.entries[convID] = e
	}
	rd.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.res != nil && e.meta.ComputedAt.After(meta.ComputedAt) {
		return
	}
	e.meta, e.res, e.ext, e.checked = meta, r, Extremity(r), time.Now()
}

// snapshot is an entry's served state, copied under its lock.
type snapshot struct {
	meta store.ResultMeta
	res  *polis.Result
	ext  map[int64]float64
}

func (e *readerEntry) snap() snapshot { return snapshot{e.meta, e.res, e.ext} }

func (rd *Reader) entry(ctx context.Context, convID int64) (snapshot, error) {
	rd.mu.Lock()
	e := rd.entries[convID]
	if e == nil {
		e = &readerEntry{}
		rd.entries[convID] = e
	}
	rd.mu.Unlock()

	e.mu.Lock()
	loaded := !e.checked.IsZero()
	if loaded && (time.Since(e.checked) < rd.maxAge() || e.refreshing) {
		// Fresh, or another request is refreshing it: serve what we have.
		s := e.snap()
		e.mu.Unlock()
		return s, nil
	}
	if e.refreshing {
		// The first load is in progress in another request: load too
		// rather than wait (only the very first requests of a conversation).
		e.mu.Unlock()
		s, _, err := rd.load(ctx, convID, nil)
		return s, err
	}
	e.refreshing = true
	var known *store.ResultMeta
	if loaded {
		m := e.meta
		known = &m
	}
	e.mu.Unlock()

	s, changed, err := rd.load(ctx, convID, known)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refreshing = false
	if err != nil {
		return snapshot{}, err
	}
	// Keep a newer result that the Service installed meanwhile.
	if changed && (e.res == nil || s.res == nil || !e.meta.ComputedAt.After(s.meta.ComputedAt)) {
		e.meta, e.res, e.ext = s.meta, s.res, s.ext
	}
	e.checked = time.Now()
	return e.snap(), nil
}

// load reads the stored result's metadata and, unless it equals known, the
// result itself; changed is false when it equals known. Without a stored
// result it returns an empty snapshot (res nil).
func (rd *Reader) load(ctx context.Context, convID int64, known *store.ResultMeta) (s snapshot, changed bool, err error) {
	var raw string
	err = rd.db.Read(ctx, func(tx *store.Tx) error {
		m, err := tx.ConversationResultMeta(ctx, convID)
		if err != nil {
			return err
		}
		if known != nil && sameMeta(*known, m) {
			return nil
		}
		r, err := tx.LoadConversationResult(ctx, convID)
		if err != nil {
			return err
		}
		s.meta = store.ResultMeta{ComputedAt: r.ComputedAt.UTC(), VotesSeen: r.VotesSeen, LastVoteAt: r.LastVoteAt}
		raw = r.JSON
		return nil
	})
	if domain.IsNotFound(err) {
		return snapshot{ext: map[int64]float64{}}, true, nil
	}
	if err != nil {
		return s, false, err
	}
	if raw == "" {
		return s, false, nil
	}
	if s.res, err = Decode([]byte(raw)); err != nil {
		return s, false, err
	}
	s.ext = Extremity(s.res)
	return s, true, nil
}

func sameMeta(a, b store.ResultMeta) bool {
	if !a.ComputedAt.Equal(b.ComputedAt) || a.VotesSeen != b.VotesSeen || (a.LastVoteAt == nil) != (b.LastVoteAt == nil) {
		return false
	}
	return a.LastVoteAt == nil || a.LastVoteAt.Equal(*b.LastVoteAt)
}

func (rd *Reader) maxAge() time.Duration {
	if rd.MaxAge <= 0 {
		return time.Second
	}
	return rd.MaxAge
}
