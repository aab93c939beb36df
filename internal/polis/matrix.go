package polis

import (
	"fmt"
	"slices"
	"sort"
)

// Vote values in the export sign used throughout this package's API: agree is +1,
// disagree is −1 and pass is 0. Polis stores votes internally with the opposite sign
// (agree = −1); see the package documentation for where that sign shows up.
const (
	Agree    int8 = 1
	Disagree int8 = -1
	Pass     int8 = 0
)

// Vote is one vote of a participant on a statement, in the export sign.
type Vote struct {
	Participant int64
	Statement   int64
	Value       int8
}

// cell is one stored vote: the column index and the value in the export sign.
type cell struct {
	col int32
	val int8
}

// Matrix is a sparse participants × statements vote matrix together with the
// moderation state of each statement. Rows and columns keep the order in which their
// ids were first added; Polis's cold-start k-means depends on the row order (it starts
// from the first distinct points), so callers that want to reproduce Polis should add
// participants in Polis's order (the order of participants-votes.csv, or the order of
// first vote).
//
// The zero value is not usable; create one with NewMatrix. A Matrix is not safe for
// concurrent mutation.
type Matrix struct {
	participants []int64
	statements   []int64
	pIndex       map[int64]int
	sIndex       map[int64]int
	rows         [][]cell // per participant, sorted by column
	colSum       []int64  // sum of vote values per column (export sign)
	colCount     []int32  // number of votes per column
	colAgree     []int32  // number of agrees per column (disagrees follow from the sum)
	modOut       []bool
	meta         []bool
	nVotes       int
}

// NewMatrix returns an empty matrix.
func NewMatrix() *Matrix {
	return &Matrix{pIndex: map[int64]int{}, sIndex: map[int64]int{}}
}

// AddParticipant adds a participant row (if new) and returns its row index.
func (m *Matrix) AddParticipant(id int64) int {
	if i, ok := m.pIndex[id]; ok {
		return i
	}
	i := len(m.participants)
	m.participants = append(m.participants, id)
	m.rows = append(m.rows, nil)
	m.pIndex[id] = i
	return i
}

// AddStatement adds a statement column (if new) and returns its column index.
func (m *Matrix) AddStatement(id int64) int {
	if j, ok := m.sIndex[id]; ok {
		return j
	}
	j := len(m.statements)
	m.statements = append(m.statements, id)
	m.colSum = append(m.colSum, 0)
	m.colCount = append(m.colCount, 0)
	m.colAgree = append(m.colAgree, 0)
	m.modOut = append(m.modOut, false)
	m.meta = append(m.meta, false)
	m.sIndex[id] = j
	return j
}

// Set records a vote (replacing an earlier vote of the same participant on the same
// statement), adding the participant and statement if they are new. The value must be
// −1, 0 or +1 (export sign).
func (m *Matrix) Set(participant, statement int64, value int8) error {
	if value < -1 || value > 1 {
		return fmt.Errorf("polis: vote %d of participant %d on statement %d is not -1, 0 or 1", value, participant, statement)
	}
	i := m.AddParticipant(participant)
	j := m.AddStatement(statement)
	m.set(i, j, value)
	return nil
}

