package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/demo"
	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// TestCanHandle is the table of who may do what with one item.
func TestCanHandle(t *testing.T) {
	const unit, other = 10, 20
	sup := &org.Person{ID: 1, Active: true, Grants: []org.Grant{{Role: domain.RoleSupervisor, UnitID: unit}}}
	otherSup := &org.Person{ID: 2, Active: true, Grants: []org.Grant{{Role: domain.RoleSupervisor, UnitID: other}}}
	staff := &org.Person{ID: 3, Active: true, UnitID: unit, Grants: []org.Grant{{Role: domain.RoleStaff}}}
	coord := &org.Person{ID: 4, Active: true, Grants: []org.Grant{{Role: domain.RoleCoordinator}}}
	mgmt := &org.Person{ID: 5, Active: true, Grants: []org.Grant{{Role: domain.RoleManagement}}}
	admin := &org.Person{ID: 6, Active: true, Grants: []org.Grant{{Role: domain.RoleAdmin}}}
	inactive := &org.Person{ID: 1, Active: false, Grants: sup.Grants}

	plain := &feedback.Item{UnitID: unit}
	assigned := &feedback.Item{UnitID: unit, HandlerID: staff.ID}
	recorded := &feedback.Item{UnitID: unit, RecordedBy: staff.ID, Channel: feedback.ChannelStaff}
	none, read := itemAccess{}, itemAccess{See: true}
	handler := itemAccess{See: true, Original: true, Handle: true}
	lead := itemAccess{See: true, Original: true, Triage: true, Handle: true}
	triage := itemAccess{See: true, Triage: true}
	tests := []struct {
		name string
		p    *org.Person
		it   *feedback.Item
		want itemAccess
		unit bool // canSeeUnitInbox(p, it.UnitID)
	}{
		{"supervisor of the unit", sup, plain, lead, true},
		{"supervisor of another unit", otherSup, plain, none, false},
		{"supervisor of another unit, assigned", otherSup, &feedback.Item{UnitID: unit, HandlerID: otherSup.ID}, handler, false},
		{"staff, not assigned", staff, plain, none, false},
		{"staff, assigned", staff, assigned, handler, false},
		{"staff, recorded it", staff, recorded, read, false},
		{"coordinator", coord, plain, triage, true},
		{"management", mgmt, plain, read, true},
		{"admin", admin, plain, triage, true},
		{"inactive supervisor", inactive, plain, none, false},
		{"anonymous", nil, plain, none, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := canHandle(tc.p, tc.it); got != tc.want {
				t.Errorf("canHandle = %+v, want %+v", got, tc.want)
			}
			if got := canSeeUnitInbox(tc.p, tc.it.UnitID); got != tc.unit {
				t.Errorf("canSeeUnitInbox = %v, want %v", got, tc.unit)
			}
		})
	}
	if actorRole(sup, unit) != "supervisor" || actorRole(coord, unit) != "coordinator" || actorRole(staff, unit) != "staff" || actorRole(sup, other) != "staff" {
		t.Error("actorRole")
	}
}

// ibFix is the cast of the inbox tests, from the demo data.
type ibFix struct {
	kajaani, paltamo, sotkamo      org.Unit
	sup, staff, coord, mgmt, admin org.Person
	otherSup                       org.Person // supervises Sotkamo health centre, not Kajaani
}

