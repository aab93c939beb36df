package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The helpers below are thin wrappers over chromedp. Each takes the context to
// run in (usually b.Context(); nil means b.Context()), bounds it by the action
// timeout, and returns an error that names the step and the selector.
// Selectors are CSS selectors.

// Navigate loads url and waits for the page's load event. An HTTP error status
// is not an error; use NavigateResponse to check the status.
func (b *Browser) Navigate(ctx context.Context, url string) error {
	ctx, cancel := b.step(ctx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("browsertest: navigate to %s: %w", url, err)
	}
	return nil
}

// NavigateResponse loads url, waits for the load event and returns the HTTP
// response of the document (after redirects).
func (b *Browser) NavigateResponse(ctx context.Context, url string) (*network.Response, error) {
	ctx, cancel := b.step(ctx)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		return nil, fmt.Errorf("browsertest: navigate to %s: %w", url, err)
	}
	return resp, nil
}

// Fill sets the value of the visible form field that selector matches. Text
// fields (input of a text-like type, textarea, contenteditable) are cleared and
// then typed into with key events, so a "\n" in value presses Enter. A select
// gets the option whose value, or else whose text, equals value. Other input
// types (date, color, range, hidden...) get their value set directly. Use
// Click for checkboxes and radio buttons.
func (b *Browser) Fill(ctx context.Context, selector, value string) error {
	if err := fill(b, ctx, chromedp.CSS(selector), value); err != nil {
		return fmt.Errorf("browsertest: fill %q: %w", selector, err)
	}
	return nil
}

// FillLabel is Fill for the form field whose label is label: a <label> (by
// for= or by nesting), aria-labelledby or aria-label. Whitespace is
// normalised. An exact match of the label text wins; otherwise a single label
// that contains the text (such as "Email *" for "Email") is used.
func (b *Browser) FillLabel(ctx context.Context, label, value string) error {
	if err := fill(b, ctx, chromedp.JSPath(byLabelJS(label)), value); err != nil {
		return fmt.Errorf("browsertest: fill field labelled %q: %w", label, err)
	}
	return nil
}

// LabelSelector returns a chromedp selector for the form field labelled label,
// with the matching rules of FillLabel, for use with chromedp directly.
func LabelSelector(label string) chromedp.JSPath { return chromedp.JSPath(byLabelJS(label)) }

func fill[S chromedp.Selectable](b *Browser, ctx context.Context, sel S, value string) error {
	ctx, cancel := b.step(ctx)
	defer cancel()
	act := chromedp.QueryAfter(sel, func(ctx context.Context, t *chromedp.Target, nodes []*chromedp.Node) (chromedp.Void, error) {
		n := nodes[0]
		res, err := callOnNode[string](ctx, t, n, prepareFillJS, value)
		if err != nil {
			return chromedp.Void{}, err
		}
		switch res {
		case "type":
			_, err = chromedp.KeyEventNode(n, value)(ctx, t)
			return chromedp.Void{}, err
		case "done":
			return chromedp.Void{}, nil
		default:
			return chromedp.Void{}, errors.New(strings.TrimPrefix(res, "error: "))
		}
	}, chromedp.NodeVisible)
	_, err := chromedp.Run(ctx, act)
	return err
}

// Click clicks the visible element that selector matches, with a real mouse
// event. It does not wait for a navigation; use ClickAndWait for links and
// submit buttons.
func (b *Browser) Click(ctx context.Context, selector string) error {
	ctx, cancel := b.step(ctx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(selector))); err != nil {
		return fmt.Errorf("browsertest: click %q: %w", selector, err)
	}
	return nil
}

// ClickAndWait clicks the element and waits until the page that the click
// loads has loaded. It returns the HTTP response of the new document (after
// redirects); the response is nil for a same-document navigation (a link to
// #fragment). It times out if the click does not navigate.
func (b *Browser) ClickAndWait(ctx context.Context, selector string) (*network.Response, error) {
	ctx, cancel := b.step(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(selector)))
	if err != nil {
		return nil, fmt.Errorf("browsertest: click %q and wait for a page load: %w", selector, navHint(err))
	}
	return resp, nil
}

