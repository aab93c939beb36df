package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// SMTP sends email through an SMTP server (net/smtp). It upgrades the
// connection with STARTTLS whenever the server offers it, or speaks TLS from
// the start on port 465 (or with ImplicitTLS). It signs in with AUTH PLAIN when Username is set;
// net/smtp refuses to send the password over an unencrypted connection
// except to localhost.
//
// Each email is text/plain in UTF-8 (quoted-printable), its subject encoded
// as RFC 2047 words, and its Message-ID derived from Message.ID, so a
// re-sent email carries the same Message-ID as the first and mail systems
// can recognise it as a duplicate.
type SMTP struct {
	Host     string
	Port     int // 0 means 587
	Username string
	Password string
	// From is the sender, a bare address or "Name <address>".
	From string
	// TLSConfig is used for STARTTLS and port 465; nil means the system
	// roots with ServerName Host.
	TLSConfig *tls.Config
	// ImplicitTLS speaks TLS from the first byte (SMTPS), as on port 465,
	// where it is always on.
	ImplicitTLS bool
	// Timeout bounds one whole SMTP conversation; 0 means 30 seconds.
	Timeout time.Duration
	// LocalName is the name sent with EHLO; "" means "localhost".
	LocalName string
}

// Name returns "smtp".
func (*SMTP) Name() string { return DriverSMTP }

// String describes the driver without its password.
func (s *SMTP) String() string {
	return fmt.Sprintf("smtp %s:%d from %s user %q", s.Host, s.port(), s.From, s.Username)
}

func (s *SMTP) port() int {
	if s.Port == 0 {
		return 587
	}
	return s.Port
}

// Send delivers one email. A recipient the server refuses (5xx to RCPT or
// DATA) or an unusable address is a permanent error; a failed connection,
// a temporary (4xx) refusal or a failed sign-in is retried.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return Permanent(fmt.Errorf("smtp: recipient: %w", err))
	}
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("smtp: sender (KUULU_SMTP_FROM): %w", err)
	}
	body, err := buildEmail(from, to, m, time.Now())
	if err != nil {
		return Permanent(err)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.port()))
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("smtp: connect %s: %w", addr, err)
	}
	defer raw.Close()
	// net/smtp takes no context: a deadline on the connection bounds the
	// conversation, and cancelling ctx cuts it short.
	if dl, ok := ctx.Deadline(); ok {
		raw.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Now()) })
	defer stop()
	conn := raw
	if s.implicitTLS() {
		conn = tls.Client(raw, s.tlsConfig())
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		return fmt.Errorf("smtp: greeting: %w", err)
	}
	defer c.Close()
	if err := s.converse(c, from.Address, to.Address, body); err != nil {
		return err
	}
	_ = c.Quit() // the message is accepted once DATA is; a failed QUIT changes nothing
	return nil
}

// converse runs EHLO, STARTTLS, AUTH, MAIL, RCPT and DATA.
func (s *SMTP) converse(c *smtp.Client, from, to string, body []byte) error {
	local := s.LocalName
	if local == "" {
		local = "localhost"
	}
	if err := c.Hello(local); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.implicitTLS() {
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("smtp: the server offers no AUTH but KUULU_SMTP_USERNAME is set")
		}
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("smtp: sign-in as %q: %w", s.Username, err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return refused("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return refused("DATA", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return refused("end of DATA", err)
	}
	return nil
}

// refused makes a 5xx reply permanent: the server refuses this recipient or
// this message, and will again. 4xx replies are temporary by definition.
func refused(step string, err error) error {
	err = fmt.Errorf("smtp: %s: %w", step, err)
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return Permanent(err)
	}
	return err
}

func (s *SMTP) implicitTLS() bool { return s.ImplicitTLS || s.port() == 465 }

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLSConfig != nil {
		return s.TLSConfig
	}
	return &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// buildEmail renders the message: headers, then the body as quoted-printable
// UTF-8 text with CRLF line ends.
func buildEmail(from, to *mail.Address, m Message, now time.Time) ([]byte, error) {
	if m.ID == "" {
		return nil, errors.New("smtp: message without an id")
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	// QEncoding leaves plain ASCII as it is and encodes anything else,
	// control characters included, so no header can be injected.
	header("Subject", strings.ReplaceAll(mime.QEncoding.Encode("utf-8", m.Subject), "?= =?", "?=\r\n =?"))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", MessageID(m.ID, domain))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// RFC 3834: an automatic message; auto-responders should not answer it.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(m.Body, "\r\n", "\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// MessageID returns the Message-ID header for a message id and the sender's
// domain: <id@domain>, where each byte of id other than a letter, a digit,
// '-' or '_' is written =XX, so different ids give different Message-IDs.
func MessageID(id, domain string) string {
	var b strings.Builder
	b.WriteByte('<')
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	b.WriteString("@" + domain + ">")
	return b.String()
}
