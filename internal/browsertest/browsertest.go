// Package browsertest runs end-to-end tests in headless Chromium, driven by
// chromedp, and checks pages for accessibility problems with axe-core.
//
// A test starts a browser with [New], points it at a server (usually an
// httptest.Server that serves the Kuulu handler) and uses the thin helpers on
// [Browser], or chromedp directly with [Browser.Context]:
//
//	func TestLoginPage(t *testing.T) {
//		srv := httptest.NewServer(handler)
//		defer srv.Close()
//
//		b := browsertest.New(t)
//		ctx := b.Context()
//		if err := b.Navigate(ctx, srv.URL+"/login"); err != nil {
//			t.Fatal(err)
//		}
//		b.AssertAccessible(t, ctx, "login page")
//	}
//
// # Environment
//
//   - KUULU_CHROMIUM: path of the Chromium or Chrome binary. Without it, New
//     looks for /usr/bin/chromium, /usr/bin/chromium-browser, then chromium,
//     chromium-browser, google-chrome and google-chrome-stable on PATH.
//   - KUULU_REQUIRE_BROWSER=1: fail instead of skip when Chromium or axe-core
//     is missing. CI sets it, so that browser tests never skip silently there.
//   - KUULU_AXE_PATH: path of axe.min.js. Without it, Axe looks for
//     node_modules/axe-core/axe.min.js in the directory of go.mod, found by
//     walking up from the working directory (run `npm install` there).
//   - KUULU_SCREENSHOTS=dir: [Browser.Screenshot] writes PNG files into dir,
//     and a failed test gets a screenshot of its last page. Unset, screenshots
//     are not taken.
//   - KUULU_BROWSER_TIMEOUT: the time limit of one test's browser context, as a
//     Go duration such as 90s. The default is 60s. See [WithTimeout].
//
// Selectors given to the helpers are CSS selectors. Every helper waits for
// its element, bounded by the action timeout (15 s by default, see
// [WithActionTimeout]), so that a wrong selector fails fast with a clear error
// and does not use up the whole test timeout.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Names of the environment variables that the package reads.
const (
	EnvChromium       = "KUULU_CHROMIUM"
	EnvRequireBrowser = "KUULU_REQUIRE_BROWSER"
	EnvAxePath        = "KUULU_AXE_PATH"
	EnvScreenshots    = "KUULU_SCREENSHOTS"
	EnvTimeout        = "KUULU_BROWSER_TIMEOUT"
)

// Defaults of the options.
const (
	DefaultTimeout       = 60 * time.Second
	DefaultActionTimeout = 15 * time.Second
	DefaultWidth         = 1280
	DefaultHeight        = 900

	// startTimeout bounds the start of the browser process.
	startTimeout = 30 * time.Second
)

// missingChromiumMsg is the message of the skip (or failure) when no browser
// is installed.
const missingChromiumMsg = "headless Chromium not found (install Debian package chromium or set KUULU_CHROMIUM); browser tests skipped"

// Browser is one headless Chromium process with one tab, owned by one test.
// It is not safe for concurrent use; a test that wants parallel tabs can make
// child contexts with chromedp.NewContext(b.Context()).
type Browser struct {
	t             testing.TB
	ctx           context.Context // the tab, with the test timeout
	actionTimeout time.Duration
	jsDisabled    bool
	execPath      string

	shotMu sync.Mutex
	shotN  int
}

type config struct {
	timeout       time.Duration
	actionTimeout time.Duration
	width, height int
	noJS          bool
	flags         map[string]any
}

// Option changes how New starts the browser.
type Option func(*config)

// WithTimeout sets the time limit of the context that [Browser.Context]
// returns, that is of all browser work in the test. It overrides
// KUULU_BROWSER_TIMEOUT. The limit is also cut to the deadline of `go test
// -timeout`, less a few seconds, so that a hanging test fails with a browser
// error and not with a panic of the test binary.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithActionTimeout sets the time limit of each helper method, such as
// [Browser.Click]. The default is DefaultActionTimeout.
func WithActionTimeout(d time.Duration) Option {
	return func(c *config) { c.actionTimeout = d }
}