func (m *Matrix) set(i, j int, value int8) {
	row := m.rows[i]
	k, found := slices.BinarySearchFunc(row, int32(j), func(c cell, col int32) int { return int(c.col) - int(col) })
	if found {
		old := row[k].val
		m.colSum[j] += int64(value) - int64(old)
		m.colAgree[j] += b2i(value == Agree) - b2i(old == Agree)
		row[k].val = value
		return
	}
	row = slices.Insert(row, k, cell{col: int32(j), val: value})
	m.rows[i] = row
	m.colSum[j] += int64(value)
	m.colAgree[j] += b2i(value == Agree)
	m.colCount[j]++
	m.nVotes++
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// SetModeratedOut marks a statement as moderated out (or back in). Moderated-out
// statements count as 0 for the PCA and are never chosen as representative or
// consensus statements. The statement is added if it is new.
func (m *Matrix) SetModeratedOut(statement int64, out bool) {
	m.modOut[m.AddStatement(statement)] = out
}

// SetMeta marks a statement as a meta statement. Polis treats meta statements like
// moderated-out ones in the math (they are part of its mod-out list).
func (m *Matrix) SetMeta(statement int64, meta bool) {
	m.meta[m.AddStatement(statement)] = meta
}

// Get returns the vote of a participant on a statement and whether there is one.
func (m *Matrix) Get(participant, statement int64) (int8, bool) {
	i, ok := m.pIndex[participant]
	if !ok {
		return 0, false
	}
	j, ok := m.sIndex[statement]
	if !ok {
		return 0, false
	}
	row := m.rows[i]
	k, found := slices.BinarySearchFunc(row, int32(j), func(c cell, col int32) int { return int(c.col) - int(col) })
	if !found {
		return 0, false
	}
	return row[k].val, true
}

// Participants returns the participant ids in row order (shared slice: do not modify).
func (m *Matrix) Participants() []int64 { return m.participants }

// Statements returns the statement ids in column order (shared slice: do not modify).
func (m *Matrix) Statements() []int64 { return m.statements }

// NumVotes returns the number of stored votes.
func (m *Matrix) NumVotes() int { return m.nVotes }

// ModeratedOut reports whether the statement is moderated out or meta (Polis's mod-out).
func (m *Matrix) ModeratedOut(statement int64) bool {
	j, ok := m.sIndex[statement]
	return ok && (m.modOut[j] || m.meta[j])
}

// IsMeta reports whether the statement is marked as meta.
func (m *Matrix) IsMeta(statement int64) bool {
	j, ok := m.sIndex[statement]
	return ok && m.meta[j]
}

// Clone returns a deep copy of the matrix.
func (m *Matrix) Clone() *Matrix {
	c := &Matrix{
		participants: slices.Clone(m.participants),
		statements:   slices.Clone(m.statements),
		pIndex:       make(map[int64]int, len(m.pIndex)),
		sIndex:       make(map[int64]int, len(m.sIndex)),
		rows:         make([][]cell, len(m.rows)),
		colSum:       slices.Clone(m.colSum),
		colCount:     slices.Clone(m.colCount),
		colAgree:     slices.Clone(m.colAgree),
		modOut:       slices.Clone(m.modOut),
		meta:         slices.Clone(m.meta),
		nVotes:       m.nVotes,
	}
	for k, v := range m.pIndex {
		c.pIndex[k] = v
	}
	for k, v := range m.sIndex {
		c.sIndex[k] = v
	}
	for i, r := range m.rows {
		c.rows[i] = slices.Clone(r)
	}
	return c
}

// SortStatements reorders the columns by ascending statement id (Polis lists tids in
// ascending order). It is cheap enough to call once after loading.
func (m *Matrix) SortStatements() {
	order := make([]int, len(m.statements))
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(a, b int) bool { return m.statements[order[a]] < m.statements[order[b]] })
	newIndex := make([]int32, len(order))
	for newJ, oldJ := range order {
		newIndex[oldJ] = int32(newJ)
	}
	perm := func(n int, f func(newJ, oldJ int)) {
		for newJ := 0; newJ < n; newJ++ {
			f(newJ, order[newJ])
		}
	}
	ids := make([]int64, len(order))
	sums := make([]int64, len(order))
	counts := make([]int32, len(order))
	agrees := make([]int32, len(order))
	mo := make([]bool, len(order))
	me := make([]bool, len(order))
	perm(len(order), func(nj, oj int) {
		ids[nj], sums[nj], counts[nj], agrees[nj] = m.statements[oj], m.colSum[oj], m.colCount[oj], m.colAgree[oj]
		mo[nj], me[nj] = m.modOut[oj], m.meta[oj]
	})
	m.statements, m.colSum, m.colCount, m.colAgree, m.modOut, m.meta = ids, sums, counts, agrees, mo, me
	for id, oj := range m.sIndex {
		m.sIndex[id] = int(newIndex[oj])
	}
	for i, row := range m.rows {
		for k := range row {
			row[k].col = newIndex[row[k].col]
		}
		slices.SortFunc(row, func(a, b cell) int { return int(a.col) - int(b.col) })
		m.rows[i] = row
	}
}
