package web

import (
	"bytes"
	"net/http"
	"sync"
	"time"
)

// pageCache keeps the rendered bytes of public pages that are the same for
// every visitor (the empty feedback form of a unit in one language) for a
// few seconds (10 s as wired in New). Under load most requests for such a page are then a map
// lookup instead of four queries and a template; a change to a unit shows
// within the TTL. It holds nothing that matters: an instance that loses it
// renders again.
type pageCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cachedPage
}

type cachedPage struct {
	status int
	header http.Header
	body   []byte
	at     time.Time
}

func newPageCache(ttl time.Duration) *pageCache {
	return &pageCache{ttl: ttl, m: map[string]cachedPage{}}
}

// serve answers from the cache when it holds a fresh copy of key; otherwise
// it calls render with a recorder, stores a 200 answer and writes it.
func (c *pageCache) serve(w http.ResponseWriter, key string, render func(w http.ResponseWriter) error) error {
	now := time.Now()
	c.mu.Lock()
	p, ok := c.m[key]
	c.mu.Unlock()
	if !ok || now.Sub(p.at) > c.ttl {
		rec := &recorder{header: http.Header{}}
		if err := render(rec); err != nil {
			return err
		}
		p = cachedPage{status: rec.status, header: rec.header, body: rec.body.Bytes(), at: now}
		if p.status == 0 {
			p.status = http.StatusOK
		}
		if p.status == http.StatusOK {
			c.mu.Lock()
			if len(c.m) > 1000 { // bounded: a flood of slugs cannot grow it without limit
				clear(c.m)
			}
			c.m[key] = p
			c.mu.Unlock()
		}
	}
	for k, v := range p.header {
		w.Header()[k] = v
	}
	w.WriteHeader(p.status)
	_, err := w.Write(p.body)
	return err
}

// recorder is a ResponseWriter that keeps what is written.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(s int) {
	if r.status == 0 {
		r.status = s
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