func ibFixture(t *testing.T, e *testEnv) ibFix {
	t.Helper()
	ctx := context.Background()
	var f ibFix
	err := e.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		for _, u := range []struct {
			dst  *org.Unit
			name string
		}{{&f.kajaani, "Kajaanin terveysasema"}, {&f.paltamo, "Paltamon terveysasema"}, {&f.sotkamo, "Sotkamon terveysasema"}} {
			if *u.dst, err = tx.UnitBySlug(ctx, org.Slugify(u.name)); err != nil {
				return err
			}
		}
		for _, p := range []struct {
			dst   *org.Person
			email string
		}{{&f.sup, "esihenkilo"}, {&f.staff, "hoitaja"}, {&f.coord, "koordinaattori"}, {&f.mgmt, "johto"}, {&f.admin, "admin"}} {
			if *p.dst, err = tx.PersonByEmail(ctx, p.email+"@kainuu.example"); err != nil {
				return err
			}
		}
		var id int64
		if err := tx.QueryRow(ctx, "SELECT person_id FROM role_grants WHERE role = 'supervisor' AND unit_id = ? ORDER BY person_id LIMIT 1", f.sotkamo.ID).Scan(&id); err != nil {
			return err
		}
		f.otherSup, err = tx.Person(ctx, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if supervises(&f.otherSup, f.kajaani.ID) || !f.otherSup.Active {
		t.Fatal("demo: Sotkamo's supervisor also leads Kajaani")
	}
	return f
}

// ibUnit adds a unit of the test's own with a supervisor and a staff member
// (password demo.DefaultPassword), so that a test sees only its own items
// whatever the demo data holds.
func ibUnit(t *testing.T, e *testEnv, f ibFix, slug string) (u org.Unit, sup, staff org.Person) {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(demo.DefaultPassword, cheapArgon)
	if err != nil {
		t.Fatal(err)
	}
	err = e.db.Write(ctx, func(tx *store.Tx) error {
		u = org.Unit{ServiceAreaID: f.kajaani.ServiceAreaID, Slug: slug, Name: domain.Text{FI: "Testi " + slug, SV: "Test " + slug, EN: "Test " + slug},
			Municipality: "Kajaani", Active: true}
		if err := tx.SaveUnit(ctx, &u); err != nil {
			return err
		}
		sup = org.Person{Email: slug + "-esihenkilo@kainuu.example", Name: "Esihenkilö " + slug, Lang: domain.Finnish, Active: true, PasswordHash: hash,
			Grants: []org.Grant{{Role: domain.RoleSupervisor, UnitID: u.ID}}}
		if err := tx.SavePerson(ctx, &sup); err != nil {
			return err
		}
		staff = org.Person{Email: slug + "-hoitaja@kainuu.example", Name: "Hoitaja " + slug, Lang: domain.Finnish, Active: true, PasswordHash: hash,
			UnitID: u.ID, Grants: []org.Grant{{Role: domain.RoleStaff}}}
		return tx.SavePerson(ctx, &staff)
	})
	if err != nil {
		t.Fatal(err)
	}
	return u, sup, staff
}

func ibSubmit(t *testing.T, e *testEnv, sub feedback.Submission) feedback.Item {
	t.Helper()
	if sub.Channel == "" {
		sub.Channel = feedback.ChannelWeb
	}
	if sub.Kind == "" {
		sub.Kind = feedback.KindCriticism
	}
	if sub.Lang == "" {
		sub.Lang = "fi"
	}
	it, err := e.srv.intake.Submit(context.Background(), sub)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func ibItem(t *testing.T, e *testEnv, id int64) feedback.Item {
	t.Helper()
	var it feedback.Item
	err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		it, err = tx.Feedback(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func ibCount(t *testing.T, e *testEnv, q string, args ...any) int {
	t.Helper()
	var n int
	err := e.db.Read(context.Background(), func(tx *store.Tx) error { return tx.QueryRow(context.Background(), q, args...).Scan(&n) })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func ibAssign(t *testing.T, e *testEnv, id, handler int64) {
	t.Helper()
	err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		it, err := tx.Feedback(context.Background(), id)
		if err != nil {
			return err
		}
		it.HandlerID = handler
		return tx.UpdateFeedback(context.Background(), &it)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func ibLogin(e *testEnv, email string) *client {
	c := e.client()
	c.login(email)
	return c
}

func ibPath(id int64, rest string) string { return "/inbox/" + strconv.FormatInt(id, 10) + rest }

func ibWant(t *testing.T, what string, r resp, want int) {
	t.Helper()
	if r.Status != want {
		body := r.Body
		if len(body) > 3000 {
			body = body[:3000]
		}
		t.Fatalf("%s: status %d, want %d\n%s", what, r.Status, want, body)
	}
}

func ibTr(e *testEnv, l domain.Lang, key string, args ...any) string {
	return html.EscapeString(e.srv.cat.T(l, key, args...))
}

func TestInboxVisibility(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		a := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Jono oli pitkä A"})
		b := ibSubmit(t, e, feedback.Submission{UnitID: f.paltamo.ID, Text: "Hyvä palvelu B", Kind: feedback.KindPraise})
		rec := ibSubmit(t, e, feedback.Submission{UnitID: f.sotkamo.ID, Channel: feedback.ChannelStaff, RecordedBy: f.staff.ID, Text: "Asiakkaan idea C", Kind: feedback.KindIdea})
		asg := ibSubmit(t, e, feedback.Submission{UnitID: f.sotkamo.ID, Text: "Osoitettu D"})
		ibAssign(t, e, asg.ID, f.staff.ID)
		all := []feedback.Item{a, b, rec, asg}
		cases := []struct {
			email   string
			visible []feedback.Item
		}{
			{f.sup.Email, []feedback.Item{a, b}},
			{f.staff.Email, []feedback.Item{rec, asg}},
			{f.otherSup.Email, []feedback.Item{rec, asg}},
			{f.coord.Email, all},
			{f.mgmt.Email, all},
			{f.admin.Email, all},
		}
		for _, tc := range cases {
			c := ibLogin(e, tc.email)
			list := c.get("/inbox")
			ibWant(t, tc.email+" /inbox", list, http.StatusOK)
			for _, it := range all {
				want := false
				for _, v := range tc.visible {
					want = want || v.ID == it.ID
				}
				if got := strings.Contains(list.Body, it.Code); got != want {
					t.Errorf("%s: %s in inbox = %v, want %v", tc.email, it.Masked, got, want)
				}
				wantCode := http.StatusForbidden
				if want {
					wantCode = http.StatusOK
				}
				if r := c.get(ibPath(it.ID, "")); r.Status != wantCode {
					t.Errorf("%s: GET item %q = %d, want %d", tc.email, it.Masked, r.Status, wantCode)
				}
			}
			if r := c.get("/inbox/999999999"); r.Status != http.StatusNotFound {
				t.Errorf("%s: unknown item %d", tc.email, r.Status)
			}
			if r := c.get("/inbox/abc"); r.Status != http.StatusNotFound {
				t.Errorf("%s: malformed id %d", tc.email, r.Status)
			}
		}
		// The staff-recorded item is marked in the list; management reads only.
		c := ibLogin(e, f.mgmt.Email)
		if r := c.get("/inbox"); !strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.badge.staff")) || !strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.read_only")) {
			t.Error("management inbox: staff badge or read-only notice missing")
		}
		r := c.get(ibPath(a.ID, ""))
		if strings.Contains(r.Body, "/triage") || strings.Contains(r.Body, "/reply\"") || strings.Contains(r.Body, "/original") || strings.Contains(r.Body, "/status\"") {
			t.Error("management sees handling forms")
		}
		// Choosing a unit: own units only.
		sup := ibLogin(e, f.sup.Email)
		if r := sup.get("/inbox?unit=" + strconv.FormatInt(f.paltamo.ID, 10)); r.Status != http.StatusOK || strings.Contains(r.Body, a.Code) || !strings.Contains(r.Body, b.Code) {
			t.Errorf("supervisor, Paltamo only: %d", r.Status)
		}
		if r := sup.get("/inbox?unit=" + strconv.FormatInt(f.sotkamo.ID, 10)); r.Status != http.StatusForbidden {
			t.Errorf("supervisor, another unit's inbox: %d", r.Status)
		}
		if r := sup.get("/inbox?unit=999999999"); r.Status != http.StatusNotFound {
			t.Errorf("supervisor, unknown unit: %d", r.Status)
		}
		if r := ibLogin(e, f.staff.Email).get("/inbox?unit=" + strconv.FormatInt(f.kajaani.ID, 10)); r.Status != http.StatusForbidden {
			t.Errorf("staff, unit inbox: %d", r.Status)
		}
		if r := ibLogin(e, f.coord.Email).get("/inbox?unit=" + strconv.FormatInt(f.sotkamo.ID, 10)); r.Status != http.StatusOK || !strings.Contains(r.Body, rec.Code) || strings.Contains(r.Body, a.Code) {
			t.Errorf("coordinator, Sotkamo: %d", r.Status)
		}
	})
}

func TestInboxOriginalIsAudited(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		it := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Hetuni on 131052-308T ja puhelin 040 123 4567",
			Contact: feedback.Contact{Email: "anna@example.fi", Phone: "040 765 4321"}})
		reads := func() int {
			return ibCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.read_original' AND object_id = ?", strconv.FormatInt(it.ID, 10))
		}
		sup := ibLogin(e, f.sup.Email)
		r := sup.get(ibPath(it.ID, ""))
		ibWant(t, "detail", r, http.StatusOK)
		if strings.Contains(r.Body, "131052-308T") || strings.Contains(r.Body, "anna@example.fi") || !strings.Contains(r.Body, "[HETU]") {
			t.Error("detail page shows personal data before the audited read")
		}
		if reads() != 0 {
			t.Fatal("GET audited a read")
		}
		r = sup.post(ibPath(it.ID, "/original"), nil)
		ibWant(t, "original", r, http.StatusOK)
		if !strings.Contains(r.Body, "131052-308T") || !strings.Contains(r.Body, "anna@example.fi") || !strings.Contains(r.Body, "358407654321") {
			t.Error("original text or contact missing")
		}
		if !strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.original.logged")) {
			t.Error("no notice that the read was logged")
		}
		if reads() != 1 || ibCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.read_contact' AND actor_id = ?", f.sup.ID) != 1 {
			t.Errorf("audit: %d reads", reads())
		}
		for _, email := range []string{f.coord.Email, f.mgmt.Email, f.admin.Email, f.staff.Email, f.otherSup.Email} {
			if r := ibLogin(e, email).post(ibPath(it.ID, "/original"), nil); r.Status != http.StatusForbidden {
				t.Errorf("%s read the original: %d", email, r.Status)
			}
		}
		if reads() != 1 {
			t.Errorf("refused reads were audited: %d", reads())
		}
		// Once assigned, the staff member handles it and may read it.
		ibAssign(t, e, it.ID, f.staff.ID)
		if r := ibLogin(e, f.staff.Email).post(ibPath(it.ID, "/original"), nil); r.Status != http.StatusOK || !strings.Contains(r.Body, "131052-308T") {
			t.Errorf("assigned handler: %d", r.Status)
		}
		if reads() != 2 {
			t.Errorf("reads = %d, want 2", reads())
		}
		if r := sup.post("/inbox/999999999/original", nil); r.Status != http.StatusNotFound {
			t.Errorf("unknown item: %d", r.Status)
		}
	})
}

