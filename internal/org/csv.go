package org

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"kuulu/internal/domain"
)

// UnitCSVColumns are the columns of the unit import file, in any order. The
// header row is required; service_area is the slug of an existing service area.
var UnitCSVColumns = []string{"service_area", "slug", "name_fi", "name_sv", "name_en", "municipality", "street_address", "postal_code"}

var requiredUnitColumns = []string{"service_area", "slug", "name_fi", "municipality"}

// RowError is one problem in an import file: the line (1 is the header) and
// the i18n key of the reason, with the column when one is to blame.
type RowError struct {
	Line   int
	Column string
	Key    string
	Args   []any
}

// ImportError carries every row error of a rejected import.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string { return fmt.Sprintf("import rejected: %d errors", len(e.Rows)) }

// MaxImportRows caps one import file.
const MaxImportRows = 5000

// ParseUnitsCSV reads a unit list. areaIDs maps service area slugs to ids. It
// returns the units, or an *ImportError listing every bad row; a file is
// accepted whole or not at all. Comma and semicolon separators are accepted
// (Finnish spreadsheet programs write semicolons), and a UTF-8 byte order mark.
func ParseUnitsCSV(r io.Reader, areaIDs map[string]int64) ([]Unit, error) {
	data, err := io.ReadAll(io.LimitReader(r, 5<<20))
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, &ImportError{Rows: []RowError{{Line: 0, Key: "err.csv.encoding"}}}
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ','
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		sep = ';'
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ImportError{Rows: []RowError{{Line: 1, Key: "err.csv.empty"}}}
	}
	if err != nil {
		return nil, &ImportError{Rows: []RowError{{Line: 1, Key: "err.csv.syntax"}}}
	}
	col := map[string]int{}
	var bad []RowError
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range UnitCSVColumns {
			known = known || c == h
		}
		if !known {
			bad = append(bad, RowError{Line: 1, Column: h, Key: "err.csv.unknown_column"})
			continue
		}
		if _, dup := col[h]; dup {
			bad = append(bad, RowError{Line: 1, Column: h, Key: "err.csv.duplicate_column"})
		}
		col[h] = i
	}
	for _, c := range requiredUnitColumns {
		if _, ok := col[c]; !ok {
			bad = append(bad, RowError{Line: 1, Column: c, Key: "err.csv.missing_column"})
		}
	}
	if len(bad) > 0 {
		return nil, &ImportError{Rows: bad}
	}
	get := func(rec []string, c string) string {
		if i, ok := col[c]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var units []Unit
	seen := map[string]int{}
	for {
		line, _ := cr.FieldPos(0)
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			bad = append(bad, RowError{Line: line, Key: "err.csv.syntax"})
			break
		}
		line, _ = cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(units) >= MaxImportRows {
			bad = append(bad, RowError{Line: line, Key: "err.csv.too_many_rows", Args: []any{MaxImportRows}})
			break
		}
		if len(rec) != len(header) {
			bad = append(bad, RowError{Line: line, Key: "err.csv.field_count", Args: []any{len(header), len(rec)}})
			continue
		}
		u := Unit{
			Slug:          get(rec, "slug"),
			Name:          domain.Text{FI: get(rec, "name_fi"), SV: get(rec, "name_sv"), EN: get(rec, "name_en")},
			Municipality:  get(rec, "municipality"),
			StreetAddress: get(rec, "street_address"),
			PostalCode:    get(rec, "postal_code"),
			Active:        true,
		}
		area := get(rec, "service_area")
		if id, ok := areaIDs[area]; ok {
			u.ServiceAreaID = id
		} else {
			bad = append(bad, RowError{Line: line, Column: "service_area", Key: "err.csv.unknown_area", Args: []any{area}})
			u.ServiceAreaID = -1
		}
		if err := u.Validate(); err != nil {
			if de := domain.AsError(err); de != nil {
				for _, c := range UnitCSVColumns {
					if fe, ok := de.Fields[c]; ok && !(c == "service_area" && u.ServiceAreaID == -1) {
						bad = append(bad, RowError{Line: line, Column: c, Key: fe.Key, Args: fe.Args})
					}
				}
			}
		}
		if prev, dup := seen[u.Slug]; dup && u.Slug != "" {
			bad = append(bad, RowError{Line: line, Column: "slug", Key: "err.csv.duplicate_slug", Args: []any{prev}})
		} else {
			seen[u.Slug] = line
		}
		units = append(units, u)
	}
	if len(bad) > 0 {
		return nil, &ImportError{Rows: bad}
	}
	if len(units) == 0 {
		return nil, &ImportError{Rows: []RowError{{Line: 2, Key: "err.csv.no_rows"}}}
	}
	return units, nil
}
