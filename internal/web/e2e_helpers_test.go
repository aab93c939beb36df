package web

// Shared helpers of the end-to-end browser tests (TestE2E...): a real Kuulu
// server on a SQLite file with the demo data, driven by one headless Chromium
// (internal/browsertest), with an axe-core accessibility check of every page.
//
//	func TestE2ESomething(t *testing.T) {
//		w := newE2E(t, browsertest.WithAcceptLanguage(e2eFinnishUA)) // skips without Chromium or axe-core
//		w.login(e2eAdmin, demo.DefaultPassword) // through the sign-in form
//		w.visit("/admin/units", http.StatusOK)
//		w.check("unit list")                 // axe: zero WCAG 2.1 A/AA violations
//		w.fill(w.tr("form.search"), "Kajaani")
//		w.submit("form.filters", http.StatusOK)
//		w.check("filtered unit list")
//		w.screenshot("filtered unit list") // with KUULU_SCREENSHOTS=dir
//	}
//
// Every helper fails the test at once (t.Fatal) when its step does not work,
// because the steps of a flow depend on each other; check reports axe
// violations with t.Error and lets the flow go on, so that one run lists the
// problems of every page.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"kuulu/internal/browsertest"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

const (
	// e2eAdmin is the demo administrator; every demo person's password
	// is demo.DefaultPassword.
	e2eAdmin = "admin@kainuu.example"
	// e2eFinnishUA is the Accept-Language of a browser set to Finnish
	// (Chromium's own default is en-US): browsertest.WithAcceptLanguage.
	e2eFinnishUA = "fi-FI,fi;q=0.9"
	// e2eTimeout is the time limit of one e2e test's browser when
	// KUULU_BROWSER_TIMEOUT is unset. A flow visits 15–20 pages with an axe
	// run each; that takes 15–30 s on a quiet 2-core machine, and several
	// times that while `go test ./...` runs other packages beside it.
	e2eTimeout = 3 * time.Minute
)

// e2e is one end-to-end session: the test server and one browser tab.
type e2e struct {
	*testEnv
	t   *testing.T
	b   *browsertest.Browser
	ctx context.Context
	// checked counts the axe runs, for the log.
	checked int
}

// newE2E starts headless Chromium (with opts) and a Kuulu server on a fresh
// SQLite file with the demo data. Without Chromium or axe-core the test is
// skipped, or fails under KUULU_REQUIRE_BROWSER=1. The server starts last,
// so that a skip costs nothing. The browser's time limit is e2eTimeout
// unless KUULU_BROWSER_TIMEOUT (or a WithTimeout in opts) says otherwise.
func newE2E(t *testing.T, opts ...browsertest.Option) *e2e {
	t.Helper()
	if _, err := browsertest.AxePath(); err != nil {
		if browsertest.RequireBrowser() {
			t.Fatalf("%v; %s=1 is set, so this fails instead of skipping", err, browsertest.EnvRequireBrowser)
		}
		t.Skip(err.Error())
	}
	if os.Getenv(browsertest.EnvTimeout) == "" {
		opts = append([]browsertest.Option{browsertest.WithTimeout(e2eTimeout)}, opts...)
	}
	b := browsertest.New(t, opts...)
	env := newEnv(t, filepath.Join(t.TempDir(), "kuulu.db"))
	w := &e2e{testEnv: env, t: t, b: b, ctx: b.Context()}
	t.Cleanup(func() {
		if !t.Failed() {
			t.Logf("e2e: %d pages checked with axe-core", w.checked)
		}
	})
	return w
}

// url is the absolute URL of a path on the test server.
func (w *e2e) url(path string) string { return w.ts.URL + path }

// wantStatus fails the test unless resp has the status want (0: any status).
func (w *e2e) wantStatus(step string, resp *network.Response, want int) {
	w.t.Helper()
	if resp == nil {
		w.t.Fatalf("%s: no page load (a same-page link?)", step)
	}
	if want != 0 && int(resp.Status) != want {
		w.t.Fatalf("%s: status %d at %s, want %d\npage text:\n%s", step, resp.Status, resp.URL, want, w.mainText())
	}
}

// visit loads path and checks the status of the page it ends on (after
// redirects).
func (w *e2e) visit(path string, status int) {
	w.t.Helper()
	// Loading the page the tab already shows, when its script may still
	// rewrite its address (history.replaceState), is sometimes taken for a
	// same-document navigation with no response to check: leave the page
	// first, and its script with it.
	if here, _, _ := strings.Cut(w.location(), "?"); here == strings.SplitN(path, "?", 2)[0] {
		if err := w.b.Navigate(w.ctx, "about:blank"); err != nil {
			w.t.Fatal(err)
		}
	}
	resp, err := w.b.NavigateResponse(w.ctx, w.url(path))
	if err != nil {
		w.t.Fatal(err)
	}
	w.wantStatus("GET "+path, resp, status)
}

