package web

// Conformance tests of the Open311 GeoReport v2 API (internal/open311)
// through the real HTTP server: every endpoint in JSON and XML, the XML
// parsed into the specification's element names, every kind of bad input,
// API keys, the list filters, masking and formal objections.

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"kuulu/internal/feedback"
	"kuulu/internal/i18n"
	"kuulu/internal/org"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

const o311Base = "/open311/v2/"

// The specification's documents, as a client would declare them.
type xmlServices struct {
	XMLName  xml.Name `xml:"services"`
	Services []struct {
		ServiceCode string `xml:"service_code"`
		ServiceName string `xml:"service_name"`
		Description string `xml:"description"`
		Metadata    bool   `xml:"metadata"`
		Type        string `xml:"type"`
		Keywords    string `xml:"keywords"`
		Group       string `xml:"group"`
	} `xml:"service"`
}

type xmlServiceDefinition struct {
	XMLName     xml.Name `xml:"service_definition"`
	ServiceCode string   `xml:"service_code"`
	Attributes  []struct {
		Variable            bool   `xml:"variable"`
		Code                string `xml:"code"`
		Datatype            string `xml:"datatype"`
		Required            bool   `xml:"required"`
		DatatypeDescription string `xml:"datatype_description"`
		Order               int    `xml:"order"`
		Description         string `xml:"description"`
		Values              []struct {
			Key  string `xml:"key"`
			Name string `xml:"name"`
		} `xml:"values>value"`
	} `xml:"attributes>attribute"`
}

type xmlRequest struct {
	ServiceRequestID  string `xml:"service_request_id"`
	Status            string `xml:"status"`
	StatusNotes       string `xml:"status_notes"`
	ServiceName       string `xml:"service_name"`
	ServiceCode       string `xml:"service_code"`
	Description       string `xml:"description"`
	AgencyResponsible string `xml:"agency_responsible"`
	ServiceNotice     string `xml:"service_notice"`
	RequestedDatetime string `xml:"requested_datetime"`
	UpdatedDatetime   string `xml:"updated_datetime"`
	ExpectedDatetime  string `xml:"expected_datetime"`
	Address           string `xml:"address"`
	AddressID         string `xml:"address_id"`
	Zipcode           string `xml:"zipcode"`
	Lat               string `xml:"lat"`
	Long              string `xml:"long"`
	MediaURL          string `xml:"media_url"`
}

// xmlElementNames lists the child elements of each request, to check that
// every field of the specification is there, in order.
type xmlElementNames struct {
	Requests []struct {
		Elements []struct {
			XMLName xml.Name
		} `xml:",any"`
	} `xml:"request"`
}

type xmlRequests struct {
	XMLName  xml.Name     `xml:"service_requests"`
	Requests []xmlRequest `xml:"request"`
}

type xmlCreated struct {
	XMLName  xml.Name `xml:"service_requests"`
	Requests []struct {
		ServiceRequestID string `xml:"service_request_id"`
		ServiceNotice    string `xml:"service_notice"`
		AccountID        string `xml:"account_id"`
	} `xml:"request"`
}

type o311Error struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

type xmlErrors struct {
	XMLName xml.Name    `xml:"errors"`
	Errors  []o311Error `xml:"error"`
}

type jsonRequest struct {
	ServiceRequestID  string   `json:"service_request_id"`
	Status            string   `json:"status"`
	StatusNotes       *string  `json:"status_notes"`
	ServiceName       string   `json:"service_name"`
	ServiceCode       string   `json:"service_code"`
	Description       *string  `json:"description"`
	AgencyResponsible *string  `json:"agency_responsible"`
	ServiceNotice     *string  `json:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime"`
	ExpectedDatetime  *string  `json:"expected_datetime"`
	Address           *string  `json:"address"`
	AddressID         *string  `json:"address_id"`
	Zipcode           *string  `json:"zipcode"`
	Lat               *float64 `json:"lat"`
	Long              *float64 `json:"long"`
	MediaURL          *string  `json:"media_url"`
}

// requestFields are the fields of a service request, in the specification's order.
var requestFields = []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
	"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
	"address_id", "zipcode", "lat", "long", "media_url"}

// apiClient is a server-to-server client: no cookies, no browser headers.
type apiClient struct {
	t    *testing.T
	base string
}

func (e *testEnv) api() *apiClient { return &apiClient{t: e.t, base: e.ts.URL} }

func (a *apiClient) do(req *http.Request) resp {
	a.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Body: string(b), Header: res.Header, Location: res.Header.Get("Location")}
}

func (a *apiClient) get(path string) resp {
	a.t.Helper()
	req, _ := http.NewRequest("GET", a.base+o311Base+path, nil)
	return a.do(req)
}

