package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kuulu/internal/conversation"
	"kuulu/internal/polis"
)

// The opinion map: a server-rendered SVG of the latest analysis.
// Participants are points at their place on the two principal components;
// opinion groups are shaded convex hulls, each with its own fill pattern,
// outline dash and point shape as well as colour and a letter (A, B, …) so
// that no group is told apart by colour alone; statements are optionally
// numbered markers where a participant who agreed with only that statement
// would be; the viewer's own position is ringed and labelled. The SVG has
// role="img" with a <title> and <desc>, and the page follows it with the
// map in words (each group's size and what it agreed and disagreed with).

// mapStyle is one group's look.
type mapStyle struct {
	Color   string // stroke, points (at least 4.5:1 on white)
	Pattern string // name of the fill pattern
	Dash    string // hull outline stroke-dasharray ("" solid)
	Shape   string // point shape
}

// mapStyles cycle over the groups (Polis makes at most five).
var mapStyles = []mapStyle{
	{"#0b5e9e", "diagonal", "", "circle"},
	{"#a34000", "dots", "8 4", "square"},
	{"#17704a", "horizontal", "2 3", "triangle"},
	{"#7d2a63", "crosshatch", "10 3 2 3", "diamond"},
	{"#5a5200", "vertical", "14 4", "cross"},
}

func styleOf(i int) mapStyle { return mapStyles[i%len(mapStyles)] }

// mapPoint is a participant on the map.
type mapPoint struct {
	ID    int64
	X, Y  float64
	Group int // group id, −1 when not in a group
}

// mapParticipants returns every participant of the result with their
// place and group. A result without participant positions (Polis's own
// JSON) places each clustered participant at its base cluster's centre.
func mapParticipants(r *polis.Result) []mapPoint {
	if r == nil {
		return nil
	}
	if len(r.Participants) > 0 {
		out := make([]mapPoint, len(r.Participants))
		for i, p := range r.Participants {
			g := p.Group
			if !p.InConv {
				g = -1
			}
			out[i] = mapPoint{ID: p.ID, X: p.X, Y: p.Y, Group: g}
		}
		return out
	}
	groupOfBase := map[int]int{}
	for _, g := range r.GroupClusters {
		for _, b := range g.Members {
			groupOfBase[b] = g.ID
		}
	}
	var out []mapPoint
	bc := r.BaseClusters
	for i, id := range bc.ID {
		if i >= len(bc.Members) || i >= len(bc.X) || i >= len(bc.Y) {
			break
		}
		g, ok := groupOfBase[id]
		if !ok {
			g = -1
		}
		for _, m := range bc.Members[i] {
			out = append(out, mapPoint{ID: m, X: bc.X[i], Y: bc.Y[i], Group: g})
		}
	}
	return out
}

// mapStatement is a statement marker.
type mapStatement struct {
	ID   int64
	No   int // its number on the map and in the list under it
	X, Y float64
	Text string
	Lang string
}

// mapInput is what the map is drawn from.
type mapInput struct {
	A          *convAnalysis
	Viewer     int64 // the viewer's participant id, 0 if none
	Statements []mapStatement
	Title      string
	Desc       string
	YouLabel   string
}

// mapXY is a point in map coordinates or on the canvas.
type mapXY struct{ X, Y float64 }

// convexHull returns the convex hull of pts in counter-clockwise order
// (Andrew's monotone chain), without repeated points; fewer than three
// distinct points are returned as they are.
func convexHull(pts []mapXY) []mapXY {
	p := slices.Clone(pts)
	slices.SortFunc(p, func(a, b mapXY) int {
		if a.X != b.X {
			if a.X < b.X {
				return -1
			}
			return 1
		}
		switch {
		case a.Y < b.Y:
			return -1
		case a.Y > b.Y:
			return 1
		}
		return 0
	})
	p = slices.Compact(p)
	if len(p) < 3 {
		return p
	}
	cross := func(o, a, b mapXY) float64 { return (a.X-o.X)*(b.Y-o.Y) - (a.Y-o.Y)*(b.X-o.X) }
	hull := make([]mapXY, 0, 2*len(p))
	for _, q := range p { // lower hull
		for len(hull) >= 2 && cross(hull[len(hull)-2], hull[len(hull)-1], q) <= 0 {
			hull = hull[:len(hull)-1]
		}
		hull = append(hull, q)
	}
	lower := len(hull) + 1
	for i := len(p) - 2; i >= 0; i-- { // upper hull
		q := p[i]
		for len(hull) >= lower && cross(hull[len(hull)-2], hull[len(hull)-1], q) <= 0 {
			hull = hull[:len(hull)-1]
		}
		hull = append(hull, q)
	}
	return hull[:len(hull)-1]
}

