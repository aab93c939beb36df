package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"kuulu/internal/domain"
	"kuulu/internal/store"
)

type storeTx = store.Tx

func unitFilterIDs(ids []int64) store.UnitFilter { return store.UnitFilter{IDs: ids} }

// pathID parses a numeric path value; a malformed id is simply not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.NotFound(name, r.PathValue(name))
	}
	return id, nil
}

// parseForm reads a urlencoded or multipart form; a malformed body is the
// client's error (400), an oversized one 413.
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		if e := normalise(err); e.Code == domain.ETOOLARGE {
			return e
		}
		return &domain.Error{Code: domain.EINVALID, Key: "err.bad_form", Message: err.Error()}
	}
	for _, vs := range r.PostForm {
		for _, v := range vs {
			if !validText(v) {
				return &domain.Error{Code: domain.EINVALID, Key: "err.bad_encoding", Message: "invalid UTF-8 in form"}
			}
		}
	}
	return nil
}

func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// audit writes an audit entry for the request's person in tx.
func (s *Server) audit(r *http.Request, tx *store.Tx, action, objType string, objID any, detail string) error {
	info := requestInfo(r)
	e := store.AuditEntry{Action: action, ObjectType: objType, ObjectID: toString(objID), Detail: detail, IP: info.IP, RequestID: info.ID}
	if info.Person != nil {
		e.ActorID, e.ActorName = info.Person.ID, info.Person.Name
	}
	return tx.Audit(r.Context(), e)
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case nil:
		return ""
	}
	return ""
}

// redirect sends the browser on after a successful POST (post/redirect/get).
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func itoa(i int) string { return strconv.Itoa(i) }