func TestInboxTriage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		it := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Hoitaja oli tyly"})
		if !it.DueAt.Equal(it.ReceivedAt.AddDate(0, 0, 14)) {
			t.Fatalf("due %v", it.DueAt)
		}
		sup := ibLogin(e, f.sup.Email)
		path := ibPath(it.ID, "/triage")
		// Field errors: 422 with the error summary, nothing saved.
		r := sup.post(path, url.Values{})
		ibWant(t, "empty triage", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, `class="error-summary"`) || !strings.Contains(r.Body, `href="#f-class"`) {
			t.Error("no error summary")
		}
		r = sup.post(path, url.Values{"class": {"objection"}, "handler": {strconv.FormatInt(f.otherSup.ID, 10)}})
		ibWant(t, "foreign handler", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, `href="#f-handler"`) || ibItem(t, e, it.ID).Class != "" {
			t.Error("foreign handler accepted or half-saved")
		}
		// Objection + handler: legal due date 30 days from receipt, events, audit.
		r = sup.post(path, url.Values{"class": {"objection"}, "handler": {strconv.FormatInt(f.staff.ID, 10)}})
		ibWant(t, "triage", r, http.StatusSeeOther)
		got := ibItem(t, e, it.ID)
		if got.Class != feedback.ClassObjection || got.HandlerID != f.staff.ID || !got.DueAt.Equal(it.ReceivedAt.AddDate(0, 0, 30)) {
			t.Errorf("after triage: class %s handler %d due %v", got.Class, got.HandlerID, got.DueAt)
		}
		for _, k := range []string{"classified", "due_changed", "assigned"} {
			if n := ibCount(t, e, "SELECT COUNT(*) FROM feedback_events WHERE feedback_id = ? AND kind = ? AND public = FALSE AND actor_id = ?", it.ID, k, f.sup.ID); n != 1 {
				t.Errorf("%s events: %d", k, n)
			}
		}
		if ibCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.triage' AND object_id = ?", strconv.FormatInt(it.ID, 10)) != 1 {
			t.Error("triage not audited")
		}
		r = sup.get(ibPath(it.ID, "?done=triage"))
		legal := ibTr(e, domain.Finnish, "inbox.legal_due_label")
		if !strings.Contains(r.Body, legal) || !strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.badge.objection")) || !strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.done.triage")) {
			t.Error("objection not marked with its legal due date")
		}
		if !strings.Contains(sup.get("/inbox").Body, ibTr(e, domain.Finnish, "inbox.legal_due", got.DueAt.In(helsinki).Format("2.1.2006"))) {
			t.Error("list does not show the legal due date")
		}
		// The named staff member now sees and handles it.
		staff := ibLogin(e, f.staff.Email)
		if r := staff.get("/inbox?mine=1"); !strings.Contains(r.Body, it.Code) {
			t.Error("assigned item not in the handler's inbox")
		}
		if r := staff.post(path, url.Values{"class": {"praise"}}); r.Status != http.StatusForbidden {
			t.Errorf("staff triage: %d", r.Status)
		}
		// Back from objection: the normal due date.
		ibWant(t, "reclassify", sup.post(path, url.Values{"class": {"criticism"}, "handler": {strconv.FormatInt(f.staff.ID, 10)}}), http.StatusSeeOther)
		if got := ibItem(t, e, it.ID); !got.DueAt.Equal(it.ReceivedAt.AddDate(0, 0, 14)) || got.Class != feedback.ClassCriticism {
			t.Errorf("back from objection: due %v", got.DueAt)
		}
		// Coordinators triage too (masked text only).
		ibWant(t, "coordinator triage", ibLogin(e, f.coord.Email).post(path, url.Values{"class": {"safety"}, "handler": {strconv.FormatInt(f.staff.ID, 10)}}), http.StatusSeeOther)
		if ibItem(t, e, it.ID).Class != feedback.ClassSafety {
			t.Error("coordinator triage not saved")
		}
		if r := ibLogin(e, f.mgmt.Email).post(path, url.Values{"class": {"praise"}}); r.Status != http.StatusForbidden {
			t.Errorf("management triage: %d", r.Status)
		}
		if r := ibLogin(e, f.otherSup.Email).post(path, url.Values{"class": {"praise"}}); r.Status != http.StatusForbidden {
			t.Errorf("other supervisor triage: %d", r.Status)
		}
		// Transfer: the note is required; then the item moves, audited.
		r = sup.post(path, url.Values{"op": {"transfer"}, "unit": {strconv.FormatInt(f.sotkamo.ID, 10)}})
		ibWant(t, "transfer without note", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, `href="#f-note"`) {
			t.Error("no note error")
		}
		if r := sup.post(path, url.Values{"op": {"transfer"}, "unit": {strconv.FormatInt(f.kajaani.ID, 10)}, "note": {"x"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("transfer to the same unit: %d", r.Status)
		}
		if r := sup.post(path, url.Values{"op": {"transfer"}, "unit": {"999999999"}, "note": {"x"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("transfer to an unknown unit: %d", r.Status)
		}
		r = sup.post(path, url.Values{"op": {"transfer"}, "unit": {strconv.FormatInt(f.sotkamo.ID, 10)}, "note": {"Koskee Sotkamon vastaanottoa"}})
		ibWant(t, "transfer", r, http.StatusSeeOther)
		if r.Location != "/inbox?done=transfer" || !strings.Contains(sup.get(r.Location).Body, ibTr(e, domain.Finnish, "inbox.done.transfer")) {
			t.Errorf("after moving it out of sight: to %q", r.Location)
		}
		got = ibItem(t, e, it.ID)
		if got.UnitID != f.sotkamo.ID || got.HandlerID != 0 {
			t.Errorf("after transfer: unit %d handler %d", got.UnitID, got.HandlerID)
		}
		if ibCount(t, e, "SELECT COUNT(*) FROM feedback_events WHERE feedback_id = ? AND kind = 'transferred' AND note = ? AND public = FALSE", it.ID, "Koskee Sotkamon vastaanottoa") != 1 ||
			ibCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.transfer' AND object_id = ?", strconv.FormatInt(it.ID, 10)) != 1 {
			t.Error("transfer event or audit missing")
		}
		if r := sup.get(ibPath(it.ID, "")); r.Status != http.StatusForbidden {
			t.Errorf("old unit's supervisor after transfer: %d", r.Status)
		}
		other := ibLogin(e, f.otherSup.Email)
		if r := other.get(ibPath(it.ID, "")); r.Status != http.StatusOK || !strings.Contains(r.Body, "Koskee Sotkamon vastaanottoa") {
			t.Errorf("new unit's supervisor: %d", r.Status)
		}
		if r := other.get("/inbox"); !strings.Contains(r.Body, it.Code) {
			t.Error("not in the new unit's inbox")
		}
		if r := sup.post("/inbox/999999999/triage", url.Values{"class": {"praise"}}); r.Status != http.StatusNotFound {
			t.Errorf("unknown item: %d", r.Status)
		}
	})
}

