package web

import (
	"net/http"
	"net/url"
	"slices"

	"kuulu/internal/auth"
	"kuulu/internal/store"
)

// jobsRoutes: administrators see the periodic jobs (internal/jobs: retention,
// housekeeping), their last runs and errors, and can make one due now.
func (s *Server) jobsRoutes(r *Router) {
	r.Handle("GET /admin/jobs", auth.Admin, s.jobList)
	r.Handle("POST /admin/jobs/{name}/run", auth.Admin, s.jobRunSoon)
}

// knownJobs are the jobs the page describes in the reader's language
// (i18n keys jobs.job.NAME); others are shown by name only.
var knownJobs = []string{"housekeeping", "retention.contacts", "retention.feedback", "retention.messages"}

type jobsPage struct {
	Jobs   []jobView
	Queued string // name of the job just made due
}

// jobView is one job with what the template needs to say about it.
type jobView struct {
	store.Job
	Running bool
}

// DescKey is the i18n key of the job's description, or "" for a job the
// page does not know.
func (j jobView) DescKey() string {
	if slices.Contains(knownJobs, j.Name) {
		return "jobs.job." + j.Name
	}
	return ""
}

// Hours is the job's interval in hours.
func (j jobView) Hours() int { return int(j.Interval.Hours()) }

// StateKey and Badge tell the job's state: running, failing or fine.
func (j jobView) StateKey() string {
	switch {
	case j.Running:
		return "jobs.state.running"
	case j.LastError != "":
		return "jobs.state.failed"
	case j.LastFinishedAt == nil:
		return "jobs.state.waiting"
	}
	return "jobs.state.ok"
}

// Badge is the badge class of the state.
func (j jobView) Badge() string {
	switch {
	case j.Running:
		return "badge-info"
	case j.LastError != "":
		return "badge-danger"
	case j.LastFinishedAt == nil:
		return "badge-neutral"
	}
	return "badge-ok"
}

// jobList shows every job's row: schedule, last run, result or error.
func (s *Server) jobList(w http.ResponseWriter, r *http.Request) error {
	d := jobsPage{Queued: r.URL.Query().Get("queued")}
	now := s.clock.Now()
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		jobs, err := tx.Jobs(r.Context())
		for _, j := range jobs {
			d.Jobs = append(d.Jobs, jobView{Job: j, Running: j.Running(now)})
		}
		return err
	})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin/jobs.html", d)
	return nil
}

// jobRunSoon makes a job due now; a runner starts it at its next tick (within
// a minute). The request is audited.
func (s *Server) jobRunSoon(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		if err := tx.RunJobSoon(r.Context(), name); err != nil {
			return err
		}
		return s.audit(r, tx, "job.run_now", "job", name, "")
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/jobs?queued="+url.QueryEscape(name))
}
