package notify

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSMTP is an SMTP server for tests on a loopback listener. It speaks
// enough SMTP for net/smtp: EHLO/HELO, STARTTLS (when it has a
// certificate), AUTH PLAIN (when it has a password), MAIL, RCPT, DATA,
// RSET, NOOP and QUIT. It records every message it accepts.
type fakeSMTP struct {
	t        *testing.T
	ln       net.Listener
	tls      *tls.Config // nil: no STARTTLS
	implicit bool        // TLS from the first byte (SMTPS) instead of STARTTLS
	user     string      // "": no AUTH
	password string
	// rcptReply, when set, answers RCPT TO instead of 250 (e.g. "550 5.1.1 no such user").
	rcptReply string

	mu       sync.Mutex
	received []fakeMail
	conns    int
}

type fakeMail struct {
	From, To string
	Data     string
	TLS      bool
	AuthUser string
}

// newFakeSMTP starts a fake server, set up by configure before it accepts
// connections.
func newFakeSMTP(t *testing.T, configure ...func(f *fakeSMTP)) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{t: t, ln: ln}
	for _, c := range configure {
		c(f)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns++
			f.mu.Unlock()
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeSMTP) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *fakeSMTP) mails() []fakeMail {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeMail(nil), f.received...)
}

func (f *fakeSMTP) serve(conn net.Conn) {
	defer func() { conn.Close() }()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	var cur fakeMail
	if f.implicit {
		conn, cur.TLS = tls.Server(conn, f.tls), true
	}
	tp := textproto.NewConn(conn)
	reply := func(s string) { tp.PrintfLine("%s", s) }
	reply("220 fake.test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			ext := []string{"fake.test"}
			if f.tls != nil && !cur.TLS {
				ext = append(ext, "STARTTLS")
			}
			if f.user != "" {
				ext = append(ext, "AUTH PLAIN")
			}
			ext = append(ext, "8BITMIME")
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				reply("250" + sep + e)
			}
		case "HELO", "NOOP":
			reply("250 ok")
		case "STARTTLS":
			reply("220 go ahead")
			tc := tls.Server(conn, f.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, tp, cur.TLS = tc, textproto.NewConn(tc), true
			reply = func(s string) { tp.PrintfLine("%s", s) }
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, _ := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(b), "\x00")
			if mech != "PLAIN" || len(parts) != 3 || parts[1] != f.user || parts[2] != f.password {
				reply("535 5.7.8 authentication failed")
				continue
			}
			cur.AuthUser = parts[1]
			reply("235 2.7.0 ok")
		case "MAIL":
			if f.user != "" && cur.AuthUser == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			cur.From = strings.TrimPrefix(strings.Fields(arg)[0], "FROM:")
			reply("250 ok")
		case "RCPT":
			f.mu.Lock()
			rcptReply := f.rcptReply
			f.mu.Unlock()
			if rcptReply != "" {
				reply(rcptReply)
				continue
			}
			cur.To = strings.TrimPrefix(arg, "TO:")
			reply("250 ok")
		case "DATA":
			reply("354 end with .")
			b, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data = string(b)
			f.mu.Lock()
			f.received = append(f.received, cur)
			f.mu.Unlock()
			cur = fakeMail{TLS: cur.TLS, AuthUser: cur.AuthUser}
			reply("250 queued")
		case "RSET":
			cur = fakeMail{TLS: cur.TLS, AuthUser: cur.AuthUser}
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 unknown command")
		}
	}
}

// selfSigned returns a server config and a client config that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

func parseMail(t *testing.T, data string) (*mail.Message, string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("not a mail message: %v\n%s", err, data)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	return m, string(body)
}

var testEmail = Message{
	ID:      "receipt:42:email",
	Channel: Email,
	To:      "Äiti Esimerkki <aiti@example.fi>",
	Subject: "Palautteesi on vastaanotettu (seurantakoodi 7K3M-QX9P-2T) – kiitos, että kerroit meille kokemuksestasi",
	Body:    "Kiitos palautteestasi.\n\nSeurantakoodisi on 7K3M-QX9P-2T. Näet käsittelyn osoitteessa https://kuulu.example/t/7K3MQX9P2T\n.\nRivi, joka alkaa pisteellä, ja pitkä rivi " + strings.Repeat("äö", 60),
}

