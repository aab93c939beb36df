package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// AxeTags are the axe-core rule tags that Axe runs: WCAG 2.0 and 2.1, levels
// A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeTimeout bounds one axe run (injection included).
const axeTimeout = 30 * time.Second

// ErrAxeNotFound is wrapped by the error of Axe when axe.min.js is not there.
var ErrAxeNotFound = errors.New("axe-core not found (run `npm install` at the repository root, or set KUULU_AXE_PATH to axe.min.js); accessibility checks skipped")

// AxePath returns the path of axe.min.js: $KUULU_AXE_PATH, or
// node_modules/axe-core/axe.min.js in the directory of go.mod. The error wraps
// ErrAxeNotFound when the file is missing.
func AxePath() (string, error) {
	if p := os.Getenv(EnvAxePath); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w: %s=%q: %v", ErrAxeNotFound, EnvAxePath, p, err)
		}
		return p, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrAxeNotFound, err)
	}
	p := filepath.Join(root, "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%w: %v", ErrAxeNotFound, err)
	}
	return p, nil
}

// Report is the part of an axe-core result that the tests use.
type Report struct {
	URL        string      `json:"url"`
	Engine     string      `json:"engine"` // axe-core version
	Violations []Violation `json:"violations"`
	// Incomplete lists the checks that axe could not decide ("needs
	// review"), for example the contrast of text over an image. They do
	// not fail AssertAccessible.
	Incomplete []Violation `json:"incomplete"`
}

// Violation is one failed axe rule, with the elements that fail it.
type Violation struct {
	ID          string   `json:"id"`
	Impact      string   `json:"impact"` // minor, moderate, serious or critical
	Description string   `json:"description"`
	Help        string   `json:"help"`
	HelpURL     string   `json:"helpUrl"`
	Tags        []string `json:"tags"`
	Nodes       []Node   `json:"nodes"`
}

// Node is one element that fails a rule.
type Node struct {
	// Target is the CSS selector path to the element; more than one entry
	// means frames or shadow roots, outermost first.
	Target         []string `json:"target"`
	HTML           string   `json:"html"`
	FailureSummary string   `json:"failureSummary"`
	Impact         string   `json:"impact"`
}

// IDs returns the sorted ids of the violated rules.
func (r Report) IDs() []string {
	ids := make([]string, 0, len(r.Violations))
	for _, v := range r.Violations {
		ids = append(ids, v.ID)
	}
	sort.Strings(ids)
	return ids
}

// Has reports whether rule id is violated.
func (r Report) Has(id string) bool {
	for _, v := range r.Violations {
		if v.ID == id {
			return true
		}
	}
	return false
}

// String lists the violations readably, one block per rule and a line per
// element.
func (r Report) String() string {
	if len(r.Violations) == 0 {
		return "no accessibility violations"
	}
	var sb strings.Builder
	n := 0
	for _, v := range r.Violations {
		n += len(v.Nodes)
	}
	fmt.Fprintf(&sb, "%d accessibility violation(s) in %d element(s) on %s (axe-core %s, tags %s):\n",
		len(r.Violations), n, r.URL, r.Engine, strings.Join(AxeTags, ","))
	for i, v := range r.Violations {
		fmt.Fprintf(&sb, "\n%d. [%s] %s: %s\n   %s\n", i+1, v.Impact, v.ID, v.Help, v.HelpURL)
		for _, nd := range v.Nodes {
			fmt.Fprintf(&sb, "   - %s\n     %s\n", strings.Join(nd.Target, " >>> "), oneLine(nd.HTML, 200))
			for _, line := range strings.Split(strings.TrimSpace(nd.FailureSummary), "\n") {
				if line = strings.TrimSpace(line); line != "" {
					fmt.Fprintf(&sb, "     %s\n", line)
				}
			}
		}
	}
	return sb.String()
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}