// Submit submits the form that selector matches (or the form of the element
// that it matches), as a user does: it clicks the form's first enabled submit
// button, or, if the form has none, calls form.requestSubmit(). Both work with
// JavaScript disabled. It waits for the resulting page load and returns the
// HTTP response of the new document (after redirects, such as the 303 of a
// POST-redirect-GET).
func (b *Browser) Submit(ctx context.Context, selector string) (*network.Response, error) {
	ctx, cancel := b.step(ctx)
	defer cancel()
	q, _ := json.Marshal(selector)
	hasButton, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		if (!el) return "none";
		const f = el.tagName === "FORM" ? el : (el.form || el.closest("form"));
		if (!f) return "noform";
		return Array.from(f.elements).some(e => (e.type === "submit" || e.type === "image") && !e.disabled) ? "button" : "nobutton";
	})()`, q)))
	if err != nil {
		return nil, fmt.Errorf("browsertest: submit %q: %w", selector, err)
	}
	var trigger chromedp.Action[chromedp.Void]
	switch hasButton {
	case "none":
		// Wait for the element as the other helpers do, then try again.
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(selector))); err != nil {
			return nil, fmt.Errorf("browsertest: submit %q: %w", selector, err)
		}
		return b.Submit(ctx, selector)
	case "noform":
		return nil, fmt.Errorf("browsertest: submit %q: the element is not a form and is in no form", selector)
	case "button":
		trigger = chromedp.Click(chromedp.JSPath(fmt.Sprintf(`(() => {
			const el = document.querySelector(%s);
			const f = el.tagName === "FORM" ? el : (el.form || el.closest("form"));
			return Array.from(f.elements).find(e => (e.type === "submit" || e.type === "image") && !e.disabled);
		})()`, q)))
	default:
		trigger = chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
			const el = document.querySelector(%s);
			const f = el.tagName === "FORM" ? el : (el.form || el.closest("form"));
			f.requestSubmit();
		})()`, q))
	}
	resp, err := chromedp.RunResponse(ctx, trigger)
	if err != nil {
		return nil, fmt.Errorf("browsertest: submit %q and wait for a page load: %w", selector, navHint(err))
	}
	return resp, nil
}

// navHint adds a hint to a timeout while waiting for a navigation.
func navHint(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w (no page load followed; a client-side validation error, or an action that does not navigate?)", err)
	}
	return err
}

// Text returns the rendered text (innerText) of the element that selector
// matches, trimmed of surrounding space. It waits for the element.
func (b *Browser) Text(ctx context.Context, selector string) (string, error) {
	ctx, cancel := b.step(ctx)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		return "", fmt.Errorf("browsertest: text of %q: %w", selector, err)
	}
	return strings.TrimSpace(s), nil
}

// Value returns the current value of the form field that selector matches.
func (b *Browser) Value(ctx context.Context, selector string) (string, error) {
	ctx, cancel := b.step(ctx)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(selector)))
	if err != nil {
		return "", fmt.Errorf("browsertest: value of %q: %w", selector, err)
	}
	return s, nil
}

// Title returns the document title.
func (b *Browser) Title(ctx context.Context) (string, error) {
	ctx, cancel := b.step(ctx)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		return "", fmt.Errorf("browsertest: title: %w", err)
	}
	return s, nil
}

// WaitVisible waits until the element that selector matches exists and is
// visible.
func (b *Browser) WaitVisible(ctx context.Context, selector string) error {
	ctx, cancel := b.step(ctx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(selector))); err != nil {
		return fmt.Errorf("browsertest: wait for %q to be visible: %w", selector, err)
	}
	return nil
}

// WaitGone waits until no element matches selector.
func (b *Browser) WaitGone(ctx context.Context, selector string) error {
	ctx, cancel := b.step(ctx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitNotPresent(chromedp.CSS(selector))); err != nil {
		return fmt.Errorf("browsertest: wait for %q to go away: %w", selector, err)
	}
	return nil
}

