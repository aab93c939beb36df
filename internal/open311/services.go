package open311

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// ServiceKinds are the services: the kinds a giver chooses on the public
// form, and accessibility feedback (about Kuulu's own accessibility).
var ServiceKinds = append(slices.Clone(feedback.Kinds), feedback.KindAccessibility)

// The attribute codes of every service.
const (
	AttrUnit  = "unit"
	AttrScore = "score"
)

// serviceKind returns the kind a service_code names.
func serviceKind(code string) (feedback.Kind, bool) {
	for _, k := range ServiceKinds {
		if string(k) == code {
			return k, true
		}
	}
	return "", false
}

func (a *API) serviceName(l domain.Lang, k feedback.Kind) string {
	return a.cat.T(l, "open311.service."+string(k)+".name")
}

// services answers GET services.{fmt}.
func (a *API) services(w http.ResponseWriter, r *http.Request, f format, l domain.Lang) {
	out := make([]Service, 0, len(ServiceKinds))
	for _, k := range ServiceKinds {
		out = append(out, Service{
			ServiceCode: string(k),
			ServiceName: a.serviceName(l, k),
			Description: a.cat.T(l, "open311.service."+string(k)+".description"),
			Metadata:    true,
			Type:        "realtime",
			Keywords:    a.cat.T(l, "open311.service."+string(k)+".keywords"),
			Group:       "feedback",
		})
	}
	body, ct, err := encode(f, out, servicesDoc{Services: out})
	if err != nil {
		a.failInternal(w, r, f, l, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	write(w, http.StatusOK, body, ct)
}

// serveServiceDefinition answers GET services/{service_code}.{fmt}: the unit
// (required, the active units) and the recommendation score (optional, 0–10).
func (a *API) serveServiceDefinition(w http.ResponseWriter, r *http.Request) {
	code, f, ok := splitFile(r.PathValue("file"))
	l := locale(r)
	if !ok {
		a.fail(w, r, formatJSON, l, errNotFound)
		return
	}
	k, ok := serviceKind(code)
	if !ok {
		a.fail(w, r, f, l, errParam(http.StatusNotFound, "service_code", "open311.err.service_code_unknown", clip(code)))
		return
	}
	var units []org.Unit
	if err := a.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		units, err = tx.Units(r.Context(), store.UnitFilter{ActiveOnly: true})
		return err
	}); err != nil {
		a.failInternal(w, r, f, l, err)
		return
	}
	slices.SortStableFunc(units, func(x, y org.Unit) int {
		return strings.Compare(strings.ToLower(x.Name.In(l)), strings.ToLower(y.Name.In(l)))
	})
	unitValues := make([]Value, 0, len(units))
	for _, u := range units {
		unitValues = append(unitValues, Value{Key: u.Slug, Name: u.Name.In(l)})
	}
	scoreValues := make([]Value, 0, 11)
	for i := 0; i <= 10; i++ {
		name := strconv.Itoa(i)
		switch i {
		case 0:
			name = a.cat.T(l, "open311.score.low", i)
		case 10:
			name = a.cat.T(l, "open311.score.high", i)
		}
		scoreValues = append(scoreValues, Value{Key: strconv.Itoa(i), Name: name})
	}
	def := ServiceDefinition{ServiceCode: string(k), Attributes: []Attribute{
		{Variable: true, Code: AttrUnit, Datatype: "singlevaluelist", Required: true, Order: 1,
			Description: a.cat.T(l, "open311.attr.unit"), Values: unitValues},
		{Variable: true, Code: AttrScore, Datatype: "singlevaluelist", Required: false, Order: 2,
			Description: a.cat.T(l, "open311.attr.score"), Values: scoreValues},
	}}
	body, ct, err := encode(f, def, def)
	if err != nil {
		a.failInternal(w, r, f, l, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	write(w, http.StatusOK, body, ct)
}
