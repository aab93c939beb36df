package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under content-hashed URLs
// (/static/{hash}/{name}) so they can be cached for a year. The stylesheet is
// served as one bundle: the generated Suomi.fi tokens followed by ours.
type assets struct {
	files map[string][]byte // name → content
	hash  map[string]string // name → short content hash
}

// bundle lists the files concatenated into kuulu.css, in order.
var cssBundle = []string{"css/tokens.css", "css/kuulu.css"}

func loadAssets() (*assets, error) {
	a := &assets{files: map[string][]byte{}, hash: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		a.files[strings.TrimPrefix(p, "static/")] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	var css bytes.Buffer
	for _, n := range cssBundle {
		css.Write(a.files[n])
		css.WriteByte('\n')
	}
	a.files["kuulu.css"] = css.Bytes()
	for n, b := range a.files {
		sum := sha256.Sum256(b)
		a.hash[n] = hex.EncodeToString(sum[:5])
	}
	return a, nil
}

// url returns the content-hashed URL of a static file.
func (a *assets) url(name string) string {
	return "/static/" + a.hash[name] + "/" + name
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/static/")
	hash, name, ok := strings.Cut(rest, "/")
	b, found := a.files[name]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	if hash == a.hash[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+a.hash[name]+`"`)
	if r.Header.Get("If-None-Match") == `"`+a.hash[name]+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(b)
}
