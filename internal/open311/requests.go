package open311

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

const (
	// MaxIDs is how many service_request_ids one GET requests may name.
	MaxIDs = 100
	// MaxList is the most items GET requests returns.
	MaxList = 1000
	// MaxSpan is the longest start_date–end_date range.
	MaxSpan = 90 * 24 * time.Hour
)

// The Open311 parameters, in the order their errors are reported.
var paramOrder = []string{"api_key", "service_code", "attribute[unit]", "attribute[score]", "description", "email", "phone",
	"first_name", "last_name", "lat", "long", "address_string", "locale", "service_request_id", "status", "start_date", "end_date"}

// fieldParam maps feedback.Submission's field names to Open311 parameters.
var fieldParam = map[string]string{
	"unit": "attribute[unit]", "kind": "service_code", "score": "attribute[score]", "text": "description",
	"email": "email", "phone": "phone", "name": "first_name", "address": "address_string",
}

// createRequest answers POST requests.{fmt}: it checks the client, the
// content type, the body and the key, then submits the feedback through the
// same intake as every other channel.
func (a *API) createRequest(w http.ResponseWriter, r *http.Request, f format) {
	l := locale(r)
	if e, err := a.rateLimit(r, "open311.post", a.cfg.PostLimit); err != nil {
		a.failInternal(w, r, f, l, err)
		return
	} else if e != nil {
		a.fail(w, r, f, l, *e)
		return
	}
	if e := a.parseBody(w, r); e != nil {
		a.fail(w, r, f, locale(r), *e)
		return
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	l = locale(r)
	form := r.Form
	keyID, ok, err := a.keyValid(r, form.Get("api_key"))
	if err != nil {
		a.failInternal(w, r, f, l, err)
		return
	}
	if !ok {
		key := "open311.err.api_key_invalid"
		if form.Get("api_key") == "" {
			key = "open311.err.api_key_missing"
		}
		a.fail(w, r, f, l, errParam(http.StatusForbidden, "api_key", key))
		return
	}
	sub, errs, err := a.submission(r, form, l)
	if err != nil {
		a.failInternal(w, r, f, l, err)
		return
	}
	if len(errs) > 0 {
		a.fail(w, r, f, l, errs...)
		return
	}
	it, err := a.cfg.Intake.Submit(r.Context(), sub)
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		a.fail(w, r, f, l, fieldErrors(e.Fields)...)
		return
	}
	if err != nil {
		a.failInternal(w, r, f, l, err)
		return
	}
	a.log.Info("open311: feedback received", "feedback_id", it.ID, "api_key", keyID)
	code, _ := trackcode.Parse(it.Code)
	notice := a.cat.T(l, "open311.notice.received", code.Display(), it.DueAt.In(helsinki).Format("2.1.2006"),
		a.cfg.BaseURL+"/t/"+code.String())
	out := []Created{{ServiceRequestID: it.Code, ServiceNotice: some(notice)}}
	body, ct, err := encode(f, out, createdDoc{Requests: out})
	if err != nil {
		a.failInternal(w, r, f, l, err)
		return
	}
	write(w, http.StatusOK, body, ct)
}

// parseBody reads a form-encoded or multipart body of at most MaxBody bytes
// whose every value is valid UTF-8.
func (a *API) parseBody(w http.ResponseWriter, r *http.Request) *apiError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/x-www-form-urlencoded" && mt != "multipart/form-data") {
		e := errOf(http.StatusBadRequest, "open311.err.content_type")
		return &e
	}
	if r.ContentLength > a.cfg.MaxBody {
		return &errTooLarge
	}
	r.Body = http.MaxBytesReader(w, r.Body, a.cfg.MaxBody)
	if mt == "multipart/form-data" {
		err = r.ParseMultipartForm(a.cfg.MaxBody)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return &errTooLarge
		}
		e := errOf(http.StatusBadRequest, "open311.err.bad_form")
		return &e
	}
	for name, vs := range r.Form {
		for _, v := range vs {
			if !utf8.ValidString(name) || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				p := name
				if !utf8.ValidString(p) {
					p = ""
				}
				e := errParam(http.StatusBadRequest, p, "open311.err.encoding")
				return &e
			}
		}
	}
	return nil
}