func (a *apiClient) postBody(path, contentType string, body io.Reader) resp {
	a.t.Helper()
	req, _ := http.NewRequest("POST", a.base+o311Base+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return a.do(req)
}

func (a *apiClient) post(path string, form url.Values) resp {
	a.t.Helper()
	return a.postBody(path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

func (a *apiClient) postMultipart(path string, form url.Values) resp {
	a.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	mw.Close()
	return a.postBody(path, mw.FormDataContentType(), &b)
}

// wantType checks the answer's content type for the format.
func wantType(t *testing.T, r resp, format string) {
	t.Helper()
	want := "application/json; charset=utf-8"
	if format == "xml" {
		want = "application/xml; charset=utf-8"
		if !strings.HasPrefix(r.Body, `<?xml version="1.0" encoding="UTF-8"?>`) {
			t.Errorf("XML answer without declaration: %.80q", r.Body)
		}
	}
	if got := r.Header.Get("Content-Type"); got != want {
		t.Errorf("Content-Type %q, want %q", got, want)
	}
}

// decode parses the body in its format into v (JSON) or x (XML).
func decode(t *testing.T, r resp, format string, v, x any) {
	t.Helper()
	wantType(t, r, format)
	var err error
	if format == "xml" {
		err = xml.Unmarshal([]byte(r.Body), x)
	} else {
		dec := json.NewDecoder(strings.NewReader(r.Body))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
	}
	if err != nil {
		t.Fatalf("decoding %s: %v\n%s", format, err, r.Body)
	}
}

// wantErrors checks an error answer: the status, the format and an array of
// {code, description} with code = status; it returns the descriptions.
func wantErrors(t *testing.T, r resp, format string, status int) []string {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, r.Body)
	}
	var js []o311Error
	var xs xmlErrors
	decode(t, r, format, &js, &xs)
	if format == "xml" {
		js = xs.Errors
	}
	if len(js) == 0 {
		t.Fatalf("no errors in %s", r.Body)
	}
	var out []string
	for _, e := range js {
		if e.Code != status || strings.TrimSpace(e.Description) == "" {
			t.Errorf("error %+v in a %d answer", e, status)
		}
		out = append(out, e.Description)
	}
	return out
}

func mentions(descs []string, param string) bool {
	return slices.ContainsFunc(descs, func(d string) bool { return strings.HasPrefix(d, param+": ") })
}

// requests parses a list of service requests in either format into the
// JSON shape, checking that every field of the specification is there.
func requests(t *testing.T, r resp, format string) []jsonRequest {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d\n%s", r.Status, r.Body)
	}
	if format == "json" {
		var raw []map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.Body), &raw); err != nil {
			t.Fatalf("%v\n%s", err, r.Body)
		}
		for _, m := range raw {
			if len(m) != len(requestFields) {
				t.Errorf("request has %d fields, want %d: %v", len(m), len(requestFields), m)
			}
			for _, f := range requestFields {
				if _, ok := m[f]; !ok {
					t.Errorf("request lacks %s", f)
				}
			}
		}
		var out []jsonRequest
		decode(t, r, format, &out, nil)
		return out
	}
	var doc xmlRequests
	decode(t, r, format, nil, &doc)
	var names xmlElementNames
	if err := xml.Unmarshal([]byte(r.Body), &names); err != nil || len(names.Requests) != len(doc.Requests) {
		t.Fatalf("element names: %v", err)
	}
	out := []jsonRequest{}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	for i, x := range doc.Requests {
		var got []string
		for _, el := range names.Requests[i].Elements {
			got = append(got, el.XMLName.Local)
		}
		if !slices.Equal(got, requestFields) {
			t.Errorf("request elements %v, want %v", got, requestFields)
		}
		out = append(out, jsonRequest{ServiceRequestID: x.ServiceRequestID, Status: x.Status, StatusNotes: opt(x.StatusNotes),
			ServiceName: x.ServiceName, ServiceCode: x.ServiceCode, Description: opt(x.Description),
			AgencyResponsible: opt(x.AgencyResponsible), ServiceNotice: opt(x.ServiceNotice), RequestedDatetime: x.RequestedDatetime,
			UpdatedDatetime: x.UpdatedDatetime, ExpectedDatetime: opt(x.ExpectedDatetime), Address: opt(x.Address),
			AddressID: opt(x.AddressID), Zipcode: opt(x.Zipcode), MediaURL: opt(x.MediaURL)})
		if x.Lat != "" || x.Long != "" {
			t.Errorf("lat/long given: %q %q", x.Lat, x.Long)
		}
	}
	return out
}

