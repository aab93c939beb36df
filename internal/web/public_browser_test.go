package web

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"kuulu/internal/browsertest"
	"kuulu/internal/demo"
	"kuulu/internal/domain"
)

// TestPublicPagesInBrowser walks the public pages in headless Chromium, with
// and without JavaScript, and checks each with axe-core (WCAG 2.1 A and AA):
// the form, the form with errors, the receipt, the status page, the kiosk
// and its thank-you page, the lookup, the accessibility form, the published
// list and the poster. It skips without Chromium or axe-core.
func TestPublicPagesInBrowser(t *testing.T) {
	for _, noJS := range []bool{false, true} {
		name := "js"
		var opts []browsertest.Option
		if noJS {
			name, opts = "nojs", []browsertest.Option{browsertest.WithoutJavaScript()}
		}
		t.Run(name, func(t *testing.T) {
			if _, err := browsertest.AxePath(); err != nil && !browsertest.RequireBrowser() {
				t.Skip(err.Error())
			}
			b := browsertest.New(t, opts...)
			e := newEnv(t, filepath.Join(t.TempDir(), "kuulu.db"))
			ctx := b.Context()
			// Without JavaScript the flow is walked in full, but only the
			// pages whose markup JavaScript changes (the form's counter, the
			// error summary's focus) are checked again: the browser has
			// DefaultTimeout for all of it.
			visit := func(path, page string) {
				t.Helper()
				if err := b.Navigate(ctx, e.ts.URL+path); err != nil {
					t.Fatal(err)
				}
				if !noJS {
					b.AssertAccessible(t, ctx, page)
				}
			}
			visit("/p/"+pubSlug+"?lang=fi", "public form")
			if noJS {
				b.AssertAccessible(t, ctx, "public form without JavaScript")
			}
			// Empty submit: the form comes back with the error summary.
			if resp, err := b.Submit(ctx, "form.form"); err != nil || resp.Status != 422 {
				t.Fatalf("empty submit: %v %v", resp, err)
			}
			b.AssertAccessible(t, ctx, "public form with errors")
			if err := b.Click(ctx, "#f-kind-idea"); err != nil {
				t.Fatal(err)
			}
			if err := b.Click(ctx, "#f-score-8"); err != nil {
				t.Fatal(err)
			}
			if err := b.FillLabel(ctx, e.srv.cat.T(domain.Finnish, "public.field.text"), "Hetu 131052-308T. Aulaan lisää tuoleja."); err != nil {
				t.Fatal(err)
			}
			resp, err := b.Submit(ctx, "form.form")
			if err != nil || resp.Status != 200 || !strings.Contains(resp.URL, "/kiitos/") {
				t.Fatalf("submit: %v %v", resp, err)
			}
			b.AssertAccessible(t, ctx, "receipt")
			u, _ := url.Parse(resp.URL)
			code := path.Base(u.Path)
			if resp, err := b.ClickAndWait(ctx, `a[href^="/t/"]`); err != nil || resp.Status != 200 {
				t.Fatalf("status link: %v %v", resp, err)
			}
			b.AssertAccessible(t, ctx, "status page")
			if txt, _ := b.Text(ctx, "main"); strings.Contains(txt, "131052-308T") || !strings.Contains(txt, "[HETU]") {
				t.Error("status page does not mask the identity code")
			}
			e.pubNextWindow()
			visit("/t?lang=fi&code=nonsense", "lookup with error")
			visit("/k/"+pubSlug+"?lang=fi", "kiosk")
			if resp, err := b.ClickAndWait(ctx, "#f-face-5"); err != nil || resp.Status != 200 {
				t.Fatalf("kiosk tap: %v %v", resp, err)
			}
			b.AssertAccessible(t, ctx, "kiosk thank-you")
			// With JavaScript the thank-you screen clears itself for the next
			// client; without it, the big start button does.
			if b.JavaScriptEnabled() {
				if err := b.WaitVisible(ctx, ".faces"); err != nil {
					t.Errorf("kiosk did not return to the start: %v", err)
				}
			}
			visit("/p/saavutettavuus?lang=sv", "accessibility form (sv)")
			visit("/palaute?lang=en", "published list (en)")
			visit("/p/"+pubSlug+"/juliste?lang=fi", "poster")
			visit("/t/"+code+"?lang=en", "status page (en)")
		})
	}
}

// TestStaffPagesInBrowser signs in as a nurse, records a client's feedback
// and opens the hand-over and the slip, each checked with axe-core.
func TestStaffPagesInBrowser(t *testing.T) {
	if _, err := browsertest.AxePath(); err != nil && !browsertest.RequireBrowser() {
		t.Skip(err.Error())
	}
	b := browsertest.New(t)
	e := newEnv(t, filepath.Join(t.TempDir(), "kuulu.db"))
	ctx := b.Context()
	visit := func(path, page string) {
		t.Helper()
		if err := b.Navigate(ctx, e.ts.URL+path); err != nil {
			t.Fatal(err)
		}
		b.AssertAccessible(t, ctx, page)
	}
	visit("/login?lang=fi", "sign-in")
	fi := domain.Finnish
	if err := b.FillLabel(ctx, e.srv.cat.T(fi, "field.email"), "hoitaja@kainuu.example"); err != nil {
		t.Fatal(err)
	}
	if err := b.FillLabel(ctx, e.srv.cat.T(fi, "field.password"), demo.DefaultPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Submit(ctx, "form"); err != nil {
		t.Fatal(err)
	}
	visit("/staff/feedback/new?lang=fi", "staff quick entry")
	if err := b.Click(ctx, "#f-kind-praise"); err != nil {
		t.Fatal(err)
	}
	if err := b.FillLabel(ctx, e.srv.cat.T(fi, "public.staff.text"), "Asiakas kiitti nopeasta ajanvarauksesta."); err != nil {
		t.Fatal(err)
	}
	resp, err := b.Submit(ctx, "form.form")
	if err != nil || resp.Status != 200 || !strings.Contains(resp.URL, "/handover") {
		t.Fatalf("staff entry: %v %v", resp, err)
	}
	b.AssertAccessible(t, ctx, "hand-over")
	if resp, err := b.Submit(ctx, "form.form"); err != nil || resp.Status != 422 {
		t.Fatalf("empty hand-over: %v %v", resp, err)
	}
	b.AssertAccessible(t, ctx, "hand-over with errors")
	if resp, err := b.ClickAndWait(ctx, `a[href$="/slip"]`); err != nil || resp.Status != 200 {
		t.Fatalf("slip: %v %v", resp, err)
	}
	b.AssertAccessible(t, ctx, "printable slip")
}