// submission builds the feedback from the form. It checks what only the
// API knows (service code, unit slug, score, coordinates); the intake checks
// the rest.
func (a *API) submission(r *http.Request, form url.Values, l domain.Lang) (feedback.Submission, []apiError, error) {
	var errs []apiError
	bad := func(param, key string, args ...any) {
		errs = append(errs, errParam(http.StatusBadRequest, param, key, args...))
	}
	sub := feedback.Submission{Channel: feedback.ChannelOpen311, Lang: string(l), Text: form.Get("description"),
		Contact: feedback.Contact{Email: form.Get("email"), Phone: form.Get("phone"),
			Name: strings.TrimSpace(strings.TrimSpace(form.Get("first_name")) + " " + strings.TrimSpace(form.Get("last_name")))},
		Address: strings.TrimSpace(form.Get("address_string"))}
	switch code := strings.TrimSpace(form.Get("service_code")); {
	case code == "":
		bad("service_code", "open311.err.service_code_missing")
	default:
		if k, ok := serviceKind(code); ok {
			sub.Kind, sub.ServiceCode = k, code
		} else {
			bad("service_code", "open311.err.service_code_unknown", clip(code))
		}
	}
	if slug := strings.TrimSpace(form.Get("attribute[" + AttrUnit + "]")); slug == "" {
		bad("attribute[unit]", "open311.err.unit_missing")
	} else {
		var u org.Unit
		err := a.db.Read(r.Context(), func(tx *store.Tx) error {
			var err error
			u, err = tx.UnitBySlug(r.Context(), slug)
			return err
		})
		switch {
		case err == nil && u.Active:
			sub.UnitID = u.ID
		case err == nil || domain.IsNotFound(err):
			bad("attribute[unit]", "open311.err.unit_unknown", clip(slug))
		default:
			return sub, nil, err
		}
	}
	if s := strings.TrimSpace(form.Get("attribute[" + AttrScore + "]")); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 10 {
			sub.Score = &n
		} else {
			bad("attribute[score]", "open311.err.score")
		}
	}
	lat, latOK := coordinate(form.Get("lat"), 90)
	long, longOK := coordinate(form.Get("long"), 180)
	switch {
	case !latOK:
		bad("lat", "open311.err.lat")
	case !longOK:
		bad("long", "open311.err.long")
	case (lat == nil) != (long == nil):
		bad("lat", "open311.err.latlong_pair")
	default:
		sub.Lat, sub.Long = lat, long
	}
	// The intake's own checks (text, contact, lengths) report in one go
	// with the API's.
	check := sub
	if check.UnitID == 0 {
		check.UnitID = -1 // reported above
	}
	if check.Kind == "" {
		check.Kind = feedback.KindIdea
	}
	if err := check.Validate(); err != nil {
		if e := domain.AsError(err); e != nil {
			for field, fe := range e.Fields {
				if field == "unit" || field == "kind" {
					continue
				}
				errs = append(errs, fieldError(field, fe))
			}
		}
	}
	sortErrors(errs)
	return sub, errs, nil
}

// coordinate parses an optional lat or long within ±limit.
func coordinate(s string, limit float64) (*float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v || v < -limit || v > limit {
		return nil, false
	}
	return &v, true
}

func fieldError(field string, fe domain.FieldError) apiError {
	p, ok := fieldParam[field]
	if !ok {
		p = field
	}
	return errParam(http.StatusBadRequest, p, fe.Key, fe.Args...)
}

func fieldErrors(fields domain.FieldErrors) []apiError {
	var errs []apiError
	for field, fe := range fields {
		errs = append(errs, fieldError(field, fe))
	}
	sortErrors(errs)
	return errs
}