// click clicks a link or button that loads a page, and checks the status of
// the page it ends on.
func (w *e2e) click(selector string, status int) {
	w.t.Helper()
	resp, err := w.b.ClickAndWait(w.ctx, selector)
	if err != nil {
		w.t.Fatal(err)
	}
	w.wantStatus("click "+selector, resp, status)
}

// submit submits a form with its submit button, and checks the status of the
// page it ends on (after the redirect of a POST-redirect-GET).
func (w *e2e) submit(selector string, status int) {
	w.t.Helper()
	resp, err := w.b.Submit(w.ctx, selector)
	if err != nil {
		w.t.Fatal(err)
	}
	w.wantStatus("submit "+selector, resp, status)
}

// fill types value into the field labelled label (see browsertest.FillLabel:
// the label text, "(required)" and such may be left out); for a select it
// picks the option with that value or text.
func (w *e2e) fill(label, value string) {
	w.t.Helper()
	if err := w.b.FillLabel(w.ctx, label, value); err != nil {
		w.t.Fatal(err)
	}
}

// fillCSS is fill for the field that a CSS selector matches, for fields
// whose label is not unique on the page (such as "Title" in each language).
func (w *e2e) fillCSS(selector, value string) {
	w.t.Helper()
	if err := w.b.Fill(w.ctx, selector, value); err != nil {
		w.t.Fatal(err)
	}
}

// upload chooses files in the file input labelled label, as a person does
// in the browser's file dialog (chromedp.SetUploadFiles).
func (w *e2e) upload(label string, files ...string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, browsertest.DefaultActionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(browsertest.LabelSelector(label), files, chromedp.NodeVisible)); err != nil {
		w.t.Fatalf("upload %v into the field labelled %q: %v", files, label, err)
	}
}

// check runs axe-core on the current page and reports every WCAG 2.0/2.1 A
// and AA violation as a test error; name names the page in the message.
func (w *e2e) check(name string) {
	w.t.Helper()
	w.b.AssertAccessible(w.t, w.ctx, name)
	w.checked++
}

// screenshot saves a full-page screenshot named name when KUULU_SCREENSHOTS
// is set (see browsertest.Screenshot). Full-page PNGs of long pages take a
// while, so the tests take them of a few pages only.
func (w *e2e) screenshot(name string) {
	w.t.Helper()
	if _, err := w.b.Screenshot(w.ctx, name); err != nil {
		w.t.Logf("screenshot of %s: %v", name, err)
	}
}