// WithWindowSize sets the size of the browser window. The default is
// 1280x900.
func WithWindowSize(width, height int) Option {
	return func(c *config) { c.width, c.height = width, height }
}

// WithoutJavaScript starts the tab with script execution disabled, for testing
// the no-JS flows. The helpers keep working: they drive the page through the
// DevTools protocol, which page scripts being off does not affect.
func WithoutJavaScript() Option { return func(c *config) { c.noJS = true } }

// WithAcceptLanguage sets the Accept-Language header that the browser sends
// (and navigator.languages), for example "sv-FI,sv;q=0.9". The default is
// Chromium's, en-US.
func WithAcceptLanguage(langs string) Option {
	return func(c *config) { c.flags["accept-lang"] = langs }
}

// WithFlag adds a Chromium command-line flag (without the leading dashes).
func WithFlag(name string, value any) Option {
	return func(c *config) { c.flags[name] = value }
}

// RequireBrowser reports whether KUULU_REQUIRE_BROWSER asks to fail instead of
// skipping when Chromium or axe-core is missing (any value but "", "0" and
// "false").
func RequireBrowser() bool {
	v := strings.TrimSpace(os.Getenv(EnvRequireBrowser))
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// skipOrFail skips the test, or fails it when KUULU_REQUIRE_BROWSER is set.
func skipOrFail(t testing.TB, msg string) {
	t.Helper()
	if RequireBrowser() {
		// "...; browser tests skipped" would mislead here.
		msg = strings.NewReplacer("; browser tests skipped", "", "; accessibility checks skipped", "").Replace(msg)
		t.Fatalf("%s; %s=1 is set, so this fails instead of skipping", msg, EnvRequireBrowser)
	}
	t.Skip(msg)
}

// Where FindChromium looks when KUULU_CHROMIUM is unset: these paths, then
// these names on PATH. Variables for the tests.
var (
	chromiumPaths = []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"}
	chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}
)