func TestInboxStatusFlow(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		it := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Kysymys ajanvarauksesta", Kind: feedback.KindQuestion})
		sup := ibLogin(e, f.sup.Email)
		path := ibPath(it.ID, "/status")
		if r := sup.post(path, url.Values{}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("empty status: %d", r.Status)
		}
		if r := sup.post(path, url.Values{"status": {"bogus"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown status: %d", r.Status)
		}
		for _, who := range []string{f.coord.Email, f.staff.Email, f.otherSup.Email} {
			if r := ibLogin(e, who).post(path, url.Values{"status": {"in_handling"}}); r.Status != http.StatusForbidden {
				t.Errorf("%s changed the status: %d", who, r.Status)
			}
		}
		if r := ibLogin(e, f.mgmt.Email).post(path, url.Values{"status": {"in_handling"}}); r.Status != http.StatusForbidden {
			t.Errorf("management: %d", r.Status)
		}
		for _, st := range []feedback.Status{feedback.StatusInHandling, feedback.StatusAnswered, feedback.StatusInHandling, feedback.StatusClosed} {
			e.clock.Advance(time.Minute)
			r := sup.post(path, url.Values{"status": {string(st)}})
			ibWant(t, "to "+string(st), r, http.StatusSeeOther)
			if got := ibItem(t, e, it.ID); got.Status != st {
				t.Fatalf("status %s, want %s", got.Status, st)
			}
		}
		got := ibItem(t, e, it.ID)
		if got.ClosedAt == nil || got.AnsweredAt == nil {
			t.Error("closed_at or answered_at not set")
		}
		if n := ibCount(t, e, "SELECT COUNT(*) FROM feedback_events WHERE feedback_id = ? AND kind = 'status' AND public = TRUE AND actor_role = 'supervisor' AND actor_id = ?", it.ID, f.sup.ID); n != 4 {
			t.Errorf("%d public status events", n)
		}
		if n := ibCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.status' AND object_id = ?", strconv.FormatInt(it.ID, 10)); n != 4 {
			t.Errorf("%d status audits", n)
		}
		// Stale state: closing a closed item is a translated 409.
		r := sup.post(path, url.Values{"status": {"closed"}})
		ibWant(t, "close again", r, http.StatusConflict)
		if !strings.Contains(r.Body, ibTr(e, domain.Finnish, "err.inbox.status_conflict", e.srv.cat.T(domain.Finnish, "inbox.status.closed"))) {
			t.Error("409 without the translated message")
		}
		if r := sup.post(path+"?lang=sv", url.Values{"status": {"in_handling"}}); r.Status != http.StatusConflict || !strings.Contains(r.Body, ibTr(e, domain.Swedish, "err.inbox.status_conflict", e.srv.cat.T(domain.Swedish, "inbox.status.closed"))) {
			t.Errorf("reopen closed (sv): %d", r.Status)
		}
		if r := sup.post(ibPath(it.ID, "/triage"), url.Values{"class": {"praise"}}); r.Status != http.StatusConflict {
			t.Errorf("triage a closed item: %d", r.Status)
		}
		// The assigned staff member handles the status of their item.
		it2 := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Toinen"})
		ibAssign(t, e, it2.ID, f.staff.ID)
		ibWant(t, "handler", ibLogin(e, f.staff.Email).post(ibPath(it2.ID, "/status"), url.Values{"status": {"in_handling"}}), http.StatusSeeOther)
		if ibCount(t, e, "SELECT COUNT(*) FROM feedback_events WHERE feedback_id = ? AND kind = 'status' AND actor_role = 'staff'", it2.ID) != 1 {
			t.Error("staff status event role")
		}
	})
}