// Canvas size and margin, in SVG user units.
const (
	mapW, mapH, mapPad = 720.0, 480.0, 48.0
)

// commentScale shrinks the statement markers' positions (which can lie far
// outside the participants) so that the farthest is as far from the centre
// as the farthest participant; directions are kept.
func commentScale(pts []mapPoint, sts []mapStatement) float64 {
	var maxP, maxC float64
	for _, p := range pts {
		maxP = math.Max(maxP, math.Hypot(p.X, p.Y))
	}
	for _, s := range sts {
		maxC = math.Max(maxC, math.Hypot(s.X, s.Y))
	}
	if maxC == 0 || maxP == 0 || maxC <= maxP {
		return 1
	}
	return maxP / maxC
}

// mapSVG draws the map.
func mapSVG(in mapInput) template.HTML {
	a := in.A
	pts := mapParticipants(a.Result)
	scale := commentScale(pts, in.Statements)
	// The bounding box of everything drawn, in map coordinates.
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	grow := func(x, y float64) {
		minX, maxX, minY, maxY = math.Min(minX, x), math.Max(maxX, x), math.Min(minY, y), math.Max(maxY, y)
	}
	for _, p := range pts {
		grow(p.X, p.Y)
	}
	for _, s := range in.Statements {
		grow(s.X*scale, s.Y*scale)
	}
	if math.IsInf(minX, 0) {
		minX, maxX, minY, maxY = -1, 1, -1, 1
	}
	rx, ry := math.Max(maxX-minX, 1e-9), math.Max(maxY-minY, 1e-9)
	k := math.Min((mapW-2*mapPad)/rx, (mapH-2*mapPad)/ry)
	if maxX-minX < 1e-9 && maxY-minY < 1e-9 {
		k = 1
	}
	cx, cy := (minX+maxX)/2, (minY+maxY)/2
	at := func(x, y float64) mapXY { return mapXY{mapW/2 + (x-cx)*k, mapH/2 - (y-cy)*k} }

	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="opinion-map" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="map-title map-desc" focusable="false">`,
		mapW, mapH, mapW, mapH)
	fmt.Fprintf(&b, `<title id="map-title">%s</title><desc id="map-desc">%s</desc>`, esc(in.Title), esc(in.Desc))
	b.WriteString(`<defs>`)
	for i := range a.Groups {
		writePattern(&b, i, "om-pat-"+strconv.Itoa(i))
	}
	b.WriteString(`</defs>`)
	fmt.Fprintf(&b, `<rect x="0.5" y="0.5" width="%.0f" height="%.0f" fill="#ffffff" stroke="#8c8c8c"/>`, mapW-1, mapH-1)
	// Axes through the centre of the opinion space.
	o := at(0, 0)
	if o.X > 0 && o.X < mapW {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="0" x2="%.1f" y2="%.0f" stroke="#d0d0d0" stroke-width="1"/>`, o.X, o.X, mapH)
	}
	if o.Y > 0 && o.Y < mapH {
		fmt.Fprintf(&b, `<line x1="0" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#d0d0d0" stroke-width="1"/>`, o.Y, mapW, o.Y)
	}
	// Group hulls: a padded tint underneath, the patterned hull with its outline on top.
	for i, g := range a.Groups {
		st := styleOf(i)
		var members []mapXY
		for _, p := range pts {
			if p.Group == g.ID {
				members = append(members, at(p.X, p.Y))
			}
		}
		hull := convexHull(members)
		if len(hull) == 0 {
			continue
		}
		fmt.Fprintf(&b, `<g class="group" data-group="%s">`, g.Letter)
		if len(hull) == 1 {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="18" fill="%s" fill-opacity="0.12" stroke="%s" stroke-width="2"%s/>`,
				hull[0].X, hull[0].Y, st.Color, st.Color, dashAttr(st.Dash))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="18" fill="url(#om-pat-%d)"/>`, hull[0].X, hull[0].Y, i)
		} else {
			pointsAttr := polyPoints(hull)
			fmt.Fprintf(&b, `<polygon points="%s" fill="%s" fill-opacity="0.12" stroke="%s" stroke-opacity="0.12" stroke-width="32" stroke-linejoin="round"/>`,
				pointsAttr, st.Color, st.Color)
			fmt.Fprintf(&b, `<polygon points="%s" fill="url(#om-pat-%d)" stroke="%s" stroke-width="2" stroke-linejoin="round"%s/>`,
				pointsAttr, i, st.Color, dashAttr(st.Dash))
		}
		b.WriteString(`</g>`)
	}
	// Participants: those not in a group first (grey rings), then each group's shape.
	gi := map[int]int{}
	for i, g := range a.Groups {
		gi[g.ID] = i
	}
	for _, p := range pts {
		if _, ok := gi[p.Group]; !ok {
			q := at(p.X, p.Y)
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="#ffffff" stroke="#6b6b6b" stroke-width="1.5"/>`, q.X, q.Y)
		}
	}
	for _, p := range pts {
		if i, ok := gi[p.Group]; ok {
			q := at(p.X, p.Y)
			b.WriteString(shapeAt(styleOf(i), q, 5))
		}
	}
	// Statements.
	for _, s := range in.Statements {
		q := at(s.X*scale, s.Y*scale)
		fmt.Fprintf(&b, `<g class="statement"><title>%d: %s</title>`, s.No, esc(s.Text))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="20" height="16" rx="3" fill="#ffffff" stroke="#1f1f1f" stroke-width="1"/>`, q.X-10, q.Y-8)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" dominant-baseline="central" fill="#1f1f1f">%d</text></g>`, q.X, q.Y, s.No)
	}
	// Group letters at the group centres, on a white halo.
	for i, g := range a.Groups {
		c := a.Result.GroupClusters[slices.IndexFunc(a.Result.GroupClusters, func(gc polis.GroupCluster) bool { return gc.ID == g.ID })].Center
		q := at(c[0], c[1])
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="26" font-weight="700" text-anchor="middle" dominant-baseline="central" fill="%s" stroke="#ffffff" stroke-width="6" paint-order="stroke">%s</text>`,
			q.X, q.Y, styleOf(i).Color, g.Letter)
	}
	// The viewer.
	if in.Viewer != 0 {
		for _, p := range pts {
			if p.ID != in.Viewer {
				continue
			}
			q := at(p.X, p.Y)
			fmt.Fprintf(&b, `<g class="you"><circle cx="%.1f" cy="%.1f" r="11" fill="none" stroke="#ffffff" stroke-width="6"/>`, q.X, q.Y)
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="11" fill="none" stroke="#000000" stroke-width="3"/>`, q.X, q.Y)
			anchor, dx := "start", 16.0
			if q.X > mapW-100 {
				anchor, dx = "end", -16
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="16" font-weight="700" text-anchor="%s" dominant-baseline="central" fill="#000000" stroke="#ffffff" stroke-width="5" paint-order="stroke">%s</text></g>`,
				q.X+dx, q.Y, anchor, esc(in.YouLabel))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func dashAttr(d string) string {
	if d == "" {
		return ""
	}
	return ` stroke-dasharray="` + d + `"`
}

func polyPoints(pts []mapXY) string {
	parts := make([]string, len(pts))
	for i, p := range pts {
		parts[i] = strconv.FormatFloat(p.X, 'f', 1, 64) + "," + strconv.FormatFloat(p.Y, 'f', 1, 64)
	}
	return strings.Join(parts, " ")
}

// writePattern defines group i's fill pattern with the given id.
func writePattern(b *strings.Builder, i int, id string) {
	st := styleOf(i)
	c := st.Color
	fmt.Fprintf(b, `<pattern id="%s" patternUnits="userSpaceOnUse" width="10" height="10">`, id)
	switch st.Pattern {
	case "diagonal":
		fmt.Fprintf(b, `<path d="M-2,2 l4,-4 M0,10 l10,-10 M8,12 l4,-4" stroke="%s" stroke-width="1.5" stroke-opacity="0.55"/>`, c)
	case "dots":
		fmt.Fprintf(b, `<circle cx="5" cy="5" r="1.8" fill="%s" fill-opacity="0.6"/>`, c)
	case "horizontal":
		fmt.Fprintf(b, `<path d="M0,5 h10" stroke="%s" stroke-width="1.5" stroke-opacity="0.55"/>`, c)
	case "crosshatch":
		fmt.Fprintf(b, `<path d="M0,0 l10,10 M10,0 l-10,10" stroke="%s" stroke-width="1" stroke-opacity="0.55"/>`, c)
	default: // vertical
		fmt.Fprintf(b, `<path d="M5,0 v10" stroke="%s" stroke-width="1.5" stroke-opacity="0.55"/>`, c)
	}
	b.WriteString(`</pattern>`)
}

// shapeAt draws a participant of a group: the group's shape in its colour
// with a thin white edge so that overlapping points stay apart.
func shapeAt(st mapStyle, q mapXY, r float64) string {
	edge := ` stroke="#ffffff" stroke-width="1"`
	switch st.Shape {
	case "square":
		return fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"%s/>`, q.X-r*0.9, q.Y-r*0.9, 1.8*r, 1.8*r, st.Color, edge)
	case "triangle":
		return fmt.Sprintf(`<path d="M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f Z" fill="%s"%s/>`, q.X, q.Y-1.2*r, q.X+1.1*r, q.Y+0.8*r, q.X-1.1*r, q.Y+0.8*r, st.Color, edge)
	case "diamond":
		return fmt.Sprintf(`<path d="M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1f Z" fill="%s"%s/>`, q.X, q.Y-1.2*r, q.X+1.2*r, q.Y, q.X, q.Y+1.2*r, q.X-1.2*r, q.Y, st.Color, edge)
	case "cross":
		return fmt.Sprintf(`<path d="M%.1f,%.1f L%.1f,%.1f M%.1f,%.1f L%.1f,%.1f" stroke="%s" stroke-width="2.5"/>`, q.X-r, q.Y-r, q.X+r, q.Y+r, q.X+r, q.Y-r, q.X-r, q.Y+r, st.Color)
	}
	return fmt.Sprintf(`<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"%s/>`, q.X, q.Y, r, st.Color, edge)
}