// sortErrors orders errors by parameter, so that answers are stable.
func sortErrors(errs []apiError) {
	rank := func(p string) int {
		for i, x := range paramOrder {
			if x == p {
				return i
			}
		}
		return len(paramOrder)
	}
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && rank(errs[j].param) < rank(errs[j-1].param); j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

// listRequests answers GET requests.{fmt}. With service_request_id it
// returns those items whatever their publication (they are the givers' own
// codes) and ignores the other filters, as the specification says; without,
// it returns published items only, filtered by service_code, status and
// dates (default: the last 90 days), at most MaxList.
func (a *API) listRequests(w http.ResponseWriter, r *http.Request, f format, l domain.Lang) {
	q := r.URL.Query()
	filter := store.FeedbackFilter{Limit: MaxList}
	if ids := strings.TrimSpace(q.Get("service_request_id")); ids != "" {
		if e, err := a.rateLimit(r, "open311.lookup", a.cfg.LookupLimit); err != nil {
			a.failInternal(w, r, f, l, err)
			return
		} else if e != nil {
			a.fail(w, r, f, l, *e)
			return
		}
		parts := strings.Split(ids, ",")
		if len(parts) > MaxIDs {
			a.fail(w, r, f, l, errParam(http.StatusBadRequest, "service_request_id", "open311.err.too_many_ids", MaxIDs))
			return
		}
		for _, p := range parts {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			c, err := trackcode.Parse(p)
			if err != nil {
				a.fail(w, r, f, l, errParam(http.StatusBadRequest, "service_request_id", "open311.err.bad_id", clip(p)))
				return
			}
			filter.Codes = append(filter.Codes, c.String())
		}
		if len(filter.Codes) == 0 {
			a.fail(w, r, f, l, errParam(http.StatusBadRequest, "service_request_id", "open311.err.bad_id", clip(ids)))
			return
		}
		a.answerRequests(w, r, f, l, filter, false)
		return
	}
	var errs []apiError
	filter.Published = true
	if code := strings.TrimSpace(q.Get("service_code")); code != "" {
		if k, ok := serviceKind(code); ok {
			filter.Kind = k
		} else {
			errs = append(errs, errParam(http.StatusBadRequest, "service_code", "open311.err.service_code_unknown", clip(code)))
		}
	}
	if st := strings.TrimSpace(q.Get("status")); st != "" {
		open, closed := false, false
		for _, s := range strings.Split(st, ",") {
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "open":
				open = true
			case "closed":
				closed = true
			default:
				errs = append(errs, errParam(http.StatusBadRequest, "status", "open311.err.status", clip(s)))
			}
		}
		switch {
		case open && !closed:
			filter.Statuses = []feedback.Status{feedback.StatusReceived, feedback.StatusInHandling}
		case closed && !open:
			filter.Statuses = []feedback.Status{feedback.StatusAnswered, feedback.StatusClosed}
		}
	}
	start, startOK := parseDate(q.Get("start_date"))
	end, endOK := parseDate(q.Get("end_date"))
	if !startOK {
		errs = append(errs, errParam(http.StatusBadRequest, "start_date", "open311.err.date"))
	}
	if !endOK {
		errs = append(errs, errParam(http.StatusBadRequest, "end_date", "open311.err.date"))
	}
	if startOK && endOK {
		switch {
		case start.IsZero() && end.IsZero():
			end = a.db.Now()
			start = end.Add(-MaxSpan)
		case start.IsZero():
			start = end.Add(-MaxSpan)
		case end.IsZero():
			end = start.Add(MaxSpan)
		}
		switch {
		case end.Before(start):
			errs = append(errs, errParam(http.StatusBadRequest, "end_date", "open311.err.date_order"))
		case end.Sub(start) > MaxSpan:
			errs = append(errs, errParam(http.StatusBadRequest, "end_date", "open311.err.date_span", int(MaxSpan/(24*time.Hour))))
		}
		// Both ends are inclusive; the store's upper bound is exclusive.
		filter.From, filter.To = start, end.Add(time.Microsecond)
	}
	if len(errs) > 0 {
		a.fail(w, r, f, l, errs...)
		return
	}
	a.answerRequests(w, r, f, l, filter, true)
}