// FindChromium returns the path of the browser binary that New would use, or
// an error that says what was tried.
func FindChromium() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		if isExecutable(p) {
			return p, nil
		}
		if lp, err := exec.LookPath(p); err == nil {
			return lp, nil
		}
		return "", fmt.Errorf("%s=%q is not an executable file", EnvChromium, p)
	}
	for _, p := range chromiumPaths {
		if isExecutable(p) {
			return p, nil
		}
	}
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New(missingChromiumMsg)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// New starts headless Chromium for the test and closes it when the test ends.
// Without a browser it skips the test (or fails it under
// KUULU_REQUIRE_BROWSER=1). It fails the test when a browser is installed but
// does not start.
func New(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	cfg := config{
		timeout:       DefaultTimeout,
		actionTimeout: DefaultActionTimeout,
		width:         DefaultWidth,
		height:        DefaultHeight,
		flags:         map[string]any{},
	}
	if v := os.Getenv(EnvTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("browsertest: %s=%q is not a positive Go duration such as 90s", EnvTimeout, v)
		}
		cfg.timeout = d
	}
	for _, o := range opts {
		o(&cfg)
	}

	execPath, err := FindChromium()
	if err != nil {
		if os.Getenv(EnvChromium) != "" {
			// An explicit path that is wrong is a setup error, never a skip.
			t.Fatalf("browsertest: %v", err)
		}
		skipOrFail(t, err.Error())
	}

	out := &tailBuffer{max: 8 << 10}
	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root (CI does)
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(cfg.width, cfg.height),
		chromedp.Flag("disable-quic", true),
		// The machines have no network but localhost: without these,
		// Chromium keeps trying to reach Google's hosts.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.CombinedOutput(out),
		// No user-data-dir flag: the ExecAllocator then makes a fresh
		// temporary profile directory for this browser, and removes it
		// (after killing leftover helper processes) when the browser exits.
	}
	for name, v := range cfg.flags {
		allocOpts = append(allocOpts, chromedp.Flag(name, v))
	}

	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	browserCtx, browserCancel := chromedp.NewContext(allocCtx)

	// Start the browser with a context that has no deadline (the first Run
	// binds the browser's life to it), but give up if it hangs.
	startTimer := time.AfterFunc(startTimeout, browserCancel)
	err = chromedp.Do(browserCtx)
	startTimer.Stop()
	if err != nil {
		browserCancel()
		allocCancel()
		t.Fatalf("browsertest: start %s: %v\nbrowser output (tail):\n%s", execPath, err, out.String())
	}

	timeout := cfg.timeout
	if dl, ok := testDeadline(t); ok {
		if left := time.Until(dl) - 5*time.Second; left > 0 && left < timeout {
			timeout = left
		}
	}
	ctx, cancel := context.WithTimeout(browserCtx, timeout)

	b := &Browser{
		t:             t,
		ctx:           ctx,
		actionTimeout: cfg.actionTimeout,
		execPath:      execPath,
	}
	t.Cleanup(func() {
		if t.Failed() && os.Getenv(EnvScreenshots) != "" {
			// Best effort: the test context may have timed out, so use
			// the browser's own context with a short limit.
			sctx, scancel := context.WithTimeout(browserCtx, 5*time.Second)
			if p, err := b.Screenshot(sctx, "failure"); err == nil && p != "" {
				t.Logf("browsertest: screenshot of the failed test: %s", p)
			}
			scancel()
		}
		cancel()
		// Close the browser gracefully, then make sure that the process is
		// gone and its profile directory removed.
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		done := make(chan struct{})
		go func() {
			_ = chromedp.Cancel(browserCtx)
			close(done)
		}()
		select {
		case <-done:
		case <-cctx.Done():
		}
		browserCancel()
		allocCancel() // waits for the process and the removal of its profile
	})

	if cfg.noJS {
		if err := b.SetJavaScriptEnabled(ctx, false); err != nil {
			t.Fatalf("browsertest: disable JavaScript: %v", err)
		}
	}
	return b
}

// testDeadline returns the deadline of `go test -timeout`, for a *testing.T.
func testDeadline(t testing.TB) (time.Time, bool) {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		return d.Deadline()
	}
	return time.Time{}, false
}

// Context returns the context of the browser tab, with the test time limit.
// Use it with chromedp directly, for example
// chromedp.Run(b.Context(), chromedp.Title()).
func (b *Browser) Context() context.Context { return b.ctx }

// ExecPath returns the path of the browser binary in use.
func (b *Browser) ExecPath() string { return b.execPath }

// JavaScriptEnabled reports whether page scripts run in the tab.
func (b *Browser) JavaScriptEnabled() bool { return !b.jsDisabled }

// SetJavaScriptEnabled turns script execution in the tab on or off. The
// setting lasts across navigations until it is changed. With scripts off, the
// pages behave as in a browser with JavaScript disabled; the helpers and Axe
// still work, because DevTools evaluation is not page script.
func (b *Browser) SetJavaScriptEnabled(ctx context.Context, enabled bool) error {
	ctx, cancel := b.step(ctx)
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: !enabled})
	if err != nil {
		return fmt.Errorf("browsertest: set script execution disabled=%v: %w", !enabled, err)
	}
	b.jsDisabled = !enabled
	return nil
}

// step returns a context for one helper: ctx, cut to the action timeout.
func (b *Browser) step(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx == nil {
		ctx = b.ctx
	}
	if b.actionTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, b.actionTimeout)
}

// repoRoot returns the directory of go.mod, found by walking up from the
// working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory")
		}
		dir = parent
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tailBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(p), nil
}

func (w *tailBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}