// codes lists the service_request_ids of a list.
func codes(rs []jsonRequest) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ServiceRequestID)
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// issueKey issues an API key straight in the database.
func issueKey(t *testing.T, e *testEnv, name string) (store.APIKey, string) {
	t.Helper()
	var k store.APIKey
	var secret string
	if err := e.db.Write(t.Context(), func(tx *store.Tx) error {
		var err error
		k, secret, err = tx.CreateAPIKey(t.Context(), name, 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return k, secret
}

func unitBySlug(t *testing.T, e *testEnv, slug string) org.Unit {
	t.Helper()
	var u org.Unit
	if err := e.db.Read(t.Context(), func(tx *store.Tx) error {
		var err error
		u, err = tx.UnitBySlug(t.Context(), slug)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return u
}

func itemByCode(t *testing.T, e *testEnv, code string) (feedback.Item, feedback.Contact) {
	t.Helper()
	var it feedback.Item
	var c feedback.Contact
	if err := e.db.Read(t.Context(), func(tx *store.Tx) error {
		var err error
		if it, err = tx.FeedbackByCode(t.Context(), code); err != nil {
			return err
		}
		c, err = tx.FeedbackContact(t.Context(), it.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return it, c
}

func countFeedback(t *testing.T, e *testEnv) int {
	t.Helper()
	var n int
	e.db.Read(t.Context(), func(tx *store.Tx) error {
		return tx.QueryRow(t.Context(), "SELECT COUNT(*) FROM feedback").Scan(&n)
	})
	return n
}

// validForm is a submission that the API accepts.
func validForm(key string) url.Values {
	return url.Values{"api_key": {key}, "service_code": {"criticism"}, "attribute[unit]": {"kajaanin-terveysasema"},
		"attribute[score]": {"4"}, "description": {"Odotin vastaanotolle tunnin."}, "email": {"anna@example.fi"},
		"phone": {"040 765 4321"}, "first_name": {"Anna"}, "last_name": {"Asiakas"}, "locale": {"fi"},
		"device_id": {"phone-123"}, "account_id": {"acc-9"}, "address_string": {"Kalliokatu 4"}, "lat": {"64.2245"}, "long": {"27.7334"}}
}

func with(f url.Values, kv ...string) url.Values {
	g := url.Values{}
	for k, vs := range f {
		g[k] = slices.Clone(vs)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "\x00delete" {
			g.Del(kv[i])
		} else {
			g.Set(kv[i], kv[i+1])
		}
	}
	return g
}

var formats = []string{"json", "xml"}

func TestOpen311Services(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		a := e.api()
		wantCodes := []string{"praise", "idea", "criticism", "question", "accessibility"}
		names := map[string]string{"fi": "Kiitos", "sv": "Beröm", "en": "Praise"}
		for _, f := range formats {
			for _, l := range []string{"", "fi", "sv", "en", "sv_FI", "xx"} {
				r := a.get("services." + f + "?locale=" + l)
				if r.Status != http.StatusOK {
					t.Fatalf("services.%s: %d %s", f, r.Status, r.Body)
				}
				type svc struct {
					ServiceCode string `json:"service_code"`
					ServiceName string `json:"service_name"`
					Description string `json:"description"`
					Metadata    bool   `json:"metadata"`
					Type        string `json:"type"`
					Keywords    string `json:"keywords"`
					Group       string `json:"group"`
				}
				var js []svc
				var xs xmlServices
				decode(t, r, f, &js, &xs)
				if f == "xml" {
					for _, s := range xs.Services {
						js = append(js, svc(s))
					}
				}
				var got []string
				for _, s := range js {
					got = append(got, s.ServiceCode)
					if !s.Metadata || s.Type != "realtime" || s.Group != "feedback" || s.Keywords == "" || s.Description == "" || s.ServiceName == "" ||
						strings.Contains(s.ServiceName+s.Description+s.Keywords, "[open311.") {
						t.Errorf("%s %s: %+v", f, l, s)
					}
				}
				if !slices.Equal(got, wantCodes) {
					t.Errorf("%s: codes %v", f, got)
				}
				lang := map[string]string{"": "fi", "sv_FI": "sv", "xx": "fi"}[l]
				if lang == "" {
					lang = l
				}
				if js[0].ServiceName != names[lang] {
					t.Errorf("%s locale %q: name %q, want %q", f, l, js[0].ServiceName, names[lang])
				}
			}
		}
		// An unknown suffix is a 404 in JSON.
		for _, p := range []string{"services.txt", "services", "services.json.bak", "nothing.json", "requests.html"} {
			wantErrors(t, a.get(p), "json", http.StatusNotFound)
		}
		wantErrors(t, a.get("nothing.xml"), "xml", http.StatusNotFound)
		wantErrors(t, a.get("services/praise/more.json"), "json", http.StatusNotFound)
		r := e.api()
		req, _ := http.NewRequest("GET", r.base+"/open311/v3/services.json", nil)
		wantErrors(t, r.do(req), "json", http.StatusNotFound)
	})
}

func TestOpen311ServiceDefinition(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		a := e.api()
		// A closed unit is not offered.
		closed := unitBySlug(t, e, "paltamon-terveysasema")
		closed.Active = false
		if err := e.db.Write(t.Context(), func(tx *store.Tx) error { return tx.SaveUnit(t.Context(), &closed) }); err != nil {
			t.Fatal(err)
		}
		for _, f := range formats {
			for l, unitName := range map[string]string{"fi": "Kajaanin terveysasema", "sv": "Hälsostationen i Kajana", "en": "Kajaani health centre"} {
				r := a.get("services/accessibility." + f + "?locale=" + l)
				if r.Status != http.StatusOK {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
				var js struct {
					ServiceCode string `json:"service_code"`
					Attributes  []struct {
						Variable            bool    `json:"variable"`
						Code                string  `json:"code"`
						Datatype            string  `json:"datatype"`
						Required            bool    `json:"required"`
						DatatypeDescription *string `json:"datatype_description"`
						Order               int     `json:"order"`
						Description         string  `json:"description"`
						Values              []struct {
							Key  string `json:"key"`
							Name string `json:"name"`
						} `json:"values"`
					} `json:"attributes"`
				}
				var xs xmlServiceDefinition
				decode(t, r, f, &js, &xs)
				if f == "xml" {
					js.ServiceCode = xs.ServiceCode
					b, _ := json.Marshal(xs.Attributes)
					json.Unmarshal(b, &js.Attributes)
				}
				if js.ServiceCode != "accessibility" || len(js.Attributes) != 2 {
					t.Fatalf("%s: %+v", f, js)
				}
				unit, score := js.Attributes[0], js.Attributes[1]
				if unit.Code != "unit" || !unit.Variable || unit.Datatype != "singlevaluelist" || !unit.Required || unit.Order != 1 || unit.Description == "" {
					t.Errorf("%s unit attribute %+v", f, unit)
				}
				if score.Code != "score" || !score.Variable || score.Datatype != "singlevaluelist" || score.Required || score.Order != 2 || len(score.Values) != 11 ||
					score.Values[0].Key != "0" || score.Values[10].Key != "10" || !strings.HasPrefix(score.Values[10].Name, "10") || score.Values[5].Name != "5" {
					t.Errorf("%s score attribute %+v", f, score)
				}
				found := false
				for _, v := range unit.Values {
					if v.Key == "kajaanin-terveysasema" {
						found = v.Name == unitName
					}
					if v.Key == closed.Slug {
						t.Errorf("closed unit offered")
					}
				}
				if !found || len(unit.Values) < 20 {
					t.Errorf("%s %s: unit values %v", f, l, unit.Values)
				}
			}
			descs := wantErrors(t, a.get("services/parking."+f), f, http.StatusNotFound)
			if !mentions(descs, "service_code") {
				t.Errorf("unknown service: %v", descs)
			}
			wantErrors(t, a.get("services/praise.yaml"), "json", http.StatusNotFound)
		}
	})
}

func TestOpen311SubmitAndFetch(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		a := e.api()
		_, key := issueKey(t, e, "Palautesovellus")
		for _, f := range formats {
			secret := "Hoitaja sanoi hetuni 131052-308T ääneen, soittakaa +358 40 123 4567."
			form := with(validForm(key), "description", secret, "locale", "en")
			post := a.post
			if f == "xml" {
				post = a.postMultipart
			}
			r := post("requests."+f, form)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", f, r.Status, r.Body)
			}
			var id, notice string
			if f == "json" {
				var out []struct {
					ServiceRequestID string  `json:"service_request_id"`
					ServiceNotice    *string `json:"service_notice"`
					AccountID        *string `json:"account_id"`
				}
				decode(t, r, f, &out, nil)
				if len(out) != 1 || out[0].ServiceNotice == nil || out[0].AccountID != nil || !strings.Contains(r.Body, `"account_id":null`) {
					t.Fatalf("created %s", r.Body)
				}
				id, notice = out[0].ServiceRequestID, *out[0].ServiceNotice
			} else {
				var out xmlCreated
				decode(t, r, f, nil, &out)
				if len(out.Requests) != 1 || !strings.Contains(r.Body, "<account_id></account_id>") {
					t.Fatalf("created %s", r.Body)
				}
				id, notice = out.Requests[0].ServiceRequestID, out.Requests[0].ServiceNotice
			}
			code, err := trackcode.Parse(id)
			if err != nil || code.String() != id {
				t.Fatalf("service_request_id %q is not a canonical tracking code", id)
			}
			if !strings.Contains(notice, code.Display()) || !strings.Contains(notice, "http://kuulu.test/t/"+id) || !strings.Contains(notice, "Thank you") {
				t.Errorf("service_notice %q", notice)
			}
			// Stored as any other feedback, through the intake.
			it, c := itemByCode(t, e, id)
			if it.Channel != feedback.ChannelOpen311 || it.Kind != feedback.KindCriticism || it.ServiceCode != "criticism" ||
				it.UnitID != unitBySlug(t, e, "kajaanin-terveysasema").ID || it.Score == nil || *it.Score != 4 || it.Lang != "en" ||
				it.Lat == nil || *it.Lat != 64.2245 || it.Long == nil || *it.Long != 27.7334 || it.Address != "Kalliokatu 4" || it.MaskCount != 2 {
				t.Errorf("stored %+v", it)
			}
			if c.Email != "anna@example.fi" || c.Phone != "+358407654321" || c.Name != "Anna Asiakas" {
				t.Errorf("contact %+v", c)
			}
			// The receipt was queued like on any channel.
			var queued int
			e.db.Read(t.Context(), func(tx *store.Tx) error {
				return tx.QueryRow(t.Context(), "SELECT COUNT(*) FROM messages WHERE feedback_id = ?", it.ID).Scan(&queued)
			})
			if queued != 2 {
				t.Errorf("%d receipts queued, want 2", queued)
			}

			// Fetch it back in both formats, by canonical and display code.
			for _, g := range formats {
				for _, ref := range []string{id, code.Display(), strings.ToLower(code.Display())} {
					rs := requests(t, a.get("requests/"+url.PathEscape(ref)+"."+g+"?locale=sv"), g)
					if len(rs) != 1 {
						t.Fatalf("%d requests", len(rs))
					}
					sr := rs[0]
					if sr.ServiceRequestID != id || sr.Status != "open" || sr.StatusNotes != nil || sr.ServiceCode != "criticism" ||
						sr.ServiceName != "Kritik" || sr.AgencyResponsible == nil || *sr.AgencyResponsible != "Hälsostationen i Kajana" ||
						sr.MediaURL != nil || sr.AddressID != nil || sr.Lat != nil || sr.Long != nil || sr.Zipcode == nil || *sr.Zipcode != "87100" ||
						sr.Address == nil || !strings.Contains(*sr.Address, "Kajaani") {
						t.Errorf("%s: %+v", g, sr)
					}
					// Masked: the identity code and the phone number never leave.
					if sr.Description == nil || *sr.Description != "Hoitaja sanoi hetuni [HETU] ääneen, soittakaa [PUH]." {
						t.Errorf("description %v", sr.Description)
					}
					for _, leak := range []string{"131052-308T", "123 4567", "anna@example.fi", "407654321", "Asiakas", "64.2245"} {
						if strings.Contains(rsBody(a, "requests/"+id+"."+g), leak) {
							t.Errorf("%s answer contains %q", g, leak)
						}
					}
					for name, v := range map[string]string{"requested": sr.RequestedDatetime, "updated": sr.UpdatedDatetime, "expected": *sr.ExpectedDatetime} {
						tm, err := time.Parse(time.RFC3339, v)
						if err != nil || !strings.HasSuffix(v, "+02:00") {
							t.Errorf("%s_datetime %q: %v", name, v, err)
						}
						if name == "expected" && !tm.Equal(it.DueAt) {
							t.Errorf("expected_datetime %v, due %v", tm, it.DueAt)
						}
						if name == "requested" && !tm.Equal(it.ReceivedAt) {
							t.Errorf("requested_datetime %v, received %v", tm, it.ReceivedAt)
						}
					}
				}
			}
		}
		// Unknown and malformed codes are 404s.
		for _, f := range formats {
			c, _ := trackcode.New()
			descs := wantErrors(t, a.get("requests/"+c.String()+"."+f), f, http.StatusNotFound)
			if !mentions(descs, "service_request_id") {
				t.Errorf("%v", descs)
			}
			wantErrors(t, a.get("requests/not-a-code."+f), f, http.StatusNotFound)
		}
		wantErrors(t, a.get("requests/"+strings.Repeat("A", 11)+".txt"), "json", http.StatusNotFound)
	})
}

func rsBody(a *apiClient, path string) string { return a.get(path).Body }

func TestOpen311BadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		a := e.api()
		_, key := issueKey(t, e, "Testi")
		revoked, revokedSecret := issueKey(t, e, "Vanha")
		if err := e.db.Write(t.Context(), func(tx *store.Tx) error { _, _, err := tx.RevokeAPIKey(t.Context(), revoked.ID); return err }); err != nil {
			t.Fatal(err)
		}
		ok := validForm(key)
		before := countFeedback(t, e)
		cases := []struct {
			name   string
			form   url.Values
			status int
			param  string
		}{
			{"no api_key", with(ok, "api_key", "\x00delete"), 403, "api_key"},
			{"empty api_key", with(ok, "api_key", ""), 403, "api_key"},
			{"unknown api_key", with(ok, "api_key", "k311_"+strings.Repeat("0", 64)), 403, "api_key"},
			{"revoked api_key", with(ok, "api_key", revokedSecret), 403, "api_key"},
			{"no service_code", with(ok, "service_code", "\x00delete"), 400, "service_code"},
			{"unknown service_code", with(ok, "service_code", "pothole"), 400, "service_code"},
			{"no unit", with(ok, "attribute[unit]", "\x00delete"), 400, "attribute[unit]"},
			{"unknown unit", with(ok, "attribute[unit]", "ei-ole-olemassa"), 400, "attribute[unit]"},
			{"empty description without score", with(ok, "description", "  ", "attribute[score]", "\x00delete"), 400, "description"},
			{"score out of range", with(ok, "attribute[score]", "11"), 400, "attribute[score]"},
			{"score not a number", with(ok, "attribute[score]", "kymmenen"), 400, "attribute[score]"},
			{"text over the limit", with(ok, "description", strings.Repeat("ä", feedback.MaxText+1)), 400, "description"},
			{"invalid UTF-8", with(ok, "description", "hyv\xe4 palvelu"), 400, "description"},
			{"NUL in text", with(ok, "description", "a\x00b"), 400, "description"},
			{"invalid email", with(ok, "email", "anna@"), 400, "email"},
			{"invalid phone", with(ok, "phone", "12ab"), 400, "phone"},
			{"lat without long", with(ok, "long", "\x00delete"), 400, "lat"},
			{"lat out of range", with(ok, "lat", "91"), 400, "lat"},
			{"long not a number", with(ok, "long", "east"), 400, "long"},
			{"name too long", with(ok, "first_name", strings.Repeat("a", 201)), 400, "first_name"},
		}
		for _, tc := range cases {
			for _, f := range formats {
				r := a.post("requests."+f, tc.form)
				descs := wantErrors(t, r, f, tc.status)
				if !mentions(descs, tc.param) {
					t.Errorf("%s (%s): errors %v do not name %s", tc.name, f, descs, tc.param)
				}
			}
		}
		// Several problems are reported together, in the request's locale.
		r := a.post("requests.json", url.Values{"api_key": {key}, "service_code": {"x"}, "attribute[unit]": {"y"}, "email": {"z"}, "locale": {"en"}})
		descs := wantErrors(t, r, "json", 400)
		if len(descs) != 4 || !mentions(descs, "service_code") || !mentions(descs, "attribute[unit]") || !mentions(descs, "description") ||
			!mentions(descs, "email") || !strings.Contains(descs[0], "Unknown service code") {
			t.Errorf("combined errors %v", descs)
		}

		// Transport problems: content type, body size, malformed bodies.
		body := func() io.Reader { return strings.NewReader(ok.Encode()) }
		for _, f := range formats {
			for _, ct := range []string{"", "application/json", "text/plain", "application/xml; charset=utf-8", "multipart/form-data-ish"} {
				wantErrors(t, a.postBody("requests."+f, ct, body()), f, http.StatusBadRequest)
			}
			big := with(ok, "description", strings.Repeat("x", 200<<10))
			wantErrors(t, a.post("requests."+f, big), f, http.StatusRequestEntityTooLarge)
			// Without a declared length (chunked), the cap holds while reading.
			wantErrors(t, a.postBody("requests."+f, "application/x-www-form-urlencoded", struct{ io.Reader }{strings.NewReader(big.Encode())}), f, http.StatusRequestEntityTooLarge)
			wantErrors(t, a.postBody("requests."+f, "application/x-www-form-urlencoded", strings.NewReader("api_key=%zz")), f, http.StatusBadRequest)
			wantErrors(t, a.postBody("requests."+f, "multipart/form-data; boundary=xyz", strings.NewReader("garbage")), f, http.StatusBadRequest)
			// services is read-only.
			wantErrors(t, a.post("services."+f, ok), f, http.StatusMethodNotAllowed)
		}
		wantErrors(t, a.post("requests.txt", ok), "json", http.StatusNotFound)
		wantErrors(t, a.post("requests", ok), "json", http.StatusNotFound)
		if n := countFeedback(t, e); n != before {
			t.Fatalf("bad submissions stored %d items", n-before)
		}

		// A score alone is enough, and device_id, account_id and media_url are accepted.
		r = a.post("requests.json", with(ok, "description", "", "media_url", "https://example.fi/x.jpg", "email", "", "phone", ""))
		if r.Status != http.StatusOK {
			t.Errorf("score only: %d %s", r.Status, r.Body)
		}
		// Location is optional: the unit is the place.
		r = a.post("requests.xml", with(ok, "lat", "", "long", "", "address_string", ""))
		if r.Status != http.StatusOK {
			t.Errorf("without location: %d %s", r.Status, r.Body)
		}
	})
}

