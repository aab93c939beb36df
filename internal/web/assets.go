package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under content-hashed URLs
// (/static/{hash}/{name}) so they can be cached for a year. The stylesheet is
// served as one bundle: the generated Suomi.fi tokens followed by ours.
type assets struct {
	files map[string][]byte // name → content
	gz    map[string][]byte // name → gzip of content, where it is smaller
	hash  map[string]string // name → short content hash
}

// bundle lists the files concatenated into kuulu.css, in order.
var cssBundle = []string{"css/tokens.css", "css/kuulu.css"}

func loadAssets() (*assets, error) {
	a := &assets{files: map[string][]byte{}, gz: map[string][]byte{}, hash: map[string]string{}}
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
		css.Write(stripCSSComments(a.files[n]))
		css.WriteByte('\n')
	}
	a.files["kuulu.css"] = css.Bytes()
	for n, b := range a.files {
		sum := sha256.Sum256(b)
		a.hash[n] = hex.EncodeToString(sum[:5])
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		if z.Len() < len(b)*9/10 {
			a.gz[n] = z.Bytes()
		}
	}
	return a, nil
}

// stripCSSComments drops /* */ comments (the documentation in our sources)
// but keeps /*! */ ones, which carry licence notices.
func stripCSSComments(b []byte) []byte {
	var out bytes.Buffer
	for {
		i := bytes.Index(b, []byte("/*"))
		if i < 0 {
			out.Write(b)
			return out.Bytes()
		}
		j := bytes.Index(b[i+2:], []byte("*/"))
		if j < 0 {
			out.Write(b)
			return out.Bytes()
		}
		end := i + 2 + j + 2
		if i+2 < len(b) && b[i+2] == '!' {
			out.Write(b[:end])
		} else {
			out.Write(b[:i])
		}
		b = b[end:]
	}
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
	w.Header().Set("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == `"`+a.hash[name]+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if z, ok := a.gz[name]; ok && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(z)))
		w.Write(z)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}