// legendSwatch is a small picture of a group's look for the legend
// (decorative: the legend's text names the group).
func legendSwatch(i int) template.HTML {
	st := styleOf(i)
	var b strings.Builder
	b.WriteString(`<svg class="map-swatch" viewBox="0 0 40 24" width="40" height="24" aria-hidden="true" focusable="false"><defs>`)
	writePattern(&b, i, "om-sw-"+strconv.Itoa(i))
	b.WriteString(`</defs>`)
	fmt.Fprintf(&b, `<rect x="1" y="1" width="38" height="22" fill="%s" fill-opacity="0.12"/>`, st.Color)
	fmt.Fprintf(&b, `<rect x="1" y="1" width="38" height="22" fill="url(#om-sw-%d)" stroke="%s" stroke-width="2"%s/>`, i, st.Color, dashAttr(st.Dash))
	b.WriteString(shapeAt(st, mapXY{20, 12}, 5))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// ---- the map pages ----

type mapPage struct {
	A              *convAnalysis
	Admin          bool
	SVG            template.HTML
	Legend         []mapLegendItem
	Statements     []mapStatement
	ShowStatements bool
	ToggleURL      string
	ReportURL      string
	ConvURL        string
	ReportOn       bool
	// The viewer: a participant (IsParticipant), in a group (ViewerGroup)?
	IsParticipant bool
	ViewerGroup   string
}

type mapLegendItem struct {
	Letter string
	Size   int
	Swatch template.HTML
}

func (h *convAdmin) adminMap(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	return h.renderMap(w, r, c, true, 0)
}

// publicMap shows the map to a participant who has answered enough
// statements (conversation.MinVotesForMap, or all when there are fewer),
// to everyone once the report is public, and to coordinators.
func (h *convAdmin) publicMap(w http.ResponseWriter, r *http.Request) error {
	c, err := h.convBySlug(r)
	if err != nil {
		return err
	}
	p, answered, total, err := h.viewer(r, c)
	if err != nil {
		return err
	}
	var viewer int64
	if p != nil {
		viewer = p.ID
	}
	reportOn := c.ReportVisible(h.s.clock.Now())
	if !reportOn && !isCoordinator(r) && (p == nil || answered < answersForMap(total)) {
		d := gatePage{Conv: c, What: "map", Need: answersForMap(total) - answered}
		if c.Identification == conversation.Identified && requestInfo(r).Person == nil {
			d.NeedLogin = true
		}
		return h.renderGate(w, r, d)
	}
	return h.renderMap(w, r, c, false, viewer)
}

func (h *convAdmin) renderMap(w http.ResponseWriter, r *http.Request, c conversation.Conversation, admin bool, viewer int64) error {
	a, err := h.analysis(r.Context(), c, false)
	if err != nil {
		return err
	}
	lang := requestInfo(r).Lang
	T := func(key string, args ...any) string { return h.s.cat.T(lang, key, args...) }
	lq := langQuery(r)
	d := mapPage{A: a, Admin: admin, ShowStatements: r.URL.Query().Get("statements") == "1", ReportOn: c.ReportVisible(h.s.clock.Now())}
	self := convPublicPath(c) + "/kartta"
	d.ReportURL, d.ConvURL = convPublicPath(c)+"/raportti"+lq, convPublicPath(c)+lq
	if admin {
		self, d.ReportURL, d.ConvURL = convAdminPath(c.ID)+"/map", convAdminPath(c.ID)+"/report", convAdminPath(c.ID)
		d.ReportOn = true
	}
	if d.ShowStatements {
		d.ToggleURL = self + lq
	} else {
		d.ToggleURL = self + lq + "&statements=1"
	}
	d.ToggleURL += "#map"
	if a.Result == nil {
		h.s.render(w, r, http.StatusOK, "conversation_report/map.html", d)
		return nil
	}
	if d.ShowStatements {
		pos := map[int64]int{}
		for k, tid := range a.Result.TIDs {
			pos[tid] = k
		}
		proj := a.Result.PCA.CommentProjection
		for _, s := range a.Shown {
			k, ok := pos[s.ID]
			if !ok || len(proj) < 2 || k >= len(proj[0]) || k >= len(proj[1]) {
				continue
			}
			d.Statements = append(d.Statements, mapStatement{ID: s.ID, No: len(d.Statements) + 1, X: proj[0][k], Y: proj[1][k], Text: s.Text, Lang: s.Lang})
		}
	}
	if viewer != 0 {
		for _, p := range mapParticipants(a.Result) {
			if p.ID == viewer {
				d.IsParticipant = true
				if i := a.groupIndex(p.Group); i >= 0 {
					d.ViewerGroup = a.Groups[i].Letter
				}
			}
		}
	}
	var desc []string
	desc = append(desc, T("convmap.desc.points", a.Voters))
	if len(a.Groups) > 0 {
		var gs []string
		for _, g := range a.Groups {
			gs = append(gs, T("convmap.desc.group", g.Letter, g.Size))
		}
		desc = append(desc, T("convmap.desc.groups", len(a.Groups), strings.Join(gs, ", ")))
	}
	if d.IsParticipant {
		desc = append(desc, T("convmap.desc.you"))
	}
	desc = append(desc, T("convmap.desc.below"))
	for i, g := range a.Groups {
		d.Legend = append(d.Legend, mapLegendItem{Letter: g.Letter, Size: g.Size, Swatch: legendSwatch(i)})
	}
	in := mapInput{A: a, Statements: d.Statements, Title: T("convmap.svg_title", c.Topic.In(lang)), Desc: strings.Join(desc, " "), YouLabel: T("convmap.you")}
	if d.IsParticipant {
		in.Viewer = viewer
	}
	d.SVG = mapSVG(in)
	h.s.render(w, r, http.StatusOK, "conversation_report/map.html", d)
	return nil
}