func TestOpen311RateLimits(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		a := e.api()
		_, key := issueKey(t, e, "Testi")
		// Fill the address's window as if 120 submissions had been made.
		for range 120 {
			if _, _, err := e.db.Hit(t.Context(), "open311.post:127.0.0.1", 10*time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range formats {
			r := a.post("requests."+f, validForm(key))
			wantErrors(t, r, f, http.StatusTooManyRequests)
			if r.Header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
		}
		// Reading the public list is not limited; looking up codes is.
		for range 300 {
			e.db.Hit(t.Context(), "open311.lookup:127.0.0.1", 10*time.Minute)
		}
		if r := a.get("requests.json"); r.Status != http.StatusOK {
			t.Errorf("list: %d", r.Status)
		}
		c, _ := trackcode.New()
		wantErrors(t, a.get("requests/"+c.String()+".xml"), "xml", http.StatusTooManyRequests)
		wantErrors(t, a.get("requests.json?service_request_id="+c.String()), "json", http.StatusTooManyRequests)
		// The window passes.
		e.clock.Advance(11 * time.Minute)
		if r := a.post("requests.json", validForm(key)); r.Status != http.StatusOK {
			t.Errorf("after the window: %d %s", r.Status, r.Body)
		}
	})
}

func TestOpen311APIKeys(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		// A key issued by an administrator in the UI opens POST …
		admin := e.client()
		admin.login("admin@kainuu.example")
		secret := createKeyInUI(t, admin, "Kuntasovellus")
		a := e.api()
		if r := a.post("requests.json", validForm(secret)); r.Status != http.StatusOK {
			t.Fatalf("issued key: %d %s", r.Status, r.Body)
		}
		var k store.APIKey
		e.db.Read(t.Context(), func(tx *store.Tx) error {
			ks, err := tx.APIKeys(t.Context())
			k = ks[0]
			return err
		})
		if k.LastUsedAt == nil {
			t.Error("last use not recorded")
		}
		// … until it is revoked.
		if r := admin.post("/admin/apikeys/"+itoa(int(k.ID))+"/revoke", url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", r.Status)
		}
		wantErrors(t, a.post("requests.json", validForm(secret)), "json", http.StatusForbidden)

		// Keys provisioned by configuration work besides the issued ones.
		envKey := "integraatio-0123456789abcdef"
		cat, _ := i18n.Load()
		srv, err := New(Config{BaseURL: "http://kuulu.test", Argon2: cheapArgon, Open311APIKeys: []string{"  ", envKey, "toinen-avain-0123456789"}},
			e.db, cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		env := &apiClient{t: t, base: ts.URL}
		for _, f := range formats {
			if r := env.post("requests."+f, validForm(envKey)); r.Status != http.StatusOK {
				t.Errorf("env key (%s): %d %s", f, r.Status, r.Body)
			}
			wantErrors(t, env.post("requests."+f, validForm(envKey+"x")), f, http.StatusForbidden)
			wantErrors(t, env.post("requests."+f, validForm(envKey[:len(envKey)-1])), f, http.StatusForbidden)
			// The default server has no such key.
			wantErrors(t, a.post("requests."+f, validForm(envKey)), f, http.StatusForbidden)
		}
		// The admin page tells that configuration provisioned two keys.
		envAdmin := (&testEnv{t: t, db: e.db, srv: srv, ts: ts, clock: e.clock}).client()
		envAdmin.login("admin@kainuu.example")
		r := envAdmin.get("/admin/apikeys?lang=en")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "2 keys are provisioned by the setting KUULU_OPEN311_API_KEYS") {
			t.Errorf("env keys not mentioned: %d", r.Status)
		}
		if strings.Contains(r.Body, envKey) {
			t.Error("env key shown")
		}
	})
}

