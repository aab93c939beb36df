package polis

import "sync"

// IncrementalPCATolerance is the power-iteration tolerance of an Engine's incremental
// updates (unless Options.PCATolerance is set): a relative Ritz residual of 1e-8 puts
// the components within about 1e-7 of the exact eigenvectors, far below anything
// visible on a map, and takes a handful of warm-started iterations instead of tens.
// Each update iterates on the current votes, so the error does not accumulate.
const IncrementalPCATolerance = 1e-8

// Engine holds one conversation's votes and moderation state and keeps its analysis up
// to date incrementally, the way Polis does: each Update starts from the previous
// result (PCA power iteration seeded with the previous components, base and group
// k-means seeded with the previous clusters, in-conv kept, the number of groups
// smoothed over updates), so a few new votes cost a few iterations instead of a cold
// start. Column sums are maintained as votes arrive, so the column means are never
// recomputed from scratch either.
//
// An Engine is safe for concurrent use; Update holds the engine's lock while it
// computes, so votes recorded meanwhile wait for it.
type Engine struct {
	mu    sync.Mutex
	opts  Options
	m     *Matrix
	last  *Result
	dirty bool
}

// NewEngine returns an engine for an empty conversation. opts applies to every update;
// its seed fields (or Previous) seed the first update only.
func NewEngine(opts Options) *Engine {
	return &Engine{opts: opts, m: NewMatrix(), dirty: true}
}

// NewEngineFrom returns an engine for an existing vote matrix, which it takes over (the
// caller must not use m afterwards).
func NewEngineFrom(m *Matrix, opts Options) *Engine {
	return &Engine{opts: opts, m: m, dirty: true}
}

// Vote records a vote (export sign: agree +1, disagree −1, pass 0), replacing the
// participant's earlier vote on the statement.
func (e *Engine) Vote(participant, statement int64, value int8) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.m.Set(participant, statement, value); err != nil {
		return err
	}
	e.dirty = true
	return nil
}

// AddVotes records several votes in order. On an invalid vote it stops and returns the
// error; the votes before it are kept.
func (e *Engine) AddVotes(votes []Vote) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, v := range votes {
		if err := e.m.Set(v.Participant, v.Statement, v.Value); err != nil {
			return err
		}
		e.dirty = true
	}
	return nil
}

// AddStatement registers a statement (it takes part in the analysis once voted on).
func (e *Engine) AddStatement(statement int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.m.AddStatement(statement)
}

// SetModeratedOut sets a statement's moderation state (true: moderated out).
func (e *Engine) SetModeratedOut(statement int64, out bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	j := e.m.AddStatement(statement)
	if e.m.modOut[j] != out {
		e.m.modOut[j] = out
		e.dirty = true
	}
}

// SetMeta marks a statement as meta (excluded from the math like moderated-out ones).
func (e *Engine) SetMeta(statement int64, meta bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	j := e.m.AddStatement(statement)
	if e.m.meta[j] != meta {
		e.m.meta[j] = meta
		e.dirty = true
	}
}

// Update brings the analysis up to date and returns it. Without changes since the last
// update it returns the same result. The first update is a cold start unless the
// engine's options carry seeds.
func (e *Engine) Update() *Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.dirty && e.last != nil {
		return e.last
	}
	o := e.opts
	if e.last != nil {
		// Later updates continue from the previous result only.
		o.Previous = e.last
		o.InConv, o.BaseClusters, o.BaseCenters, o.GroupClusters, o.GroupCenters = nil, nil, nil, nil, nil
		if o.PCATolerance <= 0 {
			o.PCATolerance = IncrementalPCATolerance
		}
	}
	e.last = Analyze(e.m, o)
	e.dirty = false
	return e.last
}

// Result returns the latest result (nil before the first Update).
func (e *Engine) Result() *Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.last
}

// Snapshot returns a copy of the engine's vote matrix.
func (e *Engine) Snapshot() *Matrix {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m.Clone()
}