func TestInboxReply(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		it := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Odotin kaksi tuntia", Lang: "sv",
			Contact: feedback.Contact{Email: "anna@example.fi", Phone: "040 765 4321"}})
		sup := ibLogin(e, f.sup.Email)
		path := ibPath(it.ID, "/reply")
		r := sup.post(path, url.Values{})
		ibWant(t, "empty reply", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, `href="#f-reply"`) {
			t.Error("no error summary link to the reply")
		}
		long := strings.Repeat("ä", feedback.MaxReply+1)
		if r := sup.post(path, url.Values{"reply": {long}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, ibTr(e, domain.Finnish, "err.inbox.reply_long", feedback.MaxReply, feedback.MaxReply+1)) {
			t.Errorf("long reply: %d", r.Status)
		}
		for _, who := range []string{f.coord.Email, f.staff.Email} {
			if r := ibLogin(e, who).post(path, url.Values{"reply": {"x"}}); r.Status != http.StatusForbidden {
				t.Errorf("%s replied: %d", who, r.Status)
			}
		}
		reply := "Kiitos palautteesta. Soittakaa numeroon 040 123 4567, niin sovitaan uusi aika. Asiakkaan hetu 131052-308T."
		ibWant(t, "reply", sup.post(path, url.Values{"reply": {reply}}), http.StatusSeeOther)
		got := ibItem(t, e, it.ID)
		if got.Status != feedback.StatusAnswered || got.AnsweredAt == nil || got.RepliedBy != f.sup.ID {
			t.Errorf("after reply: %+v", got)
		}
		if strings.Contains(got.Reply, "040 123 4567") || strings.Contains(got.Reply, "131052-308T") || !strings.Contains(got.Reply, "[PUH]") || !strings.Contains(got.Reply, "[HETU]") {
			t.Errorf("reply not masked: %q", got.Reply)
		}
		var eventID int64
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), "SELECT id FROM feedback_events WHERE feedback_id = ? AND kind = 'replied' AND public = TRUE", it.ID).Scan(&eventID)
		})
		if eventID == 0 {
			t.Fatal("no public replied event")
		}
		// Exactly one message per contact channel, in the giver's language.
		prefix := fmt.Sprintf("reply:%d:%d:", it.ID, eventID)
		if n := ibCount(t, e, "SELECT COUNT(*) FROM messages WHERE event_key LIKE 'reply:%' AND feedback_id = ?", it.ID); n != 2 {
			t.Errorf("%d reply messages, want 2", n)
		}
		for _, ch := range []struct{ channel, recipient string }{{"email", "anna@example.fi"}, {"sms", "+358407654321"}} {
			var body, subject, recipient string
			err := e.db.Read(context.Background(), func(tx *store.Tx) error {
				return tx.QueryRow(context.Background(), "SELECT body, subject, recipient FROM messages WHERE event_key = ? AND channel = ? AND feedback_id = ?",
					prefix+ch.channel, ch.channel, it.ID).Scan(&body, &subject, &recipient)
			})
			if err != nil {
				t.Fatalf("%s message: %v", ch.channel, err)
			}
			if recipient != ch.recipient || !strings.Contains(body, "http://kuulu.test/t/"+it.Code) || !strings.Contains(body, "[PUH]") || strings.Contains(body, "040 123 4567") {
				t.Errorf("%s message: %q to %q", ch.channel, body, recipient)
			}
			if ch.channel == "email" && (!strings.Contains(body, "vi har svarat") || !strings.Contains(subject, "Svar på din respons")) {
				t.Errorf("email not in Swedish: %q %q", subject, body)
			}
		}
		if ibCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.reply' AND object_id = ?", strconv.FormatInt(it.ID, 10)) != 1 {
			t.Error("reply not audited")
		}
		// Replying to an answered item is a conflict until it is reopened.
		if r := sup.post(path, url.Values{"reply": {"Toinen vastaus"}}); r.Status != http.StatusConflict {
			t.Errorf("second reply: %d", r.Status)
		}
		if r := sup.get(ibPath(it.ID, "")); strings.Contains(r.Body, `action="/inbox/`+strconv.FormatInt(it.ID, 10)+`/reply"`) || !strings.Contains(r.Body, "[PUH]") {
			t.Error("answered item still offers the reply form, or the reply is not shown")
		}
		// No contact details, no messages.
		quiet := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Ei yhteystietoja"})
		ibWant(t, "reply without contact", sup.post(ibPath(quiet.ID, "/reply"), url.Values{"reply": {"Kiitos"}}), http.StatusSeeOther)
		if n := ibCount(t, e, "SELECT COUNT(*) FROM messages WHERE feedback_id = ?", quiet.ID); n != 0 {
			t.Errorf("%d messages without contact", n)
		}
	})
}

