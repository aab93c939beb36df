package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"kuulu/internal/demo"
	"kuulu/internal/domain"
	"kuulu/internal/i18n"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

// FuzzPublicFormDecode sends arbitrary bodies with arbitrary content types to
// the public form (POST /p/{slug}) through the real handler, middleware and
// all, and checks what a giver or a bot may rely on: never a 5xx or a panic;
// a 303 to the receipt exactly when one item was stored (or, for a body that
// fills the honeypot, a 303 with nothing stored); otherwise nothing stored;
// every answer valid UTF-8, and HTML when it has a body to show.
//
//	go test ./internal/web -run '^$' -fuzz '^FuzzPublicFormDecode$' -fuzztime 60s
//
// The server (SQLite in a temporary file, the demo organisation) is built
// once per fuzzing process; each input comes from an address of its own so
// that the rate limit (publicSubmitLimit per window) does not hide the
// decoding.
func FuzzPublicFormDecode(f *testing.F) {
	fz := newFormFuzzEnv(f)

	const b = "kuuluFuzzBoundary"
	mp := "multipart/form-data; boundary=" + b
	part := func(name, value string) string {
		return "--" + b + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n"
	}
	urlenc := "application/x-www-form-urlencoded"
	unit := strconv.FormatInt(fz.unitID, 10)
	valid := url.Values{"unit": {unit}, "kind": {"idea"}, "score": {"8"}, "text": {"Aulaan lisää tuoleja, hetu 131052-308T, puh. 040 123 4567."},
		"email": {"asiakas@example.fi"}, "reply_lang": {"fi"}}.Encode()
	for _, seed := range []struct{ ct, body string }{
		// Valid submissions.
		{urlenc, valid},
		{urlenc + "; charset=UTF-8", "unit=" + unit + "&kind=praise&text=Kiitos%21"},
		{urlenc, "unit=" + unit + "&kind=criticism&score=0"},
		{urlenc, "unit=" + unit + "&kind=question&score=10&text=&phone=%2B358401234567&reply_lang=sv"},
		{urlenc, "kind=idea&text=no+unit"},
		{mp, part("unit", unit) + part("kind", "idea") + part("text", "Monipuolinen palvelu") + part("score", "7") + "--" + b + "--\r\n"},
		// Field errors: empty, unknown kind, bad score, bad contact, too long.
		{urlenc, ""},
		{urlenc, "kind=nonsense&text=x"},
		{urlenc, "unit=" + unit + "&kind=idea&score=11"},
		{urlenc, "unit=" + unit + "&kind=idea&score=-1&text=x"},
		{urlenc, "unit=" + unit + "&kind=idea&score=%20007%20&text=x"},
		{urlenc, "unit=" + unit + "&kind=idea&score=9999999999999999999999&text=x"},
		{urlenc, "unit=" + unit + "&kind=idea&text=x&email=not-an-email&phone=abc"},
		{urlenc, "unit=" + unit + "&kind=idea&text=x&unit=999999"},
		{urlenc, "unit=" + unit + "&kind=idea&text=x&unit=-1&reply_lang=xx"},
		{urlenc, "unit=" + unit + "&kind=idea&text=" + strings.Repeat("a", 5001)},
		{urlenc, "unit=" + unit + "&kind=idea&text=" + strings.Repeat("%C3%A4", 5000)},
		// Oversized bodies.
		{urlenc, "unit=" + unit + "&kind=idea&text=" + strings.Repeat("b", publicMaxBody+10)},
		{mp, part("unit", unit) + part("kind", "idea") + part("text", strings.Repeat("c", publicMaxBody)) + "--" + b + "--\r\n"},
		// Duplicate fields: the first value counts.
		{urlenc, "unit=" + unit + "&kind=idea&kind=praise&text=yksi&text=kaksi&score=3&score=x"},
		{mp, part("text", "a") + part("text", "b") + part("kind", "idea") + part("kind", "nope") + "--" + b + "--\r\n"},
		// Invalid UTF-8 and NUL bytes, raw and percent-encoded.
		{urlenc, "unit=" + unit + "&kind=idea&text=%FF%FE"},
		{urlenc, "unit=" + unit + "&kind=idea&text=\xff\xfe"},
		{urlenc, "unit=" + unit + "&kind=idea&text=a%00b"},
		{urlenc, "unit=" + unit + "&kind=idea&text=a\x00b"},
		{urlenc, "kind%00=idea&te\xffxt=x"},
		{mp, part("unit", unit) + part("kind", "idea") + part("text", "bad \xc3\x28 utf8") + "--" + b + "--\r\n"},
		{mp, part("unit", unit) + part("kind", "idea") + part("text", "nul\x00byte") + "--" + b + "--\r\n"},
		// Broken encodings.
		{urlenc, "%"},
		{urlenc, "unit=" + unit + "&kind=idea&text=%zz"},
		{urlenc, "&&&==&=;;"},
		{urlenc, "kind=idea;text=semicolon"},
		{mp, "--" + b + "\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nno end"},
		{mp, "not multipart at all"},
		{"multipart/form-data", part("text", "no boundary")},
		{"multipart/form-data; boundary=", ""},
		{mp, part("upload\"; filename=\"x.txt", "a file") + part("unit", unit) + part("kind", "idea") + part("text", "with a file") + "--" + b + "--\r\n"},
		// The honeypot: answered like a success, nothing stored.
		{urlenc, "unit=" + unit + "&kind=idea&text=bot&website=http%3A%2F%2Fspam.example"},
		// Wrong or garbage content types.
		{"", valid},
		{"text/plain", valid},
		{"application/json", `{"kind":"idea","text":"x"}`},
		{"application/x-www-form-urlencoded; charset", valid},
		{"\x00\xff;;==", valid},
		{"multipart/mixed; boundary=" + b, part("text", "x") + "--" + b + "--\r\n"},
	} {
		f.Add(seed.ct, []byte(seed.body))
	}

	// The fuzzing means something only if the handler does take a good
	// submission, refuses a bad one and fools a bot: check that first.
	for _, c := range []struct {
		ct, body string
		status   int
		stored   int
	}{
		{urlenc, valid, http.StatusSeeOther, 1},
		{mp, part("unit", unit) + part("kind", "praise") + part("text", "Kiitos") + "--" + b + "--\r\n", http.StatusSeeOther, 1},
		{urlenc, "unit=" + unit + "&kind=idea&text=bot&website=x", http.StatusSeeOther, 0},
		{urlenc, "", http.StatusUnprocessableEntity, 0},
		{urlenc, "unit=" + unit + "&kind=idea&text=%FF", http.StatusBadRequest, 0},
		{"text/plain", valid, http.StatusBadRequest, 0},
		{urlenc, "text=" + strings.Repeat("b", publicMaxBody), http.StatusRequestEntityTooLarge, 0},
	} {
		before := fz.count(f)
		rec := httptest.NewRecorder()
		fz.handler.ServeHTTP(rec, fz.request(c.ct, []byte(c.body)))
		if got := fz.count(f) - before; rec.Code != c.status || got != c.stored {
			f.Fatalf("%s %.60q: status %d, %d stored; want %d, %d\n%s", c.ct, c.body, rec.Code, got, c.status, c.stored, rec.Body)
		}
	}

	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		fz.check(t, contentType, body)
	})
}

