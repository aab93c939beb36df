package open311

import (
	"encoding/xml"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"kuulu/internal/domain"
)

// The handlers are tested through the real server in
// internal/web/open311_test.go; these are the pure helpers.

func TestSplitFile(t *testing.T) {
	for in, want := range map[string]struct {
		name string
		f    format
		ok   bool
	}{
		"services.json":     {"services", formatJSON, true},
		"services.xml":      {"services", formatXML, true},
		"K7QM-4XZ2-9P6.xml": {"K7QM-4XZ2-9P6", formatXML, true},
		"a.b.json":          {"a.b", formatJSON, true},
		"services.XML":      {"services", formatJSON, false},
		"services.txt":      {"services", formatJSON, false},
		"services":          {"services", formatJSON, false},
		".json":             {".json", formatJSON, false},
		"":                  {"", formatJSON, false},
	} {
		name, f, ok := splitFile(in)
		if name != want.name || f != want.f || ok != want.ok {
			t.Errorf("splitFile(%q) = %q %q %v, want %+v", in, name, f, ok, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	hel := func(s string) time.Time { tm, _ := time.ParseInLocation("2006-01-02T15:04:05", s, helsinki); return tm }
	for in, want := range map[string]time.Time{
		"":                              {},
		"2026-11-02T10:00:00+02:00":     time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC),
		"2026-11-02T08:00:00Z":          time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC),
		"2026-11-02T08:00:00.123456Z":   time.Date(2026, 11, 2, 8, 0, 0, 123456000, time.UTC),
		"2026-11-02T10:00:00+0200":      time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC),
		"2026-11-02T10:00:00":           hel("2026-11-02T10:00:00"),
		"2026-07-02T10:00":              hel("2026-07-02T10:00:00"),
		"2026-11-02":                    hel("2026-11-02T00:00:00"),
		" 2026-11-02 ":                  hel("2026-11-02T00:00:00"),
		"2026-07-01T00:00:00+03:00":     time.Date(2026, 6, 30, 21, 0, 0, 0, time.UTC),
		"2026-02-30":                    {},
		"yesterday":                     {},
		"2026-11-02T25:00:00Z":          {},
		strings.Repeat("2026-11-02", 5): {},
	} {
		got, ok := parseDate(in)
		wantOK := !want.IsZero() || strings.TrimSpace(in) == ""
		if ok != wantOK || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v %v, want %v %v", in, got, ok, want, wantOK)
		}
	}
}

func TestLocale(t *testing.T) {
	for in, want := range map[string]domain.Lang{
		"": domain.Finnish, "fi": domain.Finnish, "sv": domain.Swedish, "en": domain.English, "SV": domain.Swedish,
		"sv_FI": domain.Swedish, "en-GB": domain.English, "de": domain.Finnish, "x%zz": domain.Finnish,
	} {
		r := httptest.NewRequest("GET", "/open311/v2/services.json?locale="+in, nil)
		if got := locale(r); got != want {
			t.Errorf("locale(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestCoordinate(t *testing.T) {
	for _, c := range []struct {
		in    string
		limit float64
		ok    bool
		isNil bool
	}{
		{"", 90, true, true}, {" 64.22 ", 90, true, false}, {"-90", 90, true, false}, {"90.0001", 90, false, true},
		{"180", 180, true, false}, {"-181", 180, false, true}, {"NaN", 90, false, true}, {"Inf", 180, false, true}, {"6,4", 90, false, true},
	} {
		v, ok := coordinate(c.in, c.limit)
		if ok != c.ok || (v == nil) != c.isNil {
			t.Errorf("coordinate(%q, %v) = %v %v", c.in, c.limit, v, ok)
		}
	}
}

func TestOptionalValuesEncode(t *testing.T) {
	type doc struct {
		XMLName xml.Name  `json:"-" xml:"r"`
		S       optString `json:"s" xml:"s"`
		E       optString `json:"e" xml:"e"`
		F       optFloat  `json:"f" xml:"f"`
		N       optFloat  `json:"n" xml:"n"`
	}
	d := doc{S: some("<a & \"b\">\x01"), E: optString{}, F: optFloat{v: 64.2245, ok: true}}
	j, _, err := encode(formatJSON, d, d)
	if err != nil || string(j) != `{"s":"<a & \"b\">\u0001","e":null,"f":64.2245,"n":null}`+"\n" {
		t.Errorf("JSON %s %v", j, err)
	}
	x, ct, err := encode(formatXML, d, d)
	want := xml.Header + "<r>\n  <s>&lt;a &amp; &#34;b&#34;&gt;\uFFFD</s>\n  <e></e>\n  <f>64.2245</f>\n  <n></n>\n</r>\n"
	if err != nil || string(x) != want || ct != "application/xml; charset=utf-8" {
		t.Errorf("XML %q %v, want %q", x, err, want)
	}
	if got := isoTime(time.Date(2026, 7, 1, 9, 30, 0, 0, time.UTC)); got != "2026-07-01T12:30:00+03:00" {
		t.Errorf("isoTime in summer: %s", got)
	}
	if got := isoTime(time.Date(2026, 11, 2, 8, 0, 0, 999, time.UTC)); got != "2026-11-02T10:00:00+02:00" {
		t.Errorf("isoTime in winter: %s", got)
	}
}

func TestClipAndSort(t *testing.T) {
	if got := clip(strings.Repeat("ä", 61)); got != strings.Repeat("ä", 60)+"…" {
		t.Errorf("clip: %q", got)
	}
	if got := clip("lyhyt"); got != "lyhyt" {
		t.Errorf("clip: %q", got)
	}
	errs := []apiError{{param: "email"}, {param: "zzz"}, {param: "api_key"}, {param: "description"}, {param: "service_code"}}
	sortErrors(errs)
	var got []string
	for _, e := range errs {
		got = append(got, e.param)
	}
	if strings.Join(got, ",") != "api_key,service_code,description,email,zzz" {
		t.Errorf("order %v", got)
	}
}
