package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SMSGateway sends text messages through an HTTP gateway. The contract:
//
//	POST {URL}
//	Content-Type: application/json
//	Idempotency-Key: {id}
//	Authorization: Bearer {Token}   (or Basic {Username}:{Password}, or none)
//
//	{"to": "+358401234567", "message": "Kiitos palautteesta …", "id": "{id}"}
//
// id (in the body and the header) is the same on every attempt of one
// message and never used for another, so a gateway that remembers the ids
// it has accepted can drop a repeat. "to" is in E.164.
//
// Any 2xx answer means accepted (the body is not read). 408, 425 and 429
// and every 5xx mean "try again later", as do timeouts and failed
// connections; any other 4xx means the message is refused for good (a bad
// number, a malformed request, wrong credentials) and it is not retried.
// Redirects are not followed.
type SMSGateway struct {
	URL      string
	Username string // HTTP Basic authentication, with Password
	Password string
	Token    string // bearer token; used instead of Username/Password when set
	// Client sends the requests; nil means a client with a 20-second timeout.
	Client *http.Client
}

// Name returns "http".
func (*SMSGateway) Name() string { return DriverHTTP }

// String describes the driver without its credentials.
func (g *SMSGateway) String() string {
	return "sms gateway " + redactURL(g.URL)
}

type smsRequest struct {
	To      string `json:"to"`
	Message string `json:"message"`
	ID      string `json:"id"`
}

// Send posts one message to the gateway.
func (g *SMSGateway) Send(ctx context.Context, m Message) error {
	if m.ID == "" {
		return Permanent(errors.New("sms: message without an id"))
	}
	body, err := json.Marshal(smsRequest{To: m.To, Message: m.Body, ID: m.ID})
	if err != nil {
		return Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sms: gateway URL (KUULU_SMS_URL): %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Kuulu")
	req.Header.Set("Idempotency-Key", m.ID)
	switch {
	case g.Token != "":
		req.Header.Set("Authorization", "Bearer "+g.Token)
	case g.Username != "":
		req.SetBasicAuth(g.Username, g.Password)
	}
	res, err := g.client().Do(req)
	if err != nil {
		// The url.Error names the URL, which may carry a token in its
		// query: report only what went wrong.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("sms: gateway %s: %w", redactURL(g.URL), err)
	}
	defer res.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(res.Body, 200))
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // let the connection be reused
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("sms: gateway answered %s: %s", res.Status, oneLine(string(snippet)))
	switch {
	case res.StatusCode == http.StatusRequestTimeout, res.StatusCode == http.StatusTooEarly, res.StatusCode == http.StatusTooManyRequests:
		return err
	case res.StatusCode >= 400 && res.StatusCode < 500:
		return Permanent(err)
	}
	return err
}

func (g *SMSGateway) client() *http.Client {
	if g.Client != nil {
		return g.Client
	}
	return &http.Client{
		Timeout: 20 * time.Second,
		// A redirected POST may become a GET or go to another host with our
		// credentials: refuse, and let the administrator fix the URL.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// redactURL keeps the scheme, host and path of a URL, dropping credentials
// and the query.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Scheme + "://" + u.Host + u.Path
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "?")), " ")
	if s == "" {
		return "(no body)"
	}
	return s
}
