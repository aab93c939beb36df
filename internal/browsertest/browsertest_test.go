package browsertest_test

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kuulu/internal/browsertest"
)

// strictCSP is the kind of policy a server-rendered app sends: no inline
// script, nothing from elsewhere. Axe must work under it.
const strictCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

const accessiblePage = `<!doctype html>
<html lang="fi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Osallistu – Kuulu</title>
<style>
body { font: 16px/1.5 sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
a { color: #00347a; }
header, main, footer { padding: 1rem; }
button { color: #fff; background: #00347a; border: 0; padding: .5rem 1rem; font-size: 1rem; }
</style>
</head>
<body>
<header>
  <a href="#main">Siirry sisältöön</a>
  <nav aria-label="Päävalikko"><ul><li><a href="/">Etusivu</a></li><li><a href="/tietoa">Tietoa</a></li></ul></nav>
</header>
<main id="main">
  <h1>Osallistu kyselyyn</h1>
  <p>Vastaa kysymykseen. Kaikki kentät ovat vapaaehtoisia.</p>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Kuulun logo" width="1" height="1">
  <form method="post" action="/vastaus">
    <label for="nimi">Nimi</label>
    <input id="nimi" name="nimi" type="text" autocomplete="name">
    <button type="submit">Lähetä</button>
  </form>
</main>
<footer><p>Kuulu</p></footer>
</body>
</html>`

// inaccessiblePage breaks four WCAG rules on purpose: no lang, an image
// without alt, a field without a label and low-contrast text.
const inaccessiblePage = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Huono sivu</title></head>
<body>
<main>
<h1>Huono sivu</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20">
<form method="post" action="/x"><input type="text" name="q"><button type="submit">Hae</button></form>
<p style="color:#c8c8c8;background:#ffffff">Lähes näkymätön teksti</p>
</main>
</body>
</html>`

func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func page(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", strictCSP)
		fmt.Fprint(w, body)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestAccessiblePageHasNoViolations(t *testing.T) {
	srv := serve(t, page(accessiblePage))
	b := browsertest.New(t)
	ctx := b.Context()
	must(t, b.Navigate(ctx, srv.URL))

	r, err := b.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Violations) != 0 {
		t.Fatalf("want no violations, got:\n%s", r)
	}
	if r.Engine != "4.14.1" {
		t.Errorf("axe-core version %q, want the 4.14.1 of package.json", r.Engine)
	}
	// A second run on the same document reuses the injected axe.
	b.AssertAccessible(t, ctx, "the accessible test page")

	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
	must(t, err)
	if w != browsertest.DefaultWidth {
		t.Errorf("window.innerWidth = %d, want %d", w, browsertest.DefaultWidth)
	}
}

// recorder is a testing.TB that records failures instead of failing the real
// test, so that the tests can check that the harness does fail.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	errors  []string
	fatal   bool
	skipped bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) Skip(args ...any) {
	r.Errorf("%s", fmt.Sprint(args...))
	r.skipped = true
	runtime.Goexit()
}
func (r *recorder) Skipf(format string, args ...any) { r.Skip(fmt.Sprintf(format, args...)) }
func (r *recorder) Failed() bool                     { return len(r.errors) > 0 && !r.skipped }

// record runs f with a recorder in its own goroutine (Fatal and Skip end it)
// and returns the recorder.
func record(t *testing.T, f func(tb testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestInaccessiblePageIsCaught(t *testing.T) {
	srv := serve(t, page(inaccessiblePage))
	b := browsertest.New(t)
	ctx := b.Context()
	must(t, b.Navigate(ctx, srv.URL))

	r, err := b.Axe(ctx)
	must(t, err)
	want := []string{"color-contrast", "html-has-lang", "image-alt", "label"}
	for _, id := range want {
		if !r.Has(id) {
			t.Errorf("violation %q not reported; got %v", id, r.IDs())
		}
	}
	for _, v := range r.Violations {
		if v.Help == "" || !strings.HasPrefix(v.HelpURL, "https://") || len(v.Nodes) == 0 ||
			len(v.Nodes[0].Target) == 0 || v.Nodes[0].HTML == "" || v.Nodes[0].FailureSummary == "" {
			t.Errorf("violation %q lacks details: %+v", v.ID, v)
		}
	}

	// AssertAccessible must fail, naming every violation and element.
	rec := record(t, func(tb testing.TB) { b.AssertAccessible(tb, ctx, "the broken page") })
	if !rec.Failed() || rec.fatal {
		t.Fatalf("AssertAccessible: failed=%v fatal=%v, want a non-fatal failure", rec.Failed(), rec.fatal)
	}
	msg := strings.Join(rec.errors, "\n")
	for _, s := range append(want, "the broken page", "<img", `<input type="text" name="q">`, "Fix any of the following") {
		if !strings.Contains(msg, s) {
			t.Errorf("failure message lacks %q:\n%s", s, msg)
		}
	}
	t.Logf("what a failure looks like:\n%s", msg)
}

// formApp is a small POST-redirect-GET application.
func formApp() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", page(`<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Lomake</title></head>
<body><main><h1>Palaute</h1>
<form method="post" action="/submit">
  <p><label for="name">Nimi <span aria-hidden="true">*</span></label> <input id="name" name="name" required></p>
  <p><label>Sähköposti <input type="email" name="email"></label></p>
  <p><label for="topic">Aihe</label> <select id="topic" name="topic"><option value="">Valitse</option><option value="park">Puistot</option><option value="traffic">Liikenne</option></select></p>
  <p><label for="msg">Viesti</label> <textarea id="msg" name="msg">vanha teksti</textarea></p>
  <p><input type="text" name="city" aria-label="Kotikunta"></p>
  <p><button type="submit">Lähetä</button></p>