func TestInboxPublish(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		it := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Pysäköintiä lisää", Kind: feedback.KindIdea})
		sup := ibLogin(e, f.sup.Email)
		pub, unpub := ibPath(it.ID, "/publish"), ibPath(it.ID, "/unpublish")
		r := sup.post(pub, nil)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, ibTr(e, domain.Finnish, "err.feedback.publish_no_reply")) {
			t.Errorf("publish without a reply: %d", r.Status)
		}
		ibWant(t, "reply", sup.post(ibPath(it.ID, "/reply"), url.Values{"reply": {"Lisäämme paikkoja keväällä."}}), http.StatusSeeOther)
		if r := ibLogin(e, f.coord.Email).post(pub, nil); r.Status != http.StatusForbidden {
			t.Errorf("coordinator published: %d", r.Status)
		}
		ibWant(t, "publish", sup.post(pub, nil), http.StatusSeeOther)
		got := ibItem(t, e, it.ID)
		if got.PublishedAt == nil || got.PublishedBy != f.sup.ID {
			t.Error("not published")
		}
		if r := sup.post(pub, nil); r.Status != http.StatusConflict {
			t.Errorf("publish twice: %d", r.Status)
		}
		if r := sup.get(ibPath(it.ID, "")); !strings.Contains(r.Body, "/unpublish") || !strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.badge.published")) {
			t.Error("published item offers no withdrawal")
		}
		ibWant(t, "unpublish", sup.post(unpub, nil), http.StatusSeeOther)
		if ibItem(t, e, it.ID).PublishedAt != nil {
			t.Error("still published")
		}
		if r := sup.post(unpub, nil); r.Status != http.StatusConflict {
			t.Errorf("unpublish twice: %d", r.Status)
		}
		for _, k := range []string{"published", "unpublished"} {
			if ibCount(t, e, "SELECT COUNT(*) FROM feedback_events WHERE feedback_id = ? AND kind = ? AND public = TRUE", it.ID, k) != 1 {
				t.Errorf("%s event", k)
			}
		}
		if ibCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE action IN ('feedback.publish', 'feedback.unpublish') AND object_id = ?", strconv.FormatInt(it.ID, 10)) != 2 {
			t.Error("publication not audited")
		}
		// A formal objection: no publish control, and the POST is refused.
		ibWant(t, "republish", sup.post(pub, nil), http.StatusSeeOther)
		ibWant(t, "classify objection", sup.post(ibPath(it.ID, "/triage"), url.Values{"class": {"objection"}}), http.StatusSeeOther)
		if ibItem(t, e, it.ID).PublishedAt != nil {
			t.Error("an objection stayed published")
		}
		r = sup.get(ibPath(it.ID, ""))
		if strings.Contains(r.Body, `action="/inbox/`+strconv.FormatInt(it.ID, 10)+`/publish"`) || !strings.Contains(r.Body, ibTr(e, domain.Finnish, "err.feedback.publish_objection")) {
			t.Error("objection offers a publish control")
		}
		for _, l := range domain.Langs {
			r := sup.post(pub+"?lang="+string(l), nil)
			if r.Status != http.StatusConflict || !strings.Contains(r.Body, ibTr(e, l, "err.feedback.publish_objection")) {
				t.Errorf("publish objection (%s): %d", l, r.Status)
			}
		}
		if ibItem(t, e, it.ID).PublishedAt != nil {
			t.Error("objection published")
		}
	})
}

func TestInboxOverdueAndFilters(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		u, usup, _ := ibUnit(t, e, f, "suodatus")
		now := e.clock.Now()
		// Backdated far beyond the demo data, so these are the most overdue in the county.
		e.clock.T = now.AddDate(-5, 0, 0)
		old := ibSubmit(t, e, feedback.Submission{UnitID: u.ID, Text: "Vanha moite", Kind: feedback.KindCriticism})
		e.clock.Advance(24 * time.Hour)
		oldObj := ibSubmit(t, e, feedback.Submission{UnitID: f.sotkamo.ID, Text: "Vanha muistutus"})
		e.clock.T = now
		wantDays := daysOverdue(old.DueAt, now)
		ibWant(t, "objection", ibLogin(e, f.otherSup.Email).post(ibPath(oldObj.ID, "/triage"), url.Values{"class": {"objection"}}), http.StatusSeeOther)
		e.clock.T = now.AddDate(0, 0, -15)
		kiosk := ibSubmit(t, e, feedback.Submission{UnitID: u.ID, Channel: feedback.ChannelKiosk, Kind: feedback.KindPraise, Face: func() *int { v := 5; return &v }()})
		e.clock.T = now
		coord := ibLogin(e, f.coord.Email)
		r := coord.get("/overdue")
		ibWant(t, "overdue", r, http.StatusOK)
		if iOld, iObj := strings.Index(r.Body, old.Code), strings.Index(r.Body, oldObj.Code); iOld < 0 || iObj < 0 || iOld > iObj {
			t.Errorf("overdue order: %d %d", iOld, iObj)
		}
		if !strings.Contains(r.Body, fmt.Sprintf(`<td class="num">%d</td>`, wantDays)) || !strings.Contains(r.Body, html.EscapeString(f.sotkamo.Name.FI)) ||
			!strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.legal_due", oldObj.ReceivedAt.AddDate(0, 0, 30).In(helsinki).Format("2.1.2006"))) {
			t.Error("days overdue, unit or legal due date missing")
		}
		days := func(body string) []int {
			var out []int
			for _, m := range regexp.MustCompile(`<td class="num">(\d+)</td>`).FindAllStringSubmatch(body, -1) {
				n, _ := strconv.Atoi(m[1])
				out = append(out, n)
			}
			return out
		}
		most, least := days(r.Body), days(coord.get("/overdue?sort=days").Body)
		if len(most) == 0 || len(least) == 0 || most[0] != wantDays || !slices.IsSortedFunc(most, func(a, b int) int { return b - a }) || !slices.IsSorted(least) {
			t.Errorf("sorting: most first %v, least first %v", most, least)
		}
		if r := ibLogin(e, f.mgmt.Email).get("/overdue"); r.Status != http.StatusOK || !strings.Contains(r.Body, old.Code) {
			t.Errorf("management overdue: %d", r.Status)
		}
		for _, who := range []string{f.sup.Email, f.staff.Email} {
			if r := ibLogin(e, who).get("/overdue"); r.Status != http.StatusForbidden {
				t.Errorf("%s overdue: %d", who, r.Status)
			}
		}
		// Answering takes an item off the list.
		sup := ibLogin(e, usup.Email)
		ibWant(t, "answer", sup.post(ibPath(old.ID, "/reply"), url.Values{"reply": {"Pahoittelemme."}}), http.StatusSeeOther)
		if r := coord.get("/overdue"); strings.Contains(r.Body, old.Code) {
			t.Error("answered item still overdue")
		}
		// Filters on the unit's inbox.
		recent := ibSubmit(t, e, feedback.Submission{UnitID: u.ID, Channel: feedback.ChannelStaff, RecordedBy: f.staff.ID, Kind: feedback.KindIdea, Text: "Uusi idea"})
		check := func(q string, want ...feedback.Item) {
			t.Helper()
			r := sup.get("/inbox?" + q)
			ibWant(t, q, r, http.StatusOK)
			for _, it := range []feedback.Item{old, kiosk, recent} {
				in := false
				for _, w := range want {
					in = in || w.ID == it.ID
				}
				if strings.Contains(r.Body, it.Code) != in {
					t.Errorf("/inbox?%s: %s shown = %v", q, it.Code, !in)
				}
			}
		}
		check("", old, kiosk, recent)
		check("kind=idea", recent)
		check("kind=praise", kiosk)
		check("channel=kiosk", kiosk)
		check("channel=staff", recent)
		check("status=answered", old)
		check("status=received", kiosk, recent)
		check("overdue=1", kiosk)
		check("class=objection")
		check("from="+now.In(helsinki).Format("2006-01-02"), recent)
		check("to="+now.AddDate(0, 0, -1).In(helsinki).Format("2006-01-02"), old, kiosk)
		check("from="+now.AddDate(0, 0, -20).In(helsinki).Format("2006-01-02")+"&to="+now.AddDate(0, 0, -1).In(helsinki).Format("2006-01-02"), kiosk)
		check("unit="+strconv.FormatInt(u.ID, 10), old, kiosk, recent)
		check("mine=1")
		ibAssign(t, e, kiosk.ID, usup.ID)
		check("mine=1", kiosk)
		// Overdue stands out in words; staff-recorded items are marked; counts per status.
		r = sup.get("/inbox")
		if !strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.badge.overdue")) || !strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.badge.staff")) ||
			!strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.days_overdue", 1)) {
			t.Error("badges missing")
		}
		for st, n := range map[string]int{"received": 2, "answered": 1, "closed": 0} {
			if !strings.Contains(r.Body, fmt.Sprintf(`<span class="stat-value">%d</span> <span class="stat-label">%s`, n, ibTr(e, domain.Finnish, "inbox.status."+st))) {
				t.Errorf("count of %s items", st)
			}
		}
	})
}

