package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGateway is an SMS gateway for tests. It is down (503) for its first
// down requests, refuses numbers in reject with 400, and records every
// request and every message it accepted, by id.
type fakeGateway struct {
	*httptest.Server
	mu       sync.Mutex
	down     int
	delay    time.Duration
	reject   map[string]bool
	requests []gatewayRequest
	accepted map[string]int // id → times accepted
}

type gatewayRequest struct {
	Header http.Header
	Body   smsRequest
}

func newFakeGateway(t *testing.T) *fakeGateway {
	g := &fakeGateway{reject: map[string]bool{}, accepted: map[string]int{}}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body smsRequest
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &body); err != nil || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		g.mu.Lock()
		g.requests = append(g.requests, gatewayRequest{Header: r.Header.Clone(), Body: body})
		down, delay, reject := g.down > 0, g.delay, g.reject[body.To]
		if down {
			g.down--
		}
		g.mu.Unlock()
		if delay > 0 {
			time.Sleep(delay)
		}
		switch {
		case down:
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		case reject:
			http.Error(w, `{"error":"invalid number"}`, http.StatusBadRequest)
		default:
			g.mu.Lock()
			g.accepted[body.ID]++
			g.mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	t.Cleanup(g.Close)
	return g
}

// set changes the gateway's behaviour under its lock.
func (g *fakeGateway) set(fn func(g *fakeGateway)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fn(g)
}

func (g *fakeGateway) counts() (requests int, accepted map[string]int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	acc := map[string]int{}
	for k, v := range g.accepted {
		acc[k] = v
	}
	return len(g.requests), acc
}

func TestSMSGatewayContract(t *testing.T) {
	g := newFakeGateway(t)
	ctx := context.Background()
	m := Message{ID: "receipt:7:sms", Channel: SMS, To: "+358401234567", Body: "Kiitos palautteesta. Seurantakoodi 7K3M-QX9P-2T"}

	if err := (&SMSGateway{URL: g.URL + "/send", Token: "t0k3n"}).Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := (&SMSGateway{URL: g.URL + "/send", Username: "kuulu", Password: "pw"}).Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	reqs := g.requests
	g.mu.Unlock()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	if reqs[0].Body != (smsRequest{To: m.To, Message: m.Body, ID: m.ID}) {
		t.Errorf("body = %+v", reqs[0].Body)
	}
	if h := reqs[0].Header; h.Get("Idempotency-Key") != m.ID || h.Get("Authorization") != "Bearer t0k3n" {
		t.Errorf("headers = %v", h)
	}
	r := &http.Request{Header: reqs[1].Header}
	if u, p, ok := r.BasicAuth(); !ok || u != "kuulu" || p != "pw" {
		t.Errorf("basic auth = %q %q %v", u, p, ok)
	}

	g.set(func(g *fakeGateway) { g.reject[m.To] = true })
	err := (&SMSGateway{URL: g.URL}).Send(ctx, m)
	if !IsPermanent(err) || !strings.Contains(err.Error(), "400") {
		t.Errorf("400: %v, want permanent", err)
	}
	g.set(func(g *fakeGateway) { delete(g.reject, m.To); g.down = 1 })
	if err := (&SMSGateway{URL: g.URL}).Send(ctx, m); err == nil || IsPermanent(err) {
		t.Errorf("503: %v, want temporary", err)
	}
	g.set(func(g *fakeGateway) { g.delay = 300 * time.Millisecond })
	err = (&SMSGateway{URL: g.URL + "?token=secret", Client: &http.Client{Timeout: 50 * time.Millisecond}}).Send(ctx, m)
	if err == nil || IsPermanent(err) || strings.Contains(err.Error(), "secret") {
		t.Errorf("timeout: %v, want temporary without the URL's query", err)
	}
	g.set(func(g *fakeGateway) { g.delay = 0 })
	g.Close()
	if err := (&SMSGateway{URL: g.URL}).Send(ctx, m); err == nil || IsPermanent(err) {
		t.Errorf("gateway gone: %v, want temporary", err)
	}
}

func TestSMSGatewayStatusClasses(t *testing.T) {
	for status, permanent := range map[int]bool{200: false, 201: false, 204: false, 400: true, 401: true, 403: true, 404: true, 422: true,
		408: false, 425: false, 429: false, 500: false, 502: false, 503: false, 302: false} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if status == 302 {
				w.Header().Set("Location", "/elsewhere")
			}
			w.WriteHeader(status)
		}))
		err := (&SMSGateway{URL: ts.URL}).Send(context.Background(), Message{ID: "x", Channel: SMS, To: "+358401234567", Body: "b"})
		ts.Close()
		ok := status >= 200 && status < 300
		if ok != (err == nil) || IsPermanent(err) != permanent {
			t.Errorf("status %d: err %v, want ok=%v permanent=%v", status, err, ok, permanent)
		}
	}
}