// Exists reports whether an element matches selector now, without waiting.
func (b *Browser) Exists(ctx context.Context, selector string) (bool, error) {
	ctx, cancel := b.step(ctx)
	defer cancel()
	q, _ := json.Marshal(selector)
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%s) !== null`, q)))
	if err != nil {
		return false, fmt.Errorf("browsertest: look for %q: %w", selector, err)
	}
	return ok, nil
}

// URL returns the URL of the current page.
func (b *Browser) URL(ctx context.Context) (string, error) {
	ctx, cancel := b.step(ctx)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "", fmt.Errorf("browsertest: current URL: %w", err)
	}
	return s, nil
}

// Cookies returns the browser's cookies for the current page, HttpOnly ones
// included.
func (b *Browser) Cookies(ctx context.Context) ([]*network.Cookie, error) {
	ctx, cancel := b.step(ctx)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		return nil, fmt.Errorf("browsertest: cookies: %w", err)
	}
	return res.Cookies, nil
}

// Cookie returns the cookie named name for the current page, or nil.
func (b *Browser) Cookie(ctx context.Context, name string) (*network.Cookie, error) {
	cs, err := b.Cookies(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.Name == name {
			return c, nil
		}
	}
	return nil, nil
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Screenshot saves a full-page PNG screenshot as
// $KUULU_SCREENSHOTS/<test name>-<n>-<name>.png and returns its path. Without
// KUULU_SCREENSHOTS it does nothing and returns "". It is meant for debugging:
// leave the calls in, and set the variable when you want to look.
func (b *Browser) Screenshot(ctx context.Context, name string) (string, error) {
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		return "", nil
	}
	return b.ScreenshotTo(ctx, dir, name)
}

// ScreenshotTo is Screenshot into dir whatever KUULU_SCREENSHOTS says.
func (b *Browser) ScreenshotTo(ctx context.Context, dir, name string) (string, error) {
	ctx, cancel := b.step(ctx)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "", fmt.Errorf("browsertest: screenshot %q: %w", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("browsertest: screenshot %q: %w", name, err)
	}
	b.shotMu.Lock()
	b.shotN++
	n := b.shotN
	b.shotMu.Unlock()
	file := fmt.Sprintf("%s-%02d-%s.png",
		unsafeFileChars.ReplaceAllString(b.t.Name(), "_"), n,
		unsafeFileChars.ReplaceAllString(name, "_"))
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		return "", fmt.Errorf("browsertest: screenshot %q: %w", name, err)
	}
	return p, nil
}

// callOnNode calls the JavaScript function fn with the node as this and arg
// (encoded as JSON) as its one argument, and decodes the result into T.
func callOnNode[T any](ctx context.Context, t *chromedp.Target, n *chromedp.Node, fn string, arg any) (T, error) {
	var zero T
	a, err := json.Marshal(arg)
	if err != nil {
		return zero, err
	}
	r, err := cdp.Call(ctx, t, dom.ResolveNode, dom.ResolveNodeParams{NodeID: n.NodeID})
	if err != nil {
		return zero, err
	}
	defer func() {
		_, _ = cdp.Call(ctx, t, runtime.ReleaseObject, runtime.ReleaseObjectParams{ObjectID: r.Object.ObjectID})
	}()
	yes := true
	res, err := cdp.Call(ctx, t, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: fmt.Sprintf("function() { return (%s).call(this, %s); }", fn, a),
		ObjectID:            r.Object.ObjectID,
		ReturnByValue:       &yes,
		AwaitPromise:        &yes,
		Silent:              &yes,
	})
	if err != nil {
		return zero, err
	}
	if res.ExceptionDetails != nil {
		return zero, &chromedp.ExceptionError{ExceptionDetails: res.ExceptionDetails}
	}
	var out T
	if res.Result == nil || len(res.Result.Value) == 0 {
		return zero, errors.New("no result from the page")
	}
	if err := json.Unmarshal(res.Result.Value, &out); err != nil {
		return zero, err
	}
	return out, nil
}

// prepareFillJS readies a field for Fill. It returns "type" when the caller
// must type the value, "done" when it set the value itself, or "error: ...".
const prepareFillJS = `function(v) {
	const el = this, tag = el.tagName;
	const fire = () => {
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
	};
	if (tag === "SELECT") {
		const opts = Array.from(el.options);
		const opt = opts.find(o => o.value === v) || opts.find(o => o.text.trim() === v);
		if (!opt) return "error: the select has no option with value or text " + JSON.stringify(v);
		el.value = opt.value;
		fire();
		return "done";
	}
	if (el.isContentEditable) {
		el.focus();
		el.textContent = "";
		return "type";
	}
	if (tag !== "INPUT" && tag !== "TEXTAREA") return "error: <" + tag.toLowerCase() + "> is not a form field";
	if (el.disabled) return "error: the field is disabled";
	if (el.readOnly) return "error: the field is read-only";
	if (tag === "INPUT" && (el.type === "checkbox" || el.type === "radio")) return "error: use Click for a " + el.type;
	const typed = ["text", "search", "email", "url", "tel", "password", "number"];
	if (tag === "INPUT" && !typed.includes(el.type)) {
		el.value = v;
		fire();
		return "done";
	}
	el.focus();
	el.value = "";
	return "type";
}`

// byLabelJS returns a JavaScript expression that gives the form field labelled
// label, or null.
func byLabelJS(label string) string {
	q, _ := json.Marshal(label)
	return fmt.Sprintf(`(() => {
	const want = %s.replace(/\s+/g, " ").trim();
	const norm = s => (s || "").replace(/\s+/g, " ").trim();
	const controls = "input, select, textarea, button";
	// The text of a label without the text of the controls in it.
	const textOf = el => {
		let s = "";
		for (const c of el.childNodes) {
			if (c.nodeType === Node.TEXT_NODE) s += c.textContent;
			else if (c.nodeType === Node.ELEMENT_NODE && !c.matches(controls)) s += " " + textOf(c) + " ";
		}
		return s;
	};
	const cands = [];
	for (const l of document.querySelectorAll("label")) {
		if (l.control) cands.push([norm(textOf(l)), l.control]);
	}
	for (const el of document.querySelectorAll(controls + ", [contenteditable]")) {
		const ids = el.getAttribute("aria-labelledby");
		if (ids) {
			cands.push([norm(ids.split(/\s+/).map(id => {
				const e = document.getElementById(id);
				return e ? e.textContent : "";
			}).join(" ")), el]);
		}
		if (el.hasAttribute("aria-label")) cands.push([norm(el.getAttribute("aria-label")), el]);
	}
	const exact = cands.filter(c => c[0] === want);
	if (exact.length > 0) return exact[0][1];
	const partial = [...new Set(cands.filter(c => c[0].includes(want)).map(c => c[1]))];
	return partial.length === 1 ? partial[0] : null;
})()`, q)
}
