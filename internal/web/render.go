package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/org"
)

//go:embed templates/*.html templates/*/*.html
var templateFS embed.FS

// templates holds one parsed template set per page: the layout and partials
// cloned and joined with the page file. Parsed once at start.
type templates struct {
	pages map[string]*template.Template
}

func parseTemplates(funcs template.FuncMap) (*templates, error) {
	base := template.New("").Funcs(funcs)
	var pages []string
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		name := strings.TrimPrefix(p, "templates/")
		if strings.HasPrefix(name, "_") || strings.HasPrefix(path_base(name), "_") {
			b, err := templateFS.ReadFile(p)
			if err != nil {
				return err
			}
			if _, err := base.New(name).Parse(string(b)); err != nil {
				return fmt.Errorf("template %s: %w", name, err)
			}
			return nil
		}
		pages = append(pages, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, name := range pages {
		b, err := templateFS.ReadFile("templates/" + name)
		if err != nil {
			return nil, err
		}
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.New(name).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		t.pages[name] = c
	}
	return t, nil
}

func path_base(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// View is what every page template receives: the page's own data in .Data
// and the request's context around it.
type View struct {
	Lang      domain.Lang
	Person    *org.Person
	Path      string
	Query     url.Values
	RequestID string
	County    string
	Nav       []navItem
	Data      any
	s         *Server
}

type navItem struct {
	Href, Key string
	Current   bool
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 page rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	t, ok := s.tmpl.pages[page]
	if !ok {
		s.log.Error("no such template", "page", page)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	info := requestInfo(r)
	v := &View{Lang: info.Lang, Person: info.Person, Path: r.URL.Path, Query: r.URL.Query(), RequestID: info.ID, Data: data, s: s}
	v.County = s.countyName(r, info.Lang)
	v.Nav = s.nav(r.URL.Path, info.Person)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("render", "page", page, "request_id", info.ID, "err", err)
		if page != "error.html" {
			s.render(w, r, http.StatusInternalServerError, "error.html", errorPage{Status: 500, Message: s.cat.T(info.Lang, "err.internal"), Code: domain.EINTERNAL})
			return
		}
		http.Error(w, s.cat.T(info.Lang, "err.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Language", string(info.Lang))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// countyName is read at most every 30 seconds per instance: the name changes
// rarely and a stale name for half a minute harms nobody.
func (s *Server) countyName(r *http.Request, l domain.Lang) string {
	if c, ok := s.county.Load().(cachedCounty); ok && time.Since(c.at) < 30*time.Second {
		return c.name.In(l)
	}
	c, err := s.db.County(r.Context())
	if err != nil {
		return ""
	}
	s.county.Store(cachedCounty{name: c.Name, at: time.Now()})
	return c.Name.In(l)
}

type cachedCounty struct {
	name domain.Text
	at   time.Time
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		// t translates a key in the view's language: {{t $ "key" args...}}.
		"t": func(v *View, key string, args ...any) string { return v.s.cat.T(v.Lang, key, args...) },
		// tx picks a multilingual text in the view's language.
		"tx":    func(v *View, t domain.Text) string { return t.In(v.Lang) },
		"asset": func(name string) string { return s.assets.url(name) },
		"date": func(v *View, t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(helsinki).Format("2.1.2006")
		},
		"datetime": func(v *View, t any) string {
			var tm time.Time
			switch x := t.(type) {
			case time.Time:
				tm = x
			case *time.Time:
				if x == nil {
					return ""
				}
				tm = *x
			}
			if tm.IsZero() {
				return ""
			}
			return tm.In(helsinki).Format("2.1.2006 15.04")
		},
		"isodate": func(t time.Time) string { return t.In(helsinki).Format("2006-01-02") },
		"langs":   func() []domain.Lang { return domain.Langs },
		// langURL is the current page in another language.
		"langURL": func(v *View, l domain.Lang) string {
			q := url.Values{}
			for k, vs := range v.Query {
				q[k] = vs
			}
			q.Set("lang", string(l))
			return v.Path + "?" + q.Encode()
		},
		"roleName": func(v *View, r domain.Role) string { return v.s.cat.T(v.Lang, "role."+string(r)) },
		"fieldError": func(v *View, errs domain.FieldErrors, field string) string {
			fe, ok := errs[field]
			if !ok {
				return ""
			}
			return v.s.cat.T(v.Lang, fe.Key, fe.Args...)
		},
		"terr":     func(v *View, e domain.FieldError) string { return v.s.cat.T(v.Lang, e.Key, e.Args...) },
		"dict2fe":  func(key string, args []any) domain.FieldError { return domain.FieldError{Key: key, Args: args} },
		"hasError": func(errs domain.FieldErrors, field string) bool { _, ok := errs[field]; return ok },
		"add":      func(a, b int) int { return a + b },
		"paras":    paragraphs,
		"linkify":  linkify,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
}

var helsinki = func() *time.Location {
	l, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return time.FixedZone("EET", 2*3600)
	}
	return l
}()

// block is a heading, a paragraph or a list of an administrator-written
// plain-text page.
type block struct {
	Heading string
	Text    string
	Items   []string
}

// paragraphs splits plain text into paragraphs at blank lines; a paragraph
// starting "## " is a heading and lines starting "- " become list items.
// Administrators write pages without HTML.
func paragraphs(s string) []block {
	var out []block
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		if h, ok := strings.CutPrefix(para, "## "); ok && !strings.Contains(h, "\n") {
			out = append(out, block{Heading: strings.TrimSpace(h)})
			continue
		}
		lines := strings.Split(para, "\n")
		var b block
		for _, ln := range lines {
			ln = strings.TrimSpace(ln)
			if item, ok := strings.CutPrefix(ln, "- "); ok {
				b.Items = append(b.Items, item)
			} else if len(b.Items) > 0 {
				out = append(out, b)
				b = block{Text: ln}
			} else if b.Text != "" {
				b.Text += " " + ln
			} else {
				b.Text = ln
			}
		}
		out = append(out, b)
	}
	return out
}

// linkify escapes plain text and turns web addresses, site paths and email
// addresses in it into links.
func linkify(s string) template.HTML {
	var b strings.Builder
	for i, word := range strings.Split(s, " ") {
		if i > 0 {
			b.WriteByte(' ')
		}
		core := strings.TrimRight(word, ".,;:!?)")
		tail := word[len(core):]
		href := ""
		switch {
		case strings.HasPrefix(core, "https://") || strings.HasPrefix(core, "http://"):
			href = core
		case strings.HasPrefix(core, "www.") && len(core) > 6:
			href = "https://" + core
		case strings.HasPrefix(core, "/") && len(core) > 1 && !strings.ContainsAny(core, "<>\"'"):
			href = core
		case strings.Count(core, "@") == 1 && strings.Contains(core[strings.Index(core, "@"):], ".") && !strings.ContainsAny(core, "<>\"'/"):
			href = "mailto:" + core
		}
		if href == "" {
			b.WriteString(template.HTMLEscapeString(word))
			continue
		}
		b.WriteString(`<a href="` + template.HTMLEscapeString(href) + `">` + template.HTMLEscapeString(core) + `</a>` + template.HTMLEscapeString(tail))
	}
	return template.HTML(b.String())
}