// formFuzzEnv is the server the fuzz inputs go to, built once per process.
type formFuzzEnv struct {
	db      *store.DB
	handler http.Handler
	unitID  int64 // the unit of pubSlug
	// addr counts the inputs: each comes from a client address of its own.
	addr uint32
}

func newFormFuzzEnv(tb testing.TB) *formFuzzEnv {
	tb.Helper()
	db := store.OpenTest(tb, filepath.Join(tb.TempDir(), "kuulu.db"))
	db.Clock = &domain.FixedClock{T: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	if _, err := demo.Load(context.Background(), db, demo.Options{Argon2: cheapArgon, FeedbackItems: -1}); err != nil {
		tb.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(Config{BaseURL: "http://kuulu.test", Argon2: cheapArgon}, db, cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	fz := &formFuzzEnv{db: db, handler: srv.Handler()}
	if err := db.Read(context.Background(), func(tx *store.Tx) error {
		u, err := tx.UnitBySlug(context.Background(), pubSlug)
		fz.unitID = u.ID
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return fz
}

// items is how many feedback items are stored.
func (fz *formFuzzEnv) items(t *testing.T) int {
	t.Helper()
	return fz.count(t)
}

func (fz *formFuzzEnv) count(tb testing.TB) int {
	tb.Helper()
	var n int
	if err := fz.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		_, n, err = tx.ListFeedback(context.Background(), store.FeedbackFilter{Limit: 1})
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return n
}

// fuzzRequest is one POST of the public form from its own client address.
func (fz *formFuzzEnv) request(contentType string, body []byte) *http.Request {
	fz.addr++
	a := fz.addr
	r := httptest.NewRequest(http.MethodPost, "/p/"+pubSlug+"?lang=fi", bytes.NewReader(body))
	r.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:40000", byte(a>>16), byte(a>>8), byte(a))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	return r
}

// honeypotFilled decodes body as the handler does (readPublicPost) and
// reports whether the hidden field is filled.
func honeypotFilled(contentType string, body []byte) bool {
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	if readPublicPost(httptest.NewRecorder(), r) != nil {
		return false
	}
	return r.PostForm.Get(honeypotField) != ""
}

func (fz *formFuzzEnv) check(t *testing.T, contentType string, body []byte) {
	before := fz.items(t)
	rec := httptest.NewRecorder()
	fz.handler.ServeHTTP(rec, fz.request(contentType, body)) // a panic fails the input
	after := fz.items(t)
	res := rec.Result()
	out := rec.Body.Bytes()
	desc := func() string {
		s := fmt.Sprintf("Content-Type %q, %d-byte body", contentType, len(body))
		if len(body) <= 300 {
			s += fmt.Sprintf(" %q", body)
		}
		return s
	}

	switch {
	case res.StatusCode >= 500:
		t.Fatalf("%s: status %d\n%s", desc(), res.StatusCode, out)
	case res.StatusCode == http.StatusSeeOther:
		loc := res.Header.Get("Location")
		prefix := "/p/" + pubSlug + "/kiitos/"
		u, err := url.Parse(loc)
		if err != nil {
			t.Fatalf("%s: 303 to %q: %v", desc(), loc, err)
		}
		code, err := trackcode.Parse(path.Base(u.Path))
		if err != nil {
			t.Fatalf("%s: 303 to %q, not a receipt: %v", desc(), loc, err)
		}
		switch {
		case after == before+1:
			// Stored: the receipt's code is the new item's (possibly of
			// another unit the giver chose).
			if err := fz.db.Read(context.Background(), func(tx *store.Tx) error {
				_, err := tx.FeedbackByCode(context.Background(), code.String())
				return err
			}); err != nil {
				t.Fatalf("%s: 303 to %s but its code is not stored: %v", desc(), loc, err)
			}
			if !strings.HasPrefix(loc, "/p/") || !strings.Contains(loc, "/kiitos/") {
				t.Fatalf("%s: 303 to %s, not a receipt", desc(), loc)
			}
		case after == before && honeypotFilled(contentType, body):
			// The honeypot's look-alike answer, for this unit's receipt.
			if !strings.HasPrefix(loc, prefix) {
				t.Fatalf("%s: honeypot 303 to %s", desc(), loc)
			}
		default:
			t.Fatalf("%s: 303 to %s, but the item count went %d → %d", desc(), loc, before, after)
		}
	case res.StatusCode >= 400 && res.StatusCode < 500:
		if after != before {
			t.Fatalf("%s: status %d, but the item count went %d → %d", desc(), res.StatusCode, before, after)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("%s: status %d with Content-Type %q, want HTML", desc(), res.StatusCode, ct)
		}
		if !bytes.Contains(out, []byte("</html>")) {
			t.Fatalf("%s: status %d, the body is not a whole HTML page:\n%s", desc(), res.StatusCode, out)
		}
		if res.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("%s: rate-limited although each input has its own address", desc())
		}
	default:
		t.Fatalf("%s: status %d, want 303 or a 4xx", desc(), res.StatusCode)
	}
	if !utf8.Valid(out) {
		t.Fatalf("%s: status %d, response is not valid UTF-8", desc(), res.StatusCode)
	}
}
