// Package i18n holds Kuulu's message catalogues in Finnish, Swedish and
// English. Every user-facing string is a key here; a test fails when a key is
// missing in any language.
//
// Catalogues are JSON files in messages/, one per area of the product, each
// mapping key → {"fi": …, "sv": …, "en": …}. Messages are fmt formats: a key
// that takes arguments uses %s, %d or %v.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"kuulu/internal/domain"
)

//go:embed messages/*.json
var files embed.FS

// Catalog is the set of all messages. It is read-only after Load.
type Catalog struct {
	msgs map[string]map[domain.Lang]string
	src  map[string]string // key → file, for error messages
}

// Load parses the embedded catalogues. Duplicate keys across files are an error.
func Load() (*Catalog, error) {
	return LoadFS(files, "messages")
}

// LoadFS parses catalogues from dir in fsys.
func LoadFS(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[domain.Lang]string{}, src: map[string]string{}}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		var m map[string]map[domain.Lang]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		for k, v := range m {
			if prev, dup := c.src[k]; dup {
				return nil, fmt.Errorf("key %q in both %s and %s", k, prev, e.Name())
			}
			c.msgs[k] = v
			c.src[k] = e.Name()
		}
	}
	return c, nil
}

// T returns the message for key in lang, formatted with args. A missing key
// returns the key itself in brackets so it is visible rather than silent.
func (c *Catalog) T(lang domain.Lang, key string, args ...any) string {
	m, ok := c.msgs[key]
	if !ok {
		return "[" + key + "]"
	}
	s, ok := m[lang]
	if !ok || s == "" {
		s = m[domain.Finnish]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Has reports whether key exists.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[key]
	return ok
}

// Keys returns every key, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Problems lists keys missing a language, with an empty text, or whose
// translations disagree on the number of format verbs.
func (c *Catalog) Problems() []string {
	var out []string
	for _, k := range c.Keys() {
		m := c.msgs[k]
		verbs := countVerbs(m[domain.Finnish])
		for _, l := range domain.Langs {
			s, ok := m[l]
			if !ok || strings.TrimSpace(s) == "" {
				out = append(out, fmt.Sprintf("%s (%s): missing %s", k, c.src[k], l))
				continue
			}
			if n := countVerbs(s); n != verbs {
				out = append(out, fmt.Sprintf("%s (%s): %s has %d format verbs, Finnish %d", k, c.src[k], l, n, verbs))
			}
		}
		for l := range m {
			if _, ok := domain.ParseLang(string(l)); !ok {
				out = append(out, fmt.Sprintf("%s (%s): unknown language %q", k, c.src[k], l))
			}
		}
	}
	return out
}

func countVerbs(s string) int {
	n := 0
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			if s[i+1] == '%' {
				i++
				continue
			}
			n++
		}
	}
	return n
}