// axeRunJS runs axe and gives its result as a JSON string in the shape of
// Report.
const axeRunJS = `(async () => {
	const r = await axe.run(document, {
		runOnly: {type: "tag", values: %s},
		resultTypes: ["violations", "incomplete"],
	});
	const conv = list => list.map(v => ({
		id: v.id, impact: v.impact || "", description: v.description, help: v.help,
		helpUrl: v.helpUrl, tags: v.tags,
		nodes: v.nodes.map(n => ({
			target: n.target.map(t => Array.isArray(t) ? t.join(" ") : String(t)),
			html: n.html, failureSummary: n.failureSummary || "", impact: n.impact || "",
		})),
	}));
	return JSON.stringify({
		url: r.url, engine: r.testEngine.version,
		violations: conv(r.violations), incomplete: conv(r.incomplete),
	});
})()`

// Axe injects axe-core into the current page (once per document) and runs the
// WCAG 2.0/2.1 A and AA rules on the whole document. It works with JavaScript
// disabled (script execution is switched on for the run only; the page's own
// scripts, skipped at load, stay skipped) and under a strict
// Content-Security-Policy, because DevTools evaluation is not page script. The error wraps ErrAxeNotFound when
// axe.min.js is missing.
func (b *Browser) Axe(ctx context.Context) (_ Report, err error) {
	if ctx == nil {
		ctx = b.ctx
	}
	ctx, cancel := context.WithTimeout(ctx, axeTimeout)
	defer cancel()

	path, err := AxePath()
	if err != nil {
		return Report{}, err
	}
	if b.jsDisabled {
		// axe.run needs timers and promise jobs, which do not run while
		// script execution is disabled. Turn it on for the run only: the
		// page's own scripts were skipped when the page loaded and stay
		// skipped.
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
			emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
			return Report{}, fmt.Errorf("browsertest: axe: enable scripts for the run: %w", err)
		}
		defer func() {
			rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer rcancel()
			if _, rerr := chromedp.Call(rctx, emulation.SetScriptExecutionDisabled,
				emulation.SetScriptExecutionDisabledParams{Value: true}); rerr != nil && err == nil {
				err = fmt.Errorf("browsertest: axe: disable scripts again: %w", rerr)
			}
		}()
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object" && typeof window.axe.run === "function"`))
	if err != nil {
		return Report{}, fmt.Errorf("browsertest: axe: %w", err)
	}
	if !loaded {
		src, err := os.ReadFile(path)
		if err != nil {
			return Report{}, fmt.Errorf("browsertest: axe: %w", err)
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](string(src)+"\n;void 0;")); err != nil {
			return Report{}, fmt.Errorf("browsertest: inject %s: %w", path, err)
		}
	}
	tags, _ := json.Marshal(AxeTags)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(axeRunJS, tags), chromedp.EvalAwaitPromise))
	if err != nil {
		return Report{}, fmt.Errorf("browsertest: axe.run: %w", err)
	}
	var r Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		return Report{}, fmt.Errorf("browsertest: decode the axe result: %w", err)
	}
	return r, nil
}

// AssertAccessible runs Axe on the current page and fails the test (without
// stopping it) with a readable list of every violation. pageName names the
// page in the message. A missing axe-core skips the test, or fails it under
// KUULU_REQUIRE_BROWSER=1; any other error stops the test. ctx nil means
// b.Context().
func (b *Browser) AssertAccessible(t testing.TB, ctx context.Context, pageName string) {
	t.Helper()
	r, err := b.Axe(ctx)
	if err != nil {
		if errors.Is(err, ErrAxeNotFound) {
			skipOrFail(t, err.Error())
		}
		t.Fatalf("accessibility check of %s: %v", pageName, err)
	}
	if len(r.Violations) > 0 {
		t.Errorf("accessibility check of %s: %s", pageName, r)
	}
	if len(r.Incomplete) > 0 && testing.Verbose() {
		ids := make([]string, 0, len(r.Incomplete))
		for _, v := range r.Incomplete {
			ids = append(ids, v.ID)
		}
		t.Logf("accessibility check of %s: axe could not decide (needs review): %s", pageName, strings.Join(ids, ", "))
	}
}