// parseDate reads an ISO 8601 date-time (with or without a zone; without,
// Finnish time) or a date (midnight Finnish time). Empty is the zero time.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if len(s) > 40 {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, helsinki); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// serveRequest answers GET requests/{service_request_id}.{fmt}.
func (a *API) serveRequest(w http.ResponseWriter, r *http.Request) {
	id, f, ok := splitFile(r.PathValue("file"))
	l := locale(r)
	if !ok {
		a.fail(w, r, formatJSON, l, errNotFound)
		return
	}
	if e, err := a.rateLimit(r, "open311.lookup", a.cfg.LookupLimit); err != nil {
		a.failInternal(w, r, f, l, err)
		return
	} else if e != nil {
		a.fail(w, r, f, l, *e)
		return
	}
	c, err := trackcode.Parse(id)
	if err != nil {
		a.fail(w, r, f, l, errParam(http.StatusNotFound, "service_request_id", "open311.err.request_not_found", clip(id)))
		return
	}
	items, units, err := a.load(r, store.FeedbackFilter{Codes: []string{c.String()}, Limit: 1})
	if err != nil {
		a.failInternal(w, r, f, l, err)
		return
	}
	if len(items) == 0 {
		a.fail(w, r, f, l, errParam(http.StatusNotFound, "service_request_id", "open311.err.request_not_found", clip(id)))
		return
	}
	a.writeRequests(w, r, f, l, items, units)
}

// answerRequests loads the filtered items and writes them. publicList drops
// formal objections however they got there: they are never published.
func (a *API) answerRequests(w http.ResponseWriter, r *http.Request, f format, l domain.Lang, filter store.FeedbackFilter, publicList bool) {
	items, units, err := a.load(r, filter)
	if err != nil {
		a.failInternal(w, r, f, l, err)
		return
	}
	if publicList {
		kept := items[:0]
		for _, it := range items {
			if !it.Objection() {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	a.writeRequests(w, r, f, l, items, units)
}

// load reads the items and their units in one snapshot.
func (a *API) load(r *http.Request, filter store.FeedbackFilter) ([]feedback.Item, map[int64]org.Unit, error) {
	var items []feedback.Item
	units := map[int64]org.Unit{}
	err := a.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		if items, _, err = tx.ListFeedback(r.Context(), filter); err != nil || len(items) == 0 {
			return err
		}
		var ids []int64
		for _, it := range items {
			if _, ok := units[it.UnitID]; !ok {
				units[it.UnitID] = org.Unit{}
				ids = append(ids, it.UnitID)
			}
		}
		us, err := tx.Units(r.Context(), store.UnitFilter{IDs: ids})
		for _, u := range us {
			units[u.ID] = u
		}
		return err
	})
	return items, units, err
}

func (a *API) writeRequests(w http.ResponseWriter, r *http.Request, f format, l domain.Lang, items []feedback.Item, units map[int64]org.Unit) {
	out := make([]ServiceRequest, 0, len(items))
	for i := range items {
		out = append(out, a.serviceRequest(l, &items[i], units[items[i].UnitID]))
	}
	body, ct, err := encode(f, out, requestsDoc{Requests: out})
	if err != nil {
		a.failInternal(w, r, f, l, err)
		return
	}
	write(w, http.StatusOK, body, ct)
}

// serviceRequest is what the API shows of an item: the masked text only,
// none at all for a formal objection; the unit as the agency and the place;
// the giver's own location and contact details never.
func (a *API) serviceRequest(l domain.Lang, it *feedback.Item, u org.Unit) ServiceRequest {
	status := "open"
	if !it.Status.Open() {
		status = "closed"
	}
	sr := ServiceRequest{
		ServiceRequestID:  it.Code,
		Status:            status,
		StatusNotes:       someNonEmpty(it.Reply),
		ServiceName:       a.serviceName(l, it.Kind),
		ServiceCode:       string(it.Kind),
		AgencyResponsible: someNonEmpty(u.Name.In(l)),
		RequestedDatetime: isoTime(it.ReceivedAt),
		UpdatedDatetime:   isoTime(it.UpdatedAt),
		ExpectedDatetime:  some(isoTime(it.DueAt)),
		Zipcode:           someNonEmpty(u.PostalCode),
	}
	if _, ok := serviceKind(string(it.Kind)); !ok {
		sr.ServiceName = string(it.Kind)
	}
	if it.Objection() {
		sr.ServiceNotice = some(a.cat.T(l, "open311.notice.objection"))
	} else {
		sr.Description = some(it.Masked)
	}
	if u.StreetAddress != "" {
		addr := u.StreetAddress
		if u.PostalCode != "" || u.Municipality != "" {
			addr += ", " + strings.TrimSpace(u.PostalCode+" "+u.Municipality)
		}
		sr.Address = some(addr)
	} else {
		sr.Address = someNonEmpty(u.Municipality)
	}
	return sr
}
