// Package org is the organisation of a wellbeing services county: the county,
// its service areas (palvelualue) and units (yksikkö), and the people who
// work there with their roles.
package org

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"kuulu/internal/domain"
)

// County is the wellbeing services county (hyvinvointialue) this installation serves.
type County struct {
	Name      domain.Text
	UpdatedAt time.Time
}

// ServiceArea groups units, e.g. older people's services.
type ServiceArea struct {
	ID        int64
	Slug      string
	Name      domain.Text
	SortOrder int
	CreatedAt time.Time
	UpdatedAt time.Time
	Units     []Unit // filled by tree queries only
}

// Unit is a place where clients meet the county's services. Its slug is the
// public short link (/p/{slug}).
type Unit struct {
	ID            int64
	ServiceAreaID int64
	Slug          string
	Name          domain.Text
	Municipality  string
	StreetAddress string
	PostalCode    string
	Active        bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Municipalities are the eight municipalities of the demo county (Kainuu).
// Units may name any municipality; this list only feeds form suggestions.
var Municipalities = []string{"Kajaani", "Sotkamo", "Kuhmo", "Suomussalmi", "Paltamo", "Puolanka", "Ristijärvi", "Hyrynsalmi"}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

var postalRE = regexp.MustCompile(`^[0-9]{5}$`)

// ValidSlug reports whether s can be a public slug: lower-case letters a–z,
// digits and single hyphens, 2–60 characters.
func ValidSlug(s string) bool {
	return len(s) >= 2 && len(s) <= 60 && slugRE.MatchString(s)
}

// Slugify turns a name into a slug candidate (ä→a, ö→o, å→a, spaces to hyphens).
func Slugify(name string) string {
	r := strings.NewReplacer("ä", "a", "ö", "o", "å", "a", "Ä", "a", "Ö", "o", "Å", "a", "é", "e", "ü", "u")
	s := strings.ToLower(r.Replace(name))
	var b strings.Builder
	dash := false
	for _, c := range s {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if len(out) > 60 {
		out = strings.TrimRight(out[:60], "-")
	}
	return out
}

func checkName(f domain.FieldErrors, field, v string, required bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		f.Add(field, "err.required")
	case utf8.RuneCountInString(v) > 200:
		f.Add(field, "err.too_long", 200)
	}
}

// Validate checks a service area's fields.
func (a *ServiceArea) Validate() error {
	f := domain.FieldErrors{}
	a.Slug = strings.TrimSpace(a.Slug)
	if !ValidSlug(a.Slug) {
		f.Add("slug", "err.slug")
	}
	checkName(f, "name_fi", a.Name.FI, true)
	checkName(f, "name_sv", a.Name.SV, false)
	checkName(f, "name_en", a.Name.EN, false)
	return f.Err()
}

// Validate checks a unit's fields.
func (u *Unit) Validate() error {
	f := domain.FieldErrors{}
	u.Slug = strings.TrimSpace(u.Slug)
	u.Municipality = strings.TrimSpace(u.Municipality)
	u.PostalCode = strings.TrimSpace(u.PostalCode)
	if u.ServiceAreaID <= 0 {
		f.Add("service_area", "err.required")
	}
	if !ValidSlug(u.Slug) {
		f.Add("slug", "err.slug")
	}
	checkName(f, "name_fi", u.Name.FI, true)
	checkName(f, "name_sv", u.Name.SV, false)
	checkName(f, "name_en", u.Name.EN, false)
	checkName(f, "municipality", u.Municipality, true)
	checkName(f, "street_address", u.StreetAddress, false)
	if u.PostalCode != "" && !postalRE.MatchString(u.PostalCode) {
		f.Add("postal_code", "err.postal_code")
	}
	return f.Err()
}
