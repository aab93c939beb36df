package web

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"
)

// pageCache keeps the rendered bytes of public pages that are the same for
// every anonymous visitor (the empty feedback form of a unit in one
// language) for a few seconds. Under load most requests for such a page are
// then a map lookup instead of four queries and a template.
//
// A copy younger than ttl is served as it is. A copy older than ttl but
// younger than stale is still served, and one request starts rendering a
// fresh copy in the background, so that no visitor waits for a render while
// the database is busy (stale-while-revalidate). Older copies are rendered
// while the visitor waits. A change to a unit or a setting made through
// this instance shows at once (gen); one made through another instance
// shows to the second visitor after ttl.
//
// It holds nothing that matters: an instance that loses it renders again.
type pageCache struct {
	ttl, stale time.Duration
	now        func() time.Time
	// gen, when set, changes whenever what the pages are built from
	// changed through this instance (store.DB.LookupGeneration): copies of
	// an older generation are never served.
	gen func() uint64

	mu sync.Mutex
	m  map[string]*cachedPage
	wg sync.WaitGroup // background refreshes (tests wait for them)
}

type cachedPage struct {
	status     int
	header     http.Header
	body       []byte
	at         time.Time
	gen        uint64
	refreshing bool
}

// maxCachedPages bounds the cache: a flood of made-up slugs cannot grow it
// without limit (unknown slugs are 404s, which are never kept, anyway).
const maxCachedPages = 1000

func newPageCache(ttl, stale time.Duration) *pageCache {
	return &pageCache{ttl: ttl, stale: stale, now: time.Now, m: map[string]*cachedPage{}}
}

// renderFunc writes a page for r to w.
type renderFunc func(w http.ResponseWriter, r *http.Request) error

// serve answers r from the cache when it holds a usable copy of key;
// otherwise it renders with a recorder, keeps a 200 answer and writes it.
// Requests of a signed-in person are always rendered and never kept: their
// pages carry the person's name.
func (c *pageCache) serve(w http.ResponseWriter, r *http.Request, key string, render renderFunc) error {
	if requestInfo(r).Person != nil {
		return render(w, r)
	}
	now := c.now()
	gen := c.generation()
	c.mu.Lock()
	p := c.m[key]
	var copy cachedPage
	usable, refresh := false, false
	if p != nil && p.gen == gen {
		age := now.Sub(p.at)
		usable = age <= c.stale
		if usable && age > c.ttl && !p.refreshing {
			p.refreshing, refresh = true, true
		}
		copy = *p
	}
	c.mu.Unlock()
	if refresh {
		// The refresh outlives this request: it keeps a copy of the
		// request's information (language, request id) but not its
		// cancellation.
		info := *requestInfo(r)
		ctx := context.WithValue(context.WithoutCancel(r.Context()), ctxKey{}, &info)
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		rr := r.WithContext(ctx)
		c.wg.Go(func() {
			defer cancel()
			c.fill(key, rr, render)
		})
	}
	if !usable {
		fresh, err := c.fill(key, r, render)
		if err != nil {
			return err
		}
		copy = fresh
	}
	for k, v := range copy.header {
		w.Header()[k] = v
	}
	w.WriteHeader(copy.status)
	_, err := w.Write(copy.body)
	return err
}

// fill renders key and keeps the answer when it is a 200. After an error
// or another status nothing is kept for key: a unit that went away no
// longer has a form, and after a failure the next request renders anew.
func (c *pageCache) fill(key string, r *http.Request, render renderFunc) (cachedPage, error) {
	at, gen := c.now(), c.generation()
	rec := &recorder{header: http.Header{}}
	if err := render(rec, r); err != nil {
		c.mu.Lock()
		delete(c.m, key)
		c.mu.Unlock()
		return cachedPage{}, err
	}
	p := cachedPage{status: rec.status, header: rec.header, body: rec.body.Bytes(), at: at, gen: gen}
	if p.status == 0 {
		p.status = http.StatusOK
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.status != http.StatusOK {
		delete(c.m, key)
		return p, nil
	}
	if _, ok := c.m[key]; !ok && len(c.m) >= maxCachedPages {
		clear(c.m)
	}
	kept := p
	c.m[key] = &kept
	return p, nil
}

func (c *pageCache) generation() uint64 {
	if c.gen == nil {
		return 0
	}
	return c.gen()
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
