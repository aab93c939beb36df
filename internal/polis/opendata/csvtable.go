package opendata

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// csvTable reads a CSV file with a header row and gives access to columns by name.
type csvTable struct {
	name string
	r    *csv.Reader
	cols map[string]int
	hdr  []string
	rec  []string
	line int
}

func openTable(r io.Reader, name string, required ...string) (*csvTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	t := &csvTable{name: name, r: cr, cols: map[string]int{}}
	hdr, err := cr.Read()
	if err == io.EOF {
		return nil, &ParseError{File: name, Line: 1, Msg: "empty file: missing header"}
	}
	if err != nil {
		return nil, t.wrap(err)
	}
	t.hdr = append([]string(nil), hdr...)
	for i, h := range t.hdr {
		h = strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")
		t.hdr[i] = h
		if _, dup := t.cols[h]; !dup {
			t.cols[h] = i
		}
	}
	for _, c := range required {
		if _, ok := t.cols[c]; !ok {
			return nil, &ParseError{File: name, Line: 1, Msg: fmt.Sprintf("missing column %q", c)}
		}
	}
	return t, nil
}

func (t *csvTable) wrap(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: t.name, Line: pe.Line, Msg: pe.Err.Error()}
	}
	return &ParseError{File: t.name, Msg: err.Error()}
}

// next reads the next record; it returns false at the end.
func (t *csvTable) next() (bool, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, t.wrap(err)
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	return true, nil
}

func (t *csvTable) errorf(format string, args ...any) error {
	return &ParseError{File: t.name, Line: t.line, Msg: fmt.Sprintf(format, args...)}
}

// field returns the named column of the current record ("" when the row is short).
func (t *csvTable) field(col string) string {
	i := t.cols[col]
	if i < len(t.rec) {
		return t.rec[i]
	}
	return ""
}

func (t *csvTable) int64Field(col string) (int64, error) {
	s := strings.TrimSpace(t.field(col))
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, t.errorf("column %s: %q is not an integer", col, s)
	}
	return v, nil
}

func (t *csvTable) intField(col string) (int, error) {
	v, err := t.int64Field(col)
	if err == nil && (v > 1<<31-1 || v < -(1<<31)) {
		return 0, t.errorf("column %s: %d out of range", col, v)
	}
	return int(v), err
}

// parseVote parses a vote value, which must be −1, 0 or 1.
func parseVote(s string) (int8, bool) {
	switch strings.TrimSpace(s) {
	case "1", "+1", "1.0":
		return 1, true
	case "0", "-0", "0.0":
		return 0, true
	case "-1", "-1.0":
		return -1, true
	}
	return 0, false
}