func TestInboxPaging(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		u, usup, _ := ibUnit(t, e, f, "sivutus")
		var first feedback.Item
		for i := range pageSize + 1 {
			it := ibSubmit(t, e, feedback.Submission{UnitID: u.ID, Text: fmt.Sprintf("Palaute %d", i)})
			if i == 0 {
				first = it
			}
			e.clock.Advance(time.Second)
		}
		for _, c := range []*client{ibLogin(e, usup.Email), ibLogin(e, f.coord.Email)} {
			unit := "unit=" + strconv.FormatInt(u.ID, 10)
			r := c.get("/inbox?" + unit)
			if strings.Count(r.Body, `<th scope="row"><a href="/inbox/`) != pageSize || strings.Contains(r.Body, first.Code) || !strings.Contains(r.Body, `rel="next"`) {
				t.Error("first page")
			}
			r = c.get("/inbox?" + unit + "&page=2")
			if strings.Count(r.Body, `<th scope="row"><a href="/inbox/`) != 1 || !strings.Contains(r.Body, first.Code) || !strings.Contains(r.Body, `rel="prev"`) {
				t.Error("second page")
			}
		}
	})
}

func TestReplyTemplates(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		sup, coord := ibLogin(e, f.sup.Email), ibLogin(e, f.coord.Email)
		kaj := strconv.FormatInt(f.kajaani.ID, 10)
		r := sup.post("/inbox/templates", url.Values{})
		ibWant(t, "empty template", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, `href="#f-title"`) || !strings.Contains(r.Body, `href="#f-body"`) {
			t.Error("no error summary")
		}
		// A supervisor may not write county-wide or other units' templates.
		if r := sup.post("/inbox/templates", url.Values{"title": {"x"}, "body": {"y"}, "lang": {"fi"}, "unit": {""}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("supervisor county-wide: %d", r.Status)
		}
		if r := sup.post("/inbox/templates", url.Values{"title": {"x"}, "body": {"y"}, "lang": {"fi"}, "unit": {strconv.FormatInt(f.sotkamo.ID, 10)}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("supervisor, another unit: %d", r.Status)
		}
		ibWant(t, "create", sup.post("/inbox/templates", url.Values{"title": {"Kiitos kehuista"}, "body": {"Kiitos, että kerroit!"}, "lang": {"fi"}, "unit": {kaj}}), http.StatusSeeOther)
		ibWant(t, "create county", coord.post("/inbox/templates", url.Values{"title": {"Yleinen pahoittelu"}, "body": {"Pahoittelemme tapahtunutta."}, "lang": {"fi"}, "unit": {""}}), http.StatusSeeOther)
		var own, county int64
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			tx.QueryRow(context.Background(), "SELECT id FROM reply_templates WHERE title = 'Kiitos kehuista'").Scan(&own)
			return tx.QueryRow(context.Background(), "SELECT id FROM reply_templates WHERE title = 'Yleinen pahoittelu' AND unit_id IS NULL").Scan(&county)
		})
		if own == 0 || county == 0 {
			t.Fatal("templates not stored")
		}
		r = sup.get("/inbox/templates?done=created")
		if !strings.Contains(r.Body, "Kiitos kehuista") || !strings.Contains(r.Body, "Yleinen pahoittelu") || strings.Contains(r.Body, fmt.Sprintf(`href="/inbox/templates/%d"`, county)) {
			t.Error("supervisor's list: both templates, only the own one editable")
		}
		if r := sup.get(fmt.Sprintf("/inbox/templates/%d", county)); r.Status != http.StatusForbidden {
			t.Errorf("supervisor edits county template: %d", r.Status)
		}
		if r := ibLogin(e, f.otherSup.Email).get(fmt.Sprintf("/inbox/templates/%d", own)); r.Status != http.StatusForbidden {
			t.Errorf("other supervisor edits Kajaani template: %d", r.Status)
		}
		if r := ibLogin(e, f.otherSup.Email).get("/inbox/templates"); strings.Contains(r.Body, "Kiitos kehuista") || !strings.Contains(r.Body, "Yleinen pahoittelu") {
			t.Error("other supervisor's list")
		}
		ibWant(t, "edit page", sup.get(fmt.Sprintf("/inbox/templates/%d", own)), http.StatusOK)
		if r := sup.post(fmt.Sprintf("/inbox/templates/%d/edit", own), url.Values{"title": {""}, "body": {"x"}, "lang": {"fi"}, "unit": {kaj}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("edit without title: %d", r.Status)
		}
		ibWant(t, "edit", sup.post(fmt.Sprintf("/inbox/templates/%d/edit", own), url.Values{"title": {"Kiitos kehuista"}, "body": {"Kiitos, että kerroit meille!"}, "lang": {"fi"}, "unit": {kaj}}), http.StatusSeeOther)
		// The reply form fills in a template without JavaScript, and saves nothing.
		it := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Kiitos hoidosta", Kind: feedback.KindPraise})
		r = sup.get(ibPath(it.ID, ""))
		if !strings.Contains(r.Body, "Kiitos kehuista") || !strings.Contains(r.Body, "Yleinen pahoittelu") {
			t.Error("templates not offered on the reply form")
		}
		r = sup.post(ibPath(it.ID, "/reply"), url.Values{"template": {strconv.FormatInt(own, 10)}, "use_template": {"1"}})
		ibWant(t, "use template", r, http.StatusOK)
		if !regexp.MustCompile(`<textarea id="f-reply"[^>]*>Kiitos, että kerroit meille!</textarea>`).MatchString(r.Body) {
			t.Error("template text not in the reply textarea")
		}
		if ibItem(t, e, it.ID).Status != feedback.StatusReceived {
			t.Error("using a template changed the item")
		}
		other, _ := strconv.Atoi("999999999")
		if r := sup.post(ibPath(it.ID, "/reply"), url.Values{"template": {strconv.Itoa(other)}, "use_template": {"1"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown template: %d", r.Status)
		}
		if r := sup.post(fmt.Sprintf("/inbox/templates/%d/delete", county), nil); r.Status != http.StatusForbidden {
			t.Errorf("supervisor deletes county template: %d", r.Status)
		}
		ibWant(t, "delete", sup.post(fmt.Sprintf("/inbox/templates/%d/delete", own), nil), http.StatusSeeOther)
		if r := sup.get(fmt.Sprintf("/inbox/templates/%d", own)); r.Status != http.StatusNotFound {
			t.Errorf("deleted template: %d", r.Status)
		}
		if n := ibCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'reply_template' AND actor_id IN (?, ?)", f.sup.ID, f.coord.ID); n != 4 {
			t.Errorf("%d template audits, want 4", n)
		}
		if r := ibLogin(e, f.staff.Email).get("/inbox/templates"); r.Status != http.StatusForbidden {
			t.Errorf("staff templates: %d", r.Status)
		}
	})
}

