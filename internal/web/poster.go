package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"rsc.io/qr"

	"kuulu/internal/auth"
	"kuulu/internal/org"
)

// The unit's poster: a printable A4 page with the unit's name, a QR code that
// opens the unit's feedback form, the short link in large type and a
// one-line invitation in Finnish, Swedish and English. Units print it and put
// it up where clients wait.

// qrMaxAge is how long browsers and proxies may cache a QR image. The image
// depends only on the base URL and the slug; the ETag catches changes.
const qrMaxAge = 24 * 60 * 60

func (s *Server) posterRoutes(r *Router) {
	r.Handle("GET /p/{slug}/juliste", auth.Public, s.poster)
	r.Handle("GET /p/{slug}/qr.png", auth.Public, s.posterQR)
}

// shortLink is the unit's public form address.
func (s *Server) shortLink(slug string) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + "/p/" + slug
}

// shortLinkText is the short link as people type it: without the scheme.
func shortLinkText(link string) string {
	_, rest, ok := strings.Cut(link, "://")
	if !ok {
		return link
	}
	return rest
}

type posterPage struct {
	Unit     org.Unit
	Link     string // full URL, encoded in the QR code
	LinkText string // the same without https://
	QRURL    string
	FormURL  string
}

func (s *Server) poster(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pathUnit(r)
	if err != nil {
		return err
	}
	link := s.shortLink(u.Slug)
	s.render(w, r, http.StatusOK, "public/poster.html", posterPage{Unit: u, Link: link, LinkText: shortLinkText(link),
		QRURL: "/p/" + u.Slug + "/qr.png", FormURL: "/p/" + u.Slug + langQuery(r)})
	return nil
}

// posterQR serves the QR code of the unit's short link as a PNG (8 pixels
// per module, with the quiet zone), cacheable for qrMaxAge.
func (s *Server) posterQR(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pathUnit(r)
	if err != nil {
		return err
	}
	link := s.shortLink(u.Slug)
	sum := sha256.Sum256([]byte(link))
	etag := `"qr-` + hex.EncodeToString(sum[:8]) + `"`
	h := w.Header()
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(qrMaxAge))
	h.Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	code, err := qr.Encode(link, qr.M)
	if err != nil {
		return err
	}
	png := code.PNG()
	h.Set("Content-Type", "image/png")
	h.Set("Content-Length", strconv.Itoa(len(png)))
	w.Write(png)
	return nil
}
