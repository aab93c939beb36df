package web

import (
	"bytes"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

func TestPosterAndQR(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		r := c.get("/p/" + pubSlug + "/juliste?lang=fi")
		if r.Status != http.StatusOK {
			t.Fatalf("poster: %d", r.Status)
		}
		for _, want := range []string{`class="poster"`, "Kajaanin terveysasema", `<p class="poster-link">kuulu.test/p/` + pubSlug + `</p>`,
			`src="/p/` + pubSlug + `/qr.png"`, `lang="fi"`, `lang="sv"`, `lang="en"`, "Berätta hur vi lyckades", "Tell us how we did"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("poster lacks %q", want)
			}
		}
		q := c.get("/p/" + pubSlug + "/qr.png")
		if q.Status != http.StatusOK || q.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(q.Header.Get("Cache-Control"), "public, max-age=") {
			t.Fatalf("qr: %d %v", q.Status, q.Header)
		}
		if !bytes.HasPrefix([]byte(q.Body), []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatal("qr.png is not a PNG")
		}
		cfg, err := png.DecodeConfig(strings.NewReader(q.Body))
		if err != nil || cfg.Width != cfg.Height || cfg.Width < 21*8 {
			t.Fatalf("qr.png header: %+v %v", cfg, err)
		}
		img, err := png.Decode(strings.NewReader(q.Body))
		if err != nil {
			t.Fatal(err)
		}
		// The quiet zone is white and the finder pattern's corner is black.
		if r, _, _, _ := img.At(0, 0).RGBA(); r != 0xffff {
			t.Error("no white quiet zone")
		}
		if r, _, _, _ := img.At(4*8, 4*8).RGBA(); r != 0 {
			t.Error("no finder pattern at the top left")
		}
		req, _ := http.NewRequest("GET", e.ts.URL+"/p/"+pubSlug+"/qr.png", nil)
		req.Header.Set("If-None-Match", q.Header.Get("ETag"))
		if r := c.do(req); r.Status != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", r.Status)
		}
		if r := c.get("/p/no-such-unit/qr.png"); r.Status != http.StatusNotFound {
			t.Errorf("unknown unit qr: %d", r.Status)
		}
		if r := c.get("/p/no-such-unit/juliste"); r.Status != http.StatusNotFound {
			t.Errorf("unknown unit poster: %d", r.Status)
		}
	})
}