// TestInboxPagesInEveryLanguage renders every inbox page, with real items
// and every form showing, in Finnish, Swedish and English.
func TestInboxPagesInEveryLanguage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		score := 3
		it := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Hetu 131052-308T", Score: &score, Contact: feedback.Contact{Email: "a@example.fi"}})
		staffRec := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Channel: feedback.ChannelStaff, RecordedBy: f.staff.ID, Text: "Kirjattu"})
		sup, coord := ibLogin(e, f.sup.Email), ibLogin(e, f.coord.Email)
		ibWant(t, "template", sup.post("/inbox/templates", url.Values{"title": {"Pohja"}, "body": {"Teksti"}, "lang": {"sv"}, "unit": {strconv.FormatInt(f.kajaani.ID, 10)}}), http.StatusSeeOther)
		var tpl int64
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), "SELECT id FROM reply_templates WHERE title = 'Pohja'").Scan(&tpl)
		})
		ibWant(t, "triage", sup.post(ibPath(staffRec.ID, "/triage"), url.Values{"class": {"objection"}, "handler": {strconv.FormatInt(f.staff.ID, 10)}}), http.StatusSeeOther)
		e.clock.Advance(40 * 24 * time.Hour) // overdue; sessions expire, so sign in again
		sup, coord = ibLogin(e, f.sup.Email), ibLogin(e, f.coord.Email)
		pages := []struct {
			c            *client
			method, path string
		}{
			{sup, "GET", "/inbox"},
			{sup, "GET", "/inbox?status=received&overdue=1"},
			{sup, "GET", ibPath(it.ID, "")},
			{sup, "GET", ibPath(staffRec.ID, "")},
			{sup, "POST", ibPath(it.ID, "/original")},
			{sup, "POST", ibPath(it.ID, "/reply")},
			{sup, "POST", ibPath(it.ID, "/triage")},
			{sup, "GET", "/inbox/templates"},
			{sup, "GET", fmt.Sprintf("/inbox/templates/%d", tpl)},
			{coord, "GET", "/overdue"},
			{coord, "GET", ibPath(it.ID, "")},
			{ibLogin(e, f.staff.Email), "GET", "/inbox"},
			{ibLogin(e, f.mgmt.Email), "GET", ibPath(it.ID, "")},
		}
		// Keys of this capability (other areas' keys are their own tests' business).
		missing := regexp.MustCompile(`\[(inbox\.[a-z_.]+|err\.[a-z_.]+|nav\.inbox|nav\.overdue|lang\.[a-z]+|form\.[a-z_]+)\]`)
		for _, p := range pages {
			for _, l := range domain.Langs {
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				var r resp
				if p.method == "GET" {
					r = p.c.get(p.path + sep + "lang=" + string(l))
				} else {
					r = p.c.post(p.path+sep+"lang="+string(l), url.Values{})
				}
				if r.Status != http.StatusOK && r.Status != http.StatusUnprocessableEntity {
					t.Errorf("%s %s (%s): %d", p.method, p.path, l, r.Status)
					continue
				}
				if !strings.Contains(r.Body, `<html lang="`+string(l)+`">`) {
					t.Errorf("%s (%s): wrong lang", p.path, l)
				}
				if m := missing.FindString(r.Body); m != "" {
					t.Errorf("%s %s (%s): untranslated %s", p.method, p.path, l, m)
				}
				for _, must := range []string{`<main id="main"`, `<h1>`} {
					if !strings.Contains(r.Body, must) {
						t.Errorf("%s (%s): lacks %s", p.path, l, must)
					}
				}
				if strings.Contains(r.Body, " style=") || strings.Contains(r.Body, "<script") {
					t.Errorf("%s (%s): inline style or script", p.path, l)
				}
			}
		}
		// The nav shows the inbox to everyone signed in and the overdue list to readers.
		if r := sup.get("/inbox"); !strings.Contains(r.Body, `href="/inbox" aria-current="page"`) || strings.Contains(r.Body, `href="/overdue"`) {
			t.Error("supervisor nav")
		}
		if r := coord.get("/"); !strings.Contains(r.Body, `href="/overdue"`) {
			t.Error("coordinator nav")
		}
	})
}