func TestSMTPStartTLSAndAuth(t *testing.T) {
	server, client := selfSigned(t)
	f := newFakeSMTP(t, func(f *fakeSMTP) { f.tls, f.user, f.password = server, "kuulu", "salainen sana" })
	s := &SMTP{Host: "127.0.0.1", Port: f.port(), Username: "kuulu", Password: "salainen sana",
		From: "Kainuun hyvinvointialue <kuulu@kainuu.example>", TLSConfig: client}
	if err := s.Send(context.Background(), testEmail); err != nil {
		t.Fatal(err)
	}
	got := f.mails()
	if len(got) != 1 {
		t.Fatalf("%d mails arrived", len(got))
	}
	g := got[0]
	if !g.TLS || g.AuthUser != "kuulu" || g.From != "<kuulu@kainuu.example>" || g.To != "<aiti@example.fi>" {
		t.Errorf("envelope = %+v", g)
	}
	m, body := parseMail(t, g.Data)
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != testEmail.Subject {
		t.Errorf("subject = %q, %v", subject, err)
	}
	// (ReadDotBytes has turned CRLF into LF and removed the dot-stuffing.)
	if body = strings.TrimSuffix(body, "\n"); body != testEmail.Body {
		t.Errorf("body =\n%q\nwant\n%q", body, testEmail.Body)
	}
	for k, want := range map[string]string{
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"Mime-Version":              "1.0",
		"Message-Id":                "<receipt=3A42=3Aemail@kainuu.example>",
		"Auto-Submitted":            "auto-generated",
	} {
		if got := m.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if from, err := m.Header.AddressList("From"); err != nil || from[0].Name != "Kainuun hyvinvointialue" {
		t.Errorf("From = %v, %v", from, err)
	}
	if to, err := m.Header.AddressList("To"); err != nil || to[0].Name != "Äiti Esimerkki" || to[0].Address != "aiti@example.fi" {
		t.Errorf("To = %v, %v", to, err)
	}
	for _, line := range strings.Split(g.Data, "\n") {
		if len(line) > 78 && !strings.HasPrefix(line, "Subject:") {
			t.Errorf("line longer than 78: %q", line)
		}
		if strings.ContainsFunc(line, func(r rune) bool { return r > 127 }) {
			t.Errorf("non-ASCII on the wire: %q", line)
		}
	}
	// A re-send of the same message carries the same Message-ID.
	if err := s.Send(context.Background(), testEmail); err != nil {
		t.Fatal(err)
	}
	m2, _ := parseMail(t, f.mails()[1].Data)
	if m2.Header.Get("Message-Id") != m.Header.Get("Message-Id") {
		t.Error("a re-send got another Message-ID")
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	server, client := selfSigned(t)
	f := newFakeSMTP(t, func(f *fakeSMTP) { f.tls, f.implicit, f.user, f.password = server, true, "kuulu", "pw" })
	s := &SMTP{Host: "127.0.0.1", Port: f.port(), ImplicitTLS: true, Username: "kuulu", Password: "pw", From: "kuulu@kainuu.example", TLSConfig: client}
	if err := s.Send(context.Background(), Message{ID: "x", Channel: Email, To: "a@example.fi", Subject: "Hei", Body: "Hei"}); err != nil {
		t.Fatal(err)
	}
	if g := f.mails(); len(g) != 1 || !g[0].TLS || g[0].AuthUser != "kuulu" {
		t.Fatalf("mails = %+v", g)
	}
}

func TestSMTPWithoutTLSOrAuth(t *testing.T) {
	f := newFakeSMTP(t)
	s := &SMTP{Host: "127.0.0.1", Port: f.port(), From: "kuulu@kainuu.example"}
	if err := s.Send(context.Background(), Message{ID: "x", Channel: Email, To: "a@example.fi", Subject: "Hei", Body: "Hei"}); err != nil {
		t.Fatal(err)
	}
	g := f.mails()
	if len(g) != 1 || g[0].TLS || g[0].AuthUser != "" {
		t.Fatalf("mails = %+v", g)
	}
	m, _ := parseMail(t, g[0].Data)
	if m.Header.Get("Subject") != "Hei" {
		t.Errorf("ASCII subject = %q", m.Header.Get("Subject"))
	}
}

func TestSMTPFailures(t *testing.T) {
	ctx := context.Background()
	msg := Message{ID: "x", Channel: Email, To: "a@example.fi", Subject: "s", Body: "b"}

	f := newFakeSMTP(t, func(f *fakeSMTP) { f.user, f.password = "kuulu", "oikea" })
	wrong := &SMTP{Host: "127.0.0.1", Port: f.port(), Username: "kuulu", Password: "väärä", From: "k@kainuu.example"}
	err := wrong.Send(ctx, msg)
	if err == nil || IsPermanent(err) || strings.Contains(err.Error(), "väärä") {
		t.Errorf("wrong password: %v (want a temporary error without the password)", err)
	}

	f2 := newFakeSMTP(t, func(f *fakeSMTP) { f.rcptReply = "550 5.1.1 no such user" })
	err = (&SMTP{Host: "127.0.0.1", Port: f2.port(), From: "k@kainuu.example"}).Send(ctx, msg)
	if !IsPermanent(err) {
		t.Errorf("550 to RCPT: %v, want permanent", err)
	}
	f2.mu.Lock()
	f2.rcptReply = "451 4.3.0 try later"
	f2.mu.Unlock()
	err = (&SMTP{Host: "127.0.0.1", Port: f2.port(), From: "k@kainuu.example"}).Send(ctx, msg)
	if err == nil || IsPermanent(err) {
		t.Errorf("451 to RCPT: %v, want temporary", err)
	}

	// Nobody listening: temporary.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	err = (&SMTP{Host: "127.0.0.1", Port: port, From: "k@kainuu.example"}).Send(ctx, msg)
	if err == nil || IsPermanent(err) {
		t.Errorf("server down: %v, want temporary", err)
	}

	// A server that never answers: the timeout ends the attempt.
	silent, _ := net.Listen("tcp", "127.0.0.1:0")
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			go func() { bufio.NewReader(c).ReadString(0); c.Close() }()
		}
	}()
	start := time.Now()
	err = (&SMTP{Host: "127.0.0.1", Port: silent.Addr().(*net.TCPAddr).Port, From: "k@kainuu.example", Timeout: 200 * time.Millisecond}).Send(ctx, msg)
	if err == nil || IsPermanent(err) || time.Since(start) > 5*time.Second {
		t.Errorf("silent server: %v after %v", err, time.Since(start))
	}

	for _, to := range []string{"not an address", "a@example.fi\r\nBcc: x@example.fi", ""} {
		err = (&SMTP{Host: "127.0.0.1", Port: f.port(), From: "k@kainuu.example"}).Send(ctx, Message{ID: "x", To: to, Body: "b"})
		if !IsPermanent(err) {
			t.Errorf("recipient %q: %v, want permanent", to, err)
		}
	}
	if n := len(f.mails()) + len(f2.mails()); n != 0 {
		t.Errorf("%d mails accepted from failed sends", n)
	}
}

func TestMessageID(t *testing.T) {
	for id, want := range map[string]string{
		"receipt:42:email": "<receipt=3A42=3Aemail@k.example>",
		"a.b":              "<a=2Eb@k.example>",
		"a=2Eb":            "<a=3D2Eb@k.example>",
		"reply_7-x":        "<reply_7-x@k.example>",
	} {
		if got := MessageID(id, "k.example"); got != want {
			t.Errorf("MessageID(%q) = %q, want %q", id, got, want)
		}
		if _, err := mail.ParseAddress(strings.Trim(MessageID(id, "k.example"), "<>")); err != nil {
			t.Errorf("MessageID(%q) is not addr-spec shaped: %v", id, err)
		}
	}
}
