package org

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

var areas = map[string]int64{"vanhuspalvelut": 1, "terveyspalvelut": 2}

func TestParseUnitsCSVGood(t *testing.T) {
	in := "\xef\xbb\xbfservice_area;slug;name_fi;name_sv;name_en;municipality;street_address;postal_code\n" +
		"vanhuspalvelut;kotihoito-kuhmo;Kotihoito, Kuhmo;Hemvård, Kuhmo;Home care, Kuhmo;Kuhmo;Koulukatu 1;88900\n" +
		"\n" +
		"terveyspalvelut;sotkamon-terveysasema;Sotkamon terveysasema;;;Sotkamo;;\n"
	units, err := ParseUnitsCSV(strings.NewReader(in), areas)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if len(units) != 2 {
		t.Fatalf("got %d units, want 2", len(units))
	}
	if u := units[0]; u.ServiceAreaID != 1 || u.Name.SV != "Hemvård, Kuhmo" || u.PostalCode != "88900" || u.Slug != "kotihoito-kuhmo" {
		t.Errorf("first unit = %+v", u)
	}
	if u := units[1]; u.ServiceAreaID != 2 || u.Municipality != "Sotkamo" {
		t.Errorf("second unit = %+v", u)
	}
}

func TestParseUnitsCSVBad(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // "line:column:key"
	}{
		{"missing column", "slug,name_fi\nx,y\n", []string{"1:service_area:err.csv.missing_column", "1:municipality:err.csv.missing_column"}},
		{"unknown column", "service_area,slug,name_fi,municipality,phone\n", []string{"1:phone:err.csv.unknown_column"}},
		{"empty", "", []string{"1::err.csv.empty"}},
		{"header only", "service_area,slug,name_fi,municipality\n", []string{"2::err.csv.no_rows"}},
		{"bad rows", "service_area,slug,name_fi,municipality,postal_code\n" +
			"vanhuspalvelut,ok-unit,Hyvä,Kajaani,87100\n" +
			"tuntematon,bad slug,,Kajaani,871\n" +
			"vanhuspalvelut,ok-unit,Toinen,,\n" +
			"vanhuspalvelut,short\n",
			[]string{
				"3:service_area:err.csv.unknown_area", "3:slug:err.slug", "3:name_fi:err.required", "3:postal_code:err.postal_code",
				"4:municipality:err.required", "4:slug:err.csv.duplicate_slug",
				"5::err.csv.field_count",
			}},
		{"invalid utf8", "service_area,slug,name_fi,municipality\nvanhuspalvelut,a1,\xff\xfe,Kajaani\n", []string{"0::err.csv.encoding"}},
		{"unterminated quote", "service_area,slug,name_fi,municipality\nvanhuspalvelut,a1,\"open,Kajaani\n", []string{"2::err.csv.syntax"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			units, err := ParseUnitsCSV(strings.NewReader(tc.in), areas)
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, units = %d; want ImportError", err, len(units))
			}
			if units != nil {
				t.Errorf("units returned with errors: %v", units)
			}
			var got []string
			for _, r := range ie.Rows {
				got = append(got, strings.Join([]string{itoa(r.Line), r.Column, r.Key}, ":"))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("errors\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Kajaanin pääterveysasema": "kajaanin-paaterveysasema",
		"  Kotihoito / Kuhmo  ":    "kotihoito-kuhmo",
		"Åsa":                      "asa",
	} {
		if got := Slugify(in); got != want || !ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}