</form>
<p><a id="about" href="/about">Tietoa palvelusta</a></p>
</main></body></html>`))
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "kuulu_flash", Value: "sent", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		q := r.PostForm
		http.Redirect(w, r, "/thanks?"+q.Encode(), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /thanks", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var sb strings.Builder
		for _, k := range []string{"name", "email", "topic", "msg", "city"} {
			fmt.Fprintf(&sb, `<dt>%s</dt><dd id="%s">%s</dd>`, k, k, html.EscapeString(q.Get(k)))
		}
		page(`<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Kiitos</title></head>
<body><main><h1>Kiitos</h1><dl>`+sb.String()+`</dl></main></body></html>`)(w, r)
	})
	mux.HandleFunc("GET /about", page(`<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Tietoa</title></head><body><main><h1>Tietoa</h1></main></body></html>`))
	return mux
}

func TestFormRoundTrip(t *testing.T) {
	for _, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			srv := serve(t, formApp())
			var opts []browsertest.Option
			if !js {
				opts = append(opts, browsertest.WithoutJavaScript())
			}
			b := browsertest.New(t, opts...)
			ctx := b.Context()
			must(t, b.Navigate(ctx, srv.URL+"/"))

			must(t, b.FillLabel(ctx, "Nimi", "Aino Ääninen")) // label text is "Nimi *"
			must(t, b.FillLabel(ctx, "Sähköposti", "aino@example.fi"))
			must(t, b.FillLabel(ctx, "Aihe", "Liikenne")) // by option text
			must(t, b.Fill(ctx, "#msg", "Lisää\npyöräteitä"))
			must(t, b.FillLabel(ctx, "Kotikunta", "Oulu")) // aria-label
			if v, err := b.Value(ctx, "#msg"); err != nil || v != "Lisää\npyöräteitä" {
				t.Fatalf("textarea value %q, %v: the old text was not replaced", v, err)
			}
			if _, err := b.Screenshot(ctx, "filled"); err != nil {
				t.Error(err)
			}

			resp, err := b.Submit(ctx, "form")
			must(t, err)
			if resp.Status != http.StatusOK {
				t.Errorf("status after the redirect = %d, want 200", resp.Status)
			}
			u, err := b.URL(ctx)
			must(t, err)
			if !strings.HasPrefix(u, srv.URL+"/thanks?") {
				t.Errorf("URL after submit = %q, want the /thanks page", u)
			}
			for id, want := range map[string]string{
				"name": "Aino Ääninen", "email": "aino@example.fi", "topic": "traffic",
				"msg": "Lisää\npyöräteitä", "city": "Oulu",
			} {
				got, err := b.Text(ctx, "#"+id)
				must(t, err)
				// innerText may render the newline; compare the words.
				if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(want), " ") {
					t.Errorf("%s = %q, want %q", id, got, want)
				}
			}
			c, err := b.Cookie(ctx, "kuulu_flash")
			must(t, err)
			if c == nil || c.Value != "sent" || !c.HTTPOnly {
				t.Errorf("cookie kuulu_flash = %+v, want an HttpOnly cookie with value sent", c)
			}
			title, err := b.Title(ctx)
			must(t, err)
			if title != "Kiitos" {
				t.Errorf("title %q", title)
			}

			// A link that navigates, and a plain click.
			must(t, b.Navigate(ctx, srv.URL+"/"))
			resp, err = b.ClickAndWait(ctx, "#about")
			must(t, err)
			if resp.Status != http.StatusOK || !strings.HasSuffix(resp.URL, "/about") {
				t.Errorf("after the link: %d %s", resp.Status, resp.URL)
			}
			h1, err := b.Text(ctx, "h1")
			must(t, err)
			if h1 != "Tietoa" {
				t.Errorf("h1 = %q", h1)
			}
			ok, err := b.Exists(ctx, "form")
			must(t, err)
			if ok {
				t.Error("Exists(form) on the about page = true")
			}
		})
	}
}

func TestFormValidationBlocksSubmit(t *testing.T) {
	srv := serve(t, formApp())
	b := browsertest.New(t, browsertest.WithActionTimeout(3*time.Second))
	ctx := b.Context()
	must(t, b.Navigate(ctx, srv.URL+"/"))
	// The name is required: the browser refuses to submit, so no page loads.
	_, err := b.Submit(ctx, "form")
	if err == nil || !strings.Contains(err.Error(), "no page load followed") {
		t.Fatalf("submit of an invalid form: err = %v, want a timeout with a hint", err)
	}
}

const scriptPage = `<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Skripti</title></head>
<body><main><h1>Skripti</h1><p id="out">ilman skriptiä</p>
<noscript><p id="noscript">JavaScript ei ole käytössä</p></noscript>
<script src="/app.js"></script></main></body></html>`

func scriptApp() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", page(scriptPage))
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `document.getElementById("out").textContent = "skripti ajettu";`)
	})
	return mux
}

func TestNoJavaScriptMode(t *testing.T) {
	srv := serve(t, scriptApp())

	t.Run("enabled", func(t *testing.T) {
		b := browsertest.New(t)
		ctx := b.Context()
		must(t, b.Navigate(ctx, srv.URL))
		if got, err := b.Text(ctx, "#out"); err != nil || got != "skripti ajettu" {
			t.Fatalf("with JavaScript: #out = %q, %v; want the script's text", got, err)
		}
		if !b.JavaScriptEnabled() {
			t.Error("JavaScriptEnabled() = false")
		}
	})

	t.Run("disabled", func(t *testing.T) {
		b := browsertest.New(t, browsertest.WithoutJavaScript())
		ctx := b.Context()
		// Twice: the setting must last across navigations.
		for i := range 2 {
			must(t, b.Navigate(ctx, srv.URL+fmt.Sprintf("/?n=%d", i)))
			if got, err := b.Text(ctx, "#out"); err != nil || got != "ilman skriptiä" {
				t.Fatalf("load %d without JavaScript: #out = %q, %v; the script ran", i, got, err)
			}
			if err := b.WaitVisible(ctx, "#noscript"); err != nil {
				t.Fatalf("load %d: <noscript> content not shown: %v", i, err)
			}
		}
		// Axe still works, and its run does not let the page's script run.
		b.AssertAccessible(t, ctx, "the no-JS page")
		if got, err := b.Text(ctx, "#out"); err != nil || got != "ilman skriptiä" {
			t.Fatalf("after Axe: #out = %q, %v; the page script ran", got, err)
		}
		must(t, b.Navigate(ctx, srv.URL+"/?after-axe"))
		if got, err := b.Text(ctx, "#out"); err != nil || got != "ilman skriptiä" {
			t.Fatalf("load after Axe: #out = %q, %v; scripts were left enabled", got, err)
		}

		// And scripts can be turned back on.
		must(t, b.SetJavaScriptEnabled(ctx, true))
		must(t, b.Navigate(ctx, srv.URL))
		if got, err := b.Text(ctx, "#out"); err != nil || got != "skripti ajettu" {
			t.Fatalf("after enabling JavaScript again: #out = %q, %v", got, err)
		}
	})
}

func TestScreenshot(t *testing.T) {
	srv := serve(t, page(accessiblePage))
	b := browsertest.New(t)
	ctx := b.Context()
	must(t, b.Navigate(ctx, srv.URL))

	t.Setenv(browsertest.EnvScreenshots, "")
	p, err := b.Screenshot(ctx, "none")
	if err != nil || p != "" {
		t.Fatalf("without %s: Screenshot = %q, %v; want no file", browsertest.EnvScreenshots, p, err)
	}

	dir := t.TempDir()
	t.Setenv(browsertest.EnvScreenshots, dir)
	p, err = b.Screenshot(ctx, "front page")
	must(t, err)
	if filepath.Dir(p) != dir || !strings.HasSuffix(p, "-front_page.png") {
		t.Errorf("screenshot path %q", p)
	}
	data, err := os.ReadFile(p)
	must(t, err)
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s is not a PNG", p)
	}
}

func TestMissingToolsSkipOrFail(t *testing.T) {
	t.Run("explicit chromium path that is wrong fails", func(t *testing.T) {
		t.Setenv(browsertest.EnvChromium, filepath.Join(t.TempDir(), "no-such-chromium"))
		t.Setenv(browsertest.EnvRequireBrowser, "")
		rec := record(t, func(tb testing.TB) { browsertest.New(tb) })
		if !rec.fatal || !strings.Contains(strings.Join(rec.errors, ""), browsertest.EnvChromium) {
			t.Fatalf("want a fatal error naming %s, got fatal=%v %q", browsertest.EnvChromium, rec.fatal, rec.errors)
		}
	})

	t.Run("no chromium skips", func(t *testing.T) {
		t.Setenv(browsertest.EnvChromium, "")
		t.Setenv(browsertest.EnvRequireBrowser, "")
		defer browsertest.HideChromium()()
		rec := record(t, func(tb testing.TB) { browsertest.New(tb) })
		want := "headless Chromium not found (install Debian package chromium or set KUULU_CHROMIUM); browser tests skipped"
		if !rec.skipped || strings.Join(rec.errors, "") != want {
			t.Fatalf("want a skip with %q, got skipped=%v %q", want, rec.skipped, rec.errors)
		}
	})

	t.Run("no chromium fails when required", func(t *testing.T) {
		t.Setenv(browsertest.EnvChromium, "")
		t.Setenv(browsertest.EnvRequireBrowser, "1")
		defer browsertest.HideChromium()()
		rec := record(t, func(tb testing.TB) { browsertest.New(tb) })
		msg := strings.Join(rec.errors, "")
		if !rec.fatal || rec.skipped || !strings.Contains(msg, "install Debian package chromium") || strings.Contains(msg, "skipped") {
			t.Fatalf("want a failure, got fatal=%v skipped=%v %q", rec.fatal, rec.skipped, rec.errors)
		}
		t.Logf("message: %s", msg)
	})

	srv := serve(t, page(accessiblePage))
	b := browsertest.New(t)
	ctx := b.Context()
	must(t, b.Navigate(ctx, srv.URL))
	missing := filepath.Join(t.TempDir(), "axe.min.js")

	t.Run("missing axe skips", func(t *testing.T) {
		t.Setenv(browsertest.EnvAxePath, missing)
		t.Setenv(browsertest.EnvRequireBrowser, "")
		rec := record(t, func(tb testing.TB) { b.AssertAccessible(tb, ctx, "x") })
		if !rec.skipped || !strings.Contains(strings.Join(rec.errors, ""), "npm install") {
			t.Fatalf("want a skip that says npm install, got skipped=%v %q", rec.skipped, rec.errors)
		}
	})

	t.Run("missing axe fails when required", func(t *testing.T) {
		t.Setenv(browsertest.EnvAxePath, missing)
		t.Setenv(browsertest.EnvRequireBrowser, "1")
		rec := record(t, func(tb testing.TB) { b.AssertAccessible(tb, ctx, "x") })
		msg := strings.Join(rec.errors, "")
		if !rec.fatal || rec.skipped || strings.Contains(msg, "skipped") || !strings.Contains(msg, "npm install") {
			t.Fatalf("want a failure that says npm install, got fatal=%v skipped=%v %q", rec.fatal, rec.skipped, rec.errors)
		}
		t.Logf("message: %s", msg)
	})

	t.Run("axe found from the module root", func(t *testing.T) {
		t.Setenv(browsertest.EnvAxePath, "")
		p, err := browsertest.AxePath()
		must(t, err)
		if !strings.HasSuffix(p, filepath.Join("node_modules", "axe-core", "axe.min.js")) {
			t.Errorf("AxePath() = %q", p)
		}
	})
}

func TestFindChromium(t *testing.T) {
	p, err := browsertest.FindChromium()
	if err != nil {
		if browsertest.RequireBrowser() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Logf("browser: %s", p)
}

func TestFailedTestGetsScreenshot(t *testing.T) {
	srv := serve(t, page(accessiblePage))
	dir := t.TempDir()
	t.Setenv(browsertest.EnvScreenshots, dir)
	t.Run("failing", func(t *testing.T) {
		rec := &recorder{TB: t} // fails only in the recorder, not really
		b := browsertest.New(rec)
		must(t, b.Navigate(b.Context(), srv.URL))
		rec.Errorf("pretend failure")
	})
	shots, err := filepath.Glob(filepath.Join(dir, "*-failure.png"))
	must(t, err)
	if len(shots) != 1 {
		t.Fatalf("want one failure screenshot in %s, got %v", dir, shots)
	}
}

func TestAcceptLanguage(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page(`<!doctype html><html lang="sv"><head><title>Språk</title></head><body><main><h1>Språk</h1><p id="al">`+
			html.EscapeString(r.Header.Get("Accept-Language"))+`</p></main></body></html>`)(w, r)
	}))
	b := browsertest.New(t, browsertest.WithAcceptLanguage("sv-FI,sv;q=0.9"))
	ctx := b.Context()
	must(t, b.Navigate(ctx, srv.URL))
	got, err := b.Text(ctx, "#al")
	must(t, err)
	if !strings.HasPrefix(got, "sv-FI") {
		t.Errorf("Accept-Language = %q, want sv-FI first", got)
	}
}