// waitFocus waits until the focused element is want (as activeElement
// describes it); autofocus applies at the first rendering after the load,
// which may come after the load event.
func (w *e2e) waitFocus(want, what string) {
	w.t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		got := w.activeElement()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			w.t.Errorf("%s does not have the focus; %s has", what, got)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// text is the rendered text of the first element that selector matches.
func (w *e2e) text(selector string) string {
	w.t.Helper()
	s, err := w.b.Text(w.ctx, selector)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// wantText fails the test unless the text of selector contains every want.
func (w *e2e) wantText(selector string, want ...string) {
	w.t.Helper()
	got := w.text(selector)
	for _, s := range want {
		if !strings.Contains(got, s) {
			w.t.Fatalf("text of %q lacks %q; it is:\n%s", selector, s, got)
		}
	}
}

// mainText is the text of <main>, for failure messages.
func (w *e2e) mainText() string {
	s, _ := evalJS[string](w, `(document.querySelector("main") || document.body || {innerText: ""}).innerText`)
	return s
}

// has reports whether an element matches selector now.
func (w *e2e) has(selector string) bool {
	w.t.Helper()
	ok, err := w.b.Exists(w.ctx, selector)
	if err != nil {
		w.t.Fatal(err)
	}
	return ok
}

// value is the current value of the form field that selector matches.
func (w *e2e) value(selector string) string {
	w.t.Helper()
	s, err := w.b.Value(w.ctx, selector)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// location is the path and query of the current page.
func (w *e2e) location() string {
	w.t.Helper()
	s, err := w.b.URL(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	u, err := url.Parse(s)
	if err != nil {
		w.t.Fatal(err)
	}
	return u.RequestURI()
}

// lang is the lang attribute of the current page's <html>.
func (w *e2e) lang() domain.Lang {
	w.t.Helper()
	s, err := evalJS[string](w, `document.documentElement.lang`)
	if err != nil {
		w.t.Fatal(err)
	}
	return domain.Lang(s)
}

// tr translates key into the current page's language, so that the tests
// follow the catalogue instead of repeating its texts.
func (w *e2e) tr(key string, args ...any) string {
	w.t.Helper()
	return w.srv.cat.T(w.lang(), key, args...)
}

// requiredLabel is the full label text of a required field, "Label
// (required)", for fill when a shorter label would match several fields
// ("New password" and "New password again").
func (w *e2e) requiredLabel(key string) string {
	w.t.Helper()
	return w.tr(key) + " (" + w.tr("form.required") + ")"
}

// activeElement describes document.activeElement as "tag#id.class" with its
// text, for focus checks.
func (w *e2e) activeElement() string {
	w.t.Helper()
	s, err := evalJS[string](w, `(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return "body";
		let s = el.tagName.toLowerCase();
		if (el.id) s += "#" + el.id;
		if (el.classList.length) s += "." + Array.from(el.classList).join(".");
		return s;
	})()`)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// press sends key presses (see chromedp/kb: kb.Tab, kb.Enter) to the focused
// element of the page.
func (w *e2e) press(keys string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, browsertest.DefaultActionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(keys)); err != nil {
		w.t.Fatalf("press %q: %v", keys, err)
	}
}

// login signs in through the login form, typing into its labelled fields,
// and fails the test unless that leads to a signed-in page.
func (w *e2e) login(email, password string) {
	w.t.Helper()
	if !strings.HasPrefix(w.location(), "/login") {
		w.visit("/login", 200)
	}
	w.fill(w.tr("field.email"), email)
	w.fill(w.tr("field.password"), password)
	w.submit(`form[action="/login"]`, 200)
	if p := w.location(); strings.HasPrefix(p, "/login") {
		w.t.Fatalf("login as %s: still on %s:\n%s", email, p, w.mainText())
	}
	if !w.has(`form[action="/logout"]`) {
		w.t.Fatalf("login as %s: no sign-out button on %s", email, w.location())
	}
}

// logout signs out with the header's sign-out button.
func (w *e2e) logout() {
	w.t.Helper()
	w.submit(`form[action="/logout"]`, 200)
	if w.has(`form[action="/logout"]`) {
		w.t.Fatalf("still signed in after signing out, on %s", w.location())
	}
}

// step runs fn as a subtest called name, with w reporting to the subtest.
// It returns false when fn stopped the subtest (t.Fatal, t.Skip), so that a
// flow whose later steps depend on this one can stop; a step that only
// reported errors (such as axe violations) returns true.
func (w *e2e) step(name string, fn func(w *e2e)) bool {
	parent := w.t
	done := false
	parent.Run(name, func(t *testing.T) {
		w.t = t
		defer func() { w.t = parent }()
		fn(w)
		done = true
	})
	return done
}

// e2eStep is one step of a flow: a name and what to do.
type e2eStep struct {
	name string
	fn   func(w *e2e)
}

// steps runs the steps of a flow in order, each as a subtest, and stops the
// test at the first step that stopped (a later step depends on it).
func (w *e2e) steps(steps ...e2eStep) {
	w.t.Helper()
	for _, s := range steps {
		if !w.step(s.name, s.fn) {
			w.t.Fatalf("step %q stopped; the later steps depend on it", s.name)
		}
	}
}

// read runs fn in a read transaction on the test database.
func (w *e2e) read(fn func(tx *store.Tx) error) {
	w.t.Helper()
	if err := w.db.Read(w.t.Context(), fn); err != nil {
		w.t.Fatal(err)
	}
}

// checkSkipLink loads path afresh, presses Tab once and checks that the
// focus is on the visible skip link, the first focusable element; then
// presses Enter and checks that the focus moved to <main>, and that the
// next Tab stays in it.
func (w *e2e) checkSkipLink(path string) {
	w.t.Helper()
	w.visit(path, 0)
	if got := w.activeElement(); got != "body" {
		w.t.Fatalf("%s: before any key press the focus is on %s, want the page itself", path, got)
	}
	w.press(kb.Tab)
	if got := w.activeElement(); got != "a.skip-link" {
		w.t.Fatalf("%s: the first Tab focuses %s, want the skip link a.skip-link", path, got)
	}
	if got, want := w.text("a.skip-link"), w.tr("layout.skip"); got != want {
		w.t.Errorf("%s: skip link text %q, want %q", path, got, want)
	}
	visible, err := evalJS[bool](w, `(() => {
		const r = document.activeElement.getBoundingClientRect();
		return r.width > 20 && r.height > 20 && r.top >= 0 && r.left >= 0;
	})()`)
	if err != nil {
		w.t.Fatal(err)
	}
	if !visible {
		w.t.Errorf("%s: the focused skip link is not visible", path)
	}
	w.press(kb.Enter)
	if got := w.activeElement(); got != "main#main.wrap" {
		w.t.Fatalf("%s: after Enter on the skip link the focus is on %s, want main#main", path, got)
	}
	w.press(kb.Tab)
	inMain, err := evalJS[bool](w, `document.activeElement !== document.querySelector("main") && document.activeElement.closest("main") !== null`)
	if err != nil {
		w.t.Fatal(err)
	}
	if !inMain {
		w.t.Errorf("%s: Tab after the skip link focuses %s, outside <main>", path, w.activeElement())
	}
}

// wantErrorSummary checks a form that came back with errors: the error
// summary is there and has the focus, under its heading, with exactly one
// link per field of errs (field name → translated message) that points to
// the field, and each field is marked invalid and described by its message.
func (w *e2e) wantErrorSummary(errs map[string]string) {
	w.t.Helper()
	w.waitFocus("div#error-summary.error-summary", "the error summary")
	if got, want := w.text("#error-summary h2"), w.tr("form.error_summary"); got != want {
		w.t.Errorf("error summary heading %q, want %q", got, want)
	}
	type link struct{ Href, Text string }
	links, err := evalJS[[]link](w, `Array.from(document.querySelectorAll("#error-summary a"), a => ({Href: a.getAttribute("href"), Text: a.innerText.trim()}))`)
	if err != nil {
		w.t.Fatal(err)
	}
	if len(links) != len(errs) {
		w.t.Errorf("error summary has %d links %v, want %d (%v)", len(links), links, len(errs), errs)
	}
	for name, msg := range errs {
		want := link{"#f-" + name, w.tr("field."+name) + ": " + msg}
		if !slices.Contains(links, want) {
			w.t.Errorf("error summary lacks the link %+v; it has %+v", want, links)
		}
		type field struct {
			Found, Control    bool
			Invalid, DescText string
		}
		f, err := evalJS[field](w, fmt.Sprintf(`(() => {
			const el = document.getElementById(%q);
			if (!el) return {Found: false};
			const ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
			return {Found: true, Control: el.matches("input, select, textarea"),
				Invalid: el.getAttribute("aria-invalid") || "",
				DescText: ids.map(id => (document.getElementById(id) || {innerText: ""}).innerText.trim()).join(" | ")};
		})()`, "f-"+name))
		if err != nil {
			w.t.Fatal(err)
		}
		switch {
		case !f.Found:
			w.t.Errorf("the error summary links to #f-%s, which is not on the page", name)
		case f.Control && f.Invalid != "true":
			w.t.Errorf("field #f-%s has an error but aria-invalid=%q", name, f.Invalid)
		case f.Control && !strings.Contains(f.DescText, msg):
			w.t.Errorf("field #f-%s is not described by its error %q (aria-describedby text %q)", name, msg, f.DescText)
		}
	}
}

// followErrorLink clicks the error summary's link to field name and checks
// that the field gets the focus.
func (w *e2e) followErrorLink(name string) {
	w.t.Helper()
	if err := w.b.Click(w.ctx, fmt.Sprintf(`#error-summary a[href="#f-%s"]`, name)); err != nil {
		w.t.Fatal(err)
	}
	id, err := evalJS[string](w, `document.activeElement.id`)
	if err != nil {
		w.t.Fatal(err)
	}
	if id != "f-"+name {
		w.t.Errorf("the error summary link to #f-%s moved the focus to %s", name, w.activeElement())
	}
}

// wantPage checks the language of the page (<html lang>), its main heading,
// and that its document title is "<page> – Kuulu" with a translated page
// name (not a message key).
func wantPage(w *e2e, lang domain.Lang, h1 string) {
	w.t.Helper()
	if got := w.lang(); got != lang {
		w.t.Errorf("%s: <html lang=%q>, want %q", w.location(), got, lang)
	}
	if got := w.text("main h1"); got != h1 {
		w.t.Errorf("%s: heading %q, want %q", w.location(), got, h1)
	}
	title, err := w.b.Title(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	if name, ok := strings.CutSuffix(title, " – Kuulu"); !ok || name == "" || w.srv.cat.Has(name) {
		w.t.Errorf("%s: document title %q", w.location(), title)
	}
}

// evalJS evaluates a JavaScript expression in the page and returns its value.
// It works with page scripts disabled too.
func evalJS[T any](w *e2e, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(w.ctx, browsertest.DefaultActionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		var zero T
		return zero, fmt.Errorf("evaluate %s: %w", oneLineJS(expr), err)
	}
	return v, nil
}

// texts is the trimmed text of every element that selector matches.
func (w *e2e) texts(selector string) []string {
	w.t.Helper()
	q, _ := json.Marshal(selector)
	out, err := evalJS[[]string](w, fmt.Sprintf(`Array.from(document.querySelectorAll(%s), e => e.innerText.trim())`, q))
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

func oneLineJS(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}
