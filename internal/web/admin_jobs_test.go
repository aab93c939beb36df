package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kuulu/internal/browsertest"
	"kuulu/internal/demo"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

// TestAdminJobs: the administrator sees each job's state, its last error,
// and can make a job due now (audited).
func TestAdminJobs(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		now := e.clock.T
		c := e.client()
		c.login("admin@kainuu.example")
		if r := c.get("/admin/jobs"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Yhtään taustatyötä") {
			t.Fatalf("empty list: %d", r.Status)
		}
		err := e.db.Write(ctx, func(tx *store.Tx) error {
			for _, n := range []string{"housekeeping", "retention.contacts"} {
				if err := tx.EnsureJob(ctx, n, 24*time.Hour, now); err != nil {
					return err
				}
				if _, err := tx.ClaimJob(ctx, n, "test", now, now.Add(time.Minute)); err != nil {
					return err
				}
			}
			return tx.FinishJob(ctx, "retention.contacts", "test", now, "", errors.New("database is locked"), now)
		})
		if err != nil {
			t.Fatal(err)
		}
		r := c.get("/admin/jobs?lang=en")
		for _, want := range []string{"retention.contacts", "database is locked", "badge-danger", "Deletes the contact details", "housekeeping", "Running", "every 24 h"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("jobs page lacks %q", want)
			}
		}
		r = c.post("/admin/jobs/retention.contacts/run", url.Values{})
		if r.Status != http.StatusSeeOther || r.Location != "/admin/jobs?queued=retention.contacts" {
			t.Fatalf("run now: %d %s", r.Status, r.Location)
		}
		var audited int
		err = e.db.Read(ctx, func(tx *store.Tx) error {
			j, err := tx.JobByName(ctx, "retention.contacts")
			if err == nil && !j.NextRunAt.Equal(now) {
				t.Errorf("next run %v, want %v", j.NextRunAt, now)
			}
			a, _ := tx.AuditLog(ctx, store.AuditFilter{Action: "job.run_now", ObjectID: "retention.contacts"})
			audited = len(a)
			return err
		})
		if err != nil || audited != 1 {
			t.Errorf("run now: %v, %d audit entries", err, audited)
		}
		if r := c.post("/admin/jobs/no-such-job/run", url.Values{}); r.Status != http.StatusNotFound {
			t.Errorf("unknown job: %d", r.Status)
		}
		if r := c.get("/admin/jobs?queued=retention.contacts"); !strings.Contains(r.Body, `role="status"`) {
			t.Error("no notice after run now")
		}
	})
}

// TestE2EAdminJobs checks the jobs page with axe-core in three languages,
// with a failed and a running job.
func TestE2EAdminJobs(t *testing.T) {
	w := newE2E(t, browsertest.WithAcceptLanguage(e2eFinnishUA))
	ctx := context.Background()
	now := w.clock.T
	err := w.db.Write(ctx, func(tx *store.Tx) error {
		for _, n := range []string{"housekeeping", "retention.contacts", "retention.feedback"} {
			if err := tx.EnsureJob(ctx, n, 24*time.Hour, now); err != nil {
				return err
			}
		}
		if _, err := tx.ClaimJob(ctx, "retention.feedback", "kuulu-1/42/abc", now, now.Add(time.Hour)); err != nil {
			return err
		}
		if _, err := tx.ClaimJob(ctx, "retention.contacts", "kuulu-1/42/abc", now, now.Add(time.Hour)); err != nil {
			return err
		}
		return tx.FinishJob(ctx, "retention.contacts", "kuulu-1/42/abc", now, "", errors.New("database is locked"), now)
	})
	if err != nil {
		t.Fatal(err)
	}
	w.login(e2eAdmin, demo.DefaultPassword)
	w.click(`.main-nav a[href="/admin/jobs"]`, http.StatusOK)
	wantPage(w, "fi", w.tr("jobs.title"))
	w.check("jobs (fi)")
	w.submit(`form[action="/admin/jobs/retention.contacts/run"]`, http.StatusOK)
	w.wantText(`[role="status"]`, w.tr("jobs.queued", "retention.contacts"))
	w.check("jobs after run now")
	for _, l := range []domain.Lang{domain.Swedish, domain.English} {
		w.visit("/admin/jobs?lang="+string(l), http.StatusOK)
		wantPage(w, l, w.tr("jobs.title"))
		w.check("jobs (" + string(l) + ")")
	}
}