// createKeyInUI issues a key through /admin/apikeys and returns the key read
// from the page that shows it once.
func createKeyInUI(t *testing.T, c *client, name string) string {
	t.Helper()
	r := c.post("/admin/apikeys", url.Values{"name": {name}})
	if r.Status != http.StatusCreated {
		t.Fatalf("create key: %d\n%s", r.Status, r.Body)
	}
	i := strings.Index(r.Body, `id="new-key"`)
	if i < 0 {
		t.Fatalf("key not shown:\n%s", r.Body)
	}
	rest := r.Body[i:]
	j := strings.Index(rest, `value="`)
	rest = rest[j+len(`value="`):]
	secret := rest[:strings.IndexByte(rest, '"')]
	if !strings.HasPrefix(secret, "k311_") {
		t.Fatalf("key %q", secret)
	}
	return secret
}

func TestOpen311ListFilters(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		a := e.api()
		now := e.clock.T
		unit := unitBySlug(t, e, "kajaanin-terveysasema")
		type spec struct {
			daysAgo   int
			kind      feedback.Kind
			status    feedback.Status
			published bool
			objection bool
			text      string
		}
		specs := map[string]spec{
			"praiseOpen":   {5, feedback.KindPraise, feedback.StatusInHandling, true, false, "Kiitos hyvästä hoidosta."},
			"ideaAnswered": {10, feedback.KindIdea, feedback.StatusAnswered, true, false, "Lisää penkkejä aulaan."},
			"critClosed":   {35, feedback.KindCriticism, feedback.StatusClosed, true, false, "Jono oli pitkä, hetu 131052-308T ja numero 040 123 4567."},
			"old":          {120, feedback.KindPraise, feedback.StatusClosed, true, false, "Vanha kiitos."},
			"unpublished":  {3, feedback.KindQuestion, feedback.StatusReceived, false, false, "Milloin laboratorio aukeaa?"},
			"objection":    {7, feedback.KindCriticism, feedback.StatusInHandling, false, true, "Muistutus: ObjektiSalaisuusXY1, potilas Matti Meikäläinen."},
			// An objection published by mistake (through the database) still never shows.
			"objPublished": {8, feedback.KindCriticism, feedback.StatusAnswered, true, true, "ObjektiSalaisuusXY2 muistutus."},
		}
		code := map[string]string{}
		for name, sp := range specs {
			e.clock.T = now.AddDate(0, 0, -sp.daysAgo)
			it, err := e.srv.intake.Submit(ctx, feedback.Submission{UnitID: unit.ID, Channel: feedback.ChannelWeb, Kind: sp.kind, Text: sp.text, Lang: "fi"})
			if err != nil {
				t.Fatal(err)
			}
			code[name] = it.Code
			e.clock.T = e.clock.T.Add(time.Hour)
			err = e.db.Write(ctx, func(tx *store.Tx) error {
				it.Status = sp.status
				if sp.status == feedback.StatusAnswered || sp.status == feedback.StatusClosed {
					it.Reply = "Kiitos, asia on korjattu."
				}
				if sp.published {
					at := tx.Now()
					it.PublishedAt = &at
				}
				if sp.objection {
					it.Class = feedback.ClassObjection
				}
				return tx.UpdateFeedback(ctx, &it)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		e.clock.T = now

		for _, f := range formats {
			// Demo data has published feedback of its own: each answer is
			// checked against the filter as a whole, and for exactly which of
			// this test's items it holds.
			mine := map[string]bool{}
			for _, c := range code {
				mine[c] = true
			}
			type check func(sr jsonRequest) bool
			list := func(q string, holds check) []string {
				t.Helper()
				rs := requests(t, a.get("requests."+f+q), f)
				var got []string
				for _, sr := range rs {
					if holds != nil && !holds(sr) {
						t.Errorf("%s %s: %s does not match the filter: %+v", f, q, sr.ServiceRequestID, sr)
					}
					if mine[sr.ServiceRequestID] {
						got = append(got, sr.ServiceRequestID)
					}
				}
				if len(rs) > 1000 {
					t.Errorf("%s %s: %d items", f, q, len(rs))
				}
				slices.Sort(got)
				return got
			}
			received := func(from, to time.Time) check {
				return func(sr jsonRequest) bool {
					tm, err := time.Parse(time.RFC3339, sr.RequestedDatetime)
					return err == nil && !tm.Before(from) && !tm.After(to)
				}
			}
			status := func(st string) check { return func(sr jsonRequest) bool { return sr.Status == st } }
			daysAgo := func(d int) time.Time { return now.AddDate(0, 0, -d) }
			// Default: published items of the last 90 days, never objections.
			if got, want := list("", received(daysAgo(90), now)), sorted(code["praiseOpen"], code["ideaAnswered"], code["critClosed"]); !slices.Equal(got, want) {
				t.Errorf("%s default: %v, want %v", f, got, want)
			}
			if got, want := list("?status=open", status("open")), sorted(code["praiseOpen"]); !slices.Equal(got, want) {
				t.Errorf("%s open: %v, want %v", f, got, want)
			}
			if got, want := list("?status=closed", status("closed")), sorted(code["ideaAnswered"], code["critClosed"]); !slices.Equal(got, want) {
				t.Errorf("%s closed: %v, want %v", f, got, want)
			}
			if got := list("?status=open,closed", nil); len(got) != 3 {
				t.Errorf("%s open,closed: %v", f, got)
			}
			if got, want := list("?service_code=idea", func(sr jsonRequest) bool { return sr.ServiceCode == "idea" }), sorted(code["ideaAnswered"]); !slices.Equal(got, want) {
				t.Errorf("%s service_code: %v, want %v", f, got, want)
			}
			if got := list("?service_code=question", func(sr jsonRequest) bool { return sr.ServiceCode == "question" }); len(got) != 0 {
				t.Errorf("%s unpublished question listed: %v", f, got)
			}
			day := func(d int) string { return url.QueryEscape(daysAgo(d).In(helsinki).Format(time.RFC3339)) }
			if got, want := list("?start_date="+day(45)+"&end_date="+day(8), received(daysAgo(45), daysAgo(8))), sorted(code["ideaAnswered"], code["critClosed"]); !slices.Equal(got, want) {
				t.Errorf("%s dates: %v, want %v", f, got, want)
			}
			if got, want := list("?start_date="+day(130), received(daysAgo(130), daysAgo(40))), sorted(code["old"]); !slices.Equal(got, want) {
				t.Errorf("%s start only: %v, want %v", f, got, want)
			}
			endDay, _ := time.ParseInLocation("2006-01-02", daysAgo(8).Format("2006-01-02"), helsinki)
			if got, want := list("?end_date="+daysAgo(8).Format("2006-01-02"), received(endDay.AddDate(0, 0, -90), endDay)), sorted(code["ideaAnswered"], code["critClosed"]); !slices.Equal(got, want) {
				t.Errorf("%s end only (date): %v, want %v", f, got, want)
			}
			if got := list("?start_date="+day(45)+"&end_date="+day(8)+"&status=open", status("open")); len(got) != 0 {
				t.Errorf("%s dates+open: %v", f, got)
			}
			// Ids: the givers' own codes, whatever their publication; other filters ignored.
			q := "?service_request_id=" + code["unpublished"] + "," + strings.ToLower(code["old"]) + ",%20" + code["objection"] + "&status=closed&service_code=idea"
			if got, want := list(q, func(sr jsonRequest) bool { return mine[sr.ServiceRequestID] }), sorted(code["unpublished"], code["old"], code["objection"]); !slices.Equal(got, want) {
				t.Errorf("%s ids: %v, want %v", f, got, want)
			}
			unknown, _ := trackcode.New()
			if got := requests(t, a.get("requests."+f+"?service_request_id="+unknown.String()), f); len(got) != 0 {
				t.Errorf("%s unknown id: %v", f, got)
			}

			// Masking in the list, and objections never expose their text.
			all := a.get("requests." + f)
			byID := a.get("requests." + f + "?service_request_id=" + code["objection"] + "," + code["objPublished"] + "," + code["critClosed"])
			single := a.get("requests/" + code["objection"] + "." + f)
			for _, r := range []resp{all, byID, single} {
				for _, leak := range []string{"131052-308T", "040 123 4567", "ObjektiSalaisuusXY"} {
					if strings.Contains(r.Body, leak) {
						t.Errorf("%s answer contains %q", f, leak)
					}
				}
			}
			for _, sr := range requests(t, byID, f) {
				switch sr.ServiceRequestID {
				case code["critClosed"]:
					if sr.Description == nil || *sr.Description != "Jono oli pitkä, hetu [HETU] ja numero [PUH]." || sr.Status != "closed" ||
						sr.StatusNotes == nil || *sr.StatusNotes != "Kiitos, asia on korjattu." {
						t.Errorf("%s masked item %+v", f, sr)
					}
				default:
					if sr.Description != nil || sr.ServiceNotice == nil || !strings.Contains(*sr.ServiceNotice, "muistutus") {
						t.Errorf("%s objection %+v", f, sr)
					}
				}
			}
			if f == "json" && !strings.Contains(single.Body, `"description":null`) {
				t.Errorf("objection description not null: %s", single.Body)
			}
			if f == "xml" && !strings.Contains(single.Body, "<description></description>") {
				t.Errorf("objection description not empty: %s", single.Body)
			}

			// Bad filters.
			for _, tc := range []struct{ q, param string }{
				{"?status=pending", "status"},
				{"?service_code=pothole", "service_code"},
				{"?start_date=yesterday", "start_date"},
				{"?end_date=2026-13-01", "end_date"},
				{"?start_date=2026-01-01&end_date=2026-06-01", "end_date"},
				{"?start_date=2026-06-01&end_date=2026-05-01", "end_date"},
				{"?service_request_id=abc", "service_request_id"},
				{"?service_request_id=,,", "service_request_id"},
				{"?service_request_id=" + strings.Repeat(unknown.String()+",", 101), "service_request_id"},
			} {
				descs := wantErrors(t, a.get("requests."+f+tc.q), f, http.StatusBadRequest)
				if !mentions(descs, tc.param) {
					t.Errorf("%s %s: %v", f, tc.q, descs)
				}
			}
			// Exactly 90 days apart is allowed.
			if r := a.get("requests." + f + "?start_date=2026-01-01&end_date=2026-04-01"); r.Status != http.StatusOK {
				t.Errorf("90 days: %d %s", r.Status, r.Body)
			}
		}
	})
}
