package app

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"kuulu/internal/notify"
	"kuulu/internal/store"
)

// NotifyConfig chooses and configures the notification drivers
// (KUULU_NOTIFY_EMAIL, KUULU_SMTP_*, KUULU_NOTIFY_SMS, KUULU_SMS_*). A channel
// whose driver is "outbox" sends nothing: its messages wait in Kuulu's
// outbox (/admin/messages) for administrators to read.
type NotifyConfig struct {
	Email        string // outbox or smtp
	SMTPHost     string
	SMTPPort     int
	SMTPUsername string
	SMTPPassword string
	SMTPFrom     string
	SMS          string // outbox or http
	SMSURL       string
	SMSUsername  string
	SMSPassword  string
	SMSToken     string
}

// String describes the configuration without passwords or tokens, so that
// printing a Config never leaks them.
func (n NotifyConfig) String() string {
	email := n.Email
	if n.Email == "smtp" {
		email = fmt.Sprintf("smtp %s:%d from %s user %q", n.SMTPHost, n.SMTPPort, n.SMTPFrom, n.SMTPUsername)
	}
	sms := n.SMS
	if n.SMS == "http" {
		sms = (&notify.SMSGateway{URL: n.SMSURL}).String()
		switch {
		case n.SMSToken != "":
			sms += " with a bearer token"
		case n.SMSUsername != "":
			sms += fmt.Sprintf(" as %q", n.SMSUsername)
		}
	}
	return "email: " + email + "; sms: " + sms
}

// LogValue logs the configuration as String does.
func (n NotifyConfig) LogValue() slog.Value { return slog.StringValue(n.String()) }

// registerNotifyFlags defines the notification flags on fs with defaults from
// the environment. The returned function, called after fs.Parse, finishes
// and checks the settings.
func registerNotifyFlags(fs *flag.FlagSet, env func(k, def string) string, n *NotifyConfig) func() error {
	fs.StringVar(&n.Email, "notify-email", env("KUULU_NOTIFY_EMAIL", "outbox"), "email driver: outbox or smtp (KUULU_NOTIFY_EMAIL)")
	fs.StringVar(&n.SMTPHost, "smtp-host", env("KUULU_SMTP_HOST", ""), "SMTP server (KUULU_SMTP_HOST)")
	port := fs.String("smtp-port", env("KUULU_SMTP_PORT", "587"), "SMTP port (KUULU_SMTP_PORT)")
	fs.StringVar(&n.SMTPUsername, "smtp-username", env("KUULU_SMTP_USERNAME", ""), "SMTP user name (KUULU_SMTP_USERNAME)")
	fs.StringVar(&n.SMTPPassword, "smtp-password", env("KUULU_SMTP_PASSWORD", ""), "SMTP password; prefer the environment (KUULU_SMTP_PASSWORD)")
	fs.StringVar(&n.SMTPFrom, "smtp-from", env("KUULU_SMTP_FROM", ""), "sender address (KUULU_SMTP_FROM)")
	fs.StringVar(&n.SMS, "notify-sms", env("KUULU_NOTIFY_SMS", "outbox"), "SMS driver: outbox or http (KUULU_NOTIFY_SMS)")
	fs.StringVar(&n.SMSURL, "sms-url", env("KUULU_SMS_URL", ""), "SMS gateway URL (KUULU_SMS_URL)")
	fs.StringVar(&n.SMSUsername, "sms-username", env("KUULU_SMS_USERNAME", ""), "SMS gateway user name (KUULU_SMS_USERNAME)")
	fs.StringVar(&n.SMSPassword, "sms-password", env("KUULU_SMS_PASSWORD", ""), "SMS gateway password; prefer the environment (KUULU_SMS_PASSWORD)")
	fs.StringVar(&n.SMSToken, "sms-token", env("KUULU_SMS_TOKEN", ""), "SMS gateway bearer token; prefer the environment (KUULU_SMS_TOKEN)")
	return func() error {
		p, err := strconv.Atoi(strings.TrimSpace(*port))
		if err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("KUULU_SMTP_PORT / -smtp-port: want a port number such as 587, got %q", *port)
		}
		n.SMTPPort = p
		return n.check()
	}
}

// check rejects incomplete or contradictory settings at start, so that a
// misconfigured driver does not surface as failing messages later. Error
// messages never include passwords or tokens.
func (n *NotifyConfig) check() error {
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	n.SMS = strings.ToLower(strings.TrimSpace(n.SMS))
	n.SMTPHost, n.SMTPFrom, n.SMSURL = strings.TrimSpace(n.SMTPHost), strings.TrimSpace(n.SMTPFrom), strings.TrimSpace(n.SMSURL)
	switch n.Email {
	case "outbox":
	case "smtp":
		if n.SMTPHost == "" {
			return fmt.Errorf("KUULU_SMTP_HOST / -smtp-host is required when KUULU_NOTIFY_EMAIL=smtp")
		}
		if _, err := mail.ParseAddress(n.SMTPFrom); err != nil {
			return fmt.Errorf("KUULU_SMTP_FROM / -smtp-from: want a sender address such as \"Kainuun hyvinvointialue <palaute@example.fi>\", got %q", n.SMTPFrom)
		}
		if (n.SMTPUsername == "") != (n.SMTPPassword == "") {
			return fmt.Errorf("KUULU_SMTP_USERNAME and KUULU_SMTP_PASSWORD go together: set both or neither")
		}
	default:
		return fmt.Errorf("KUULU_NOTIFY_EMAIL / -notify-email: want outbox or smtp, got %q", n.Email)
	}
	switch n.SMS {
	case "outbox":
	case "http":
		u, err := url.Parse(n.SMSURL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return fmt.Errorf("KUULU_SMS_URL / -sms-url: want the gateway's https:// URL when KUULU_NOTIFY_SMS=http")
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			return fmt.Errorf("KUULU_SMS_URL / -sms-url: the gateway must use https (http is accepted only for localhost)")
		}
		if u.User != nil {
			return fmt.Errorf("KUULU_SMS_URL / -sms-url: put credentials in KUULU_SMS_USERNAME and KUULU_SMS_PASSWORD (or KUULU_SMS_TOKEN), not in the URL")
		}
		if n.SMSToken != "" && n.SMSUsername != "" {
			return fmt.Errorf("KUULU_SMS_TOKEN and KUULU_SMS_USERNAME: set one way to sign in, not both")
		}
		if (n.SMSUsername == "") != (n.SMSPassword == "") {
			return fmt.Errorf("KUULU_SMS_USERNAME and KUULU_SMS_PASSWORD go together: set both or neither")
		}
	default:
		return fmt.Errorf("KUULU_NOTIFY_SMS / -notify-sms: want outbox or http, got %q", n.SMS)
	}
	return nil
}

// drivers builds the router: each channel's configured driver, or the outbox.
func (n NotifyConfig) drivers() notify.Router {
	var r notify.Router
	if n.Email == "smtp" {
		r.Email = &notify.SMTP{Host: n.SMTPHost, Port: n.SMTPPort, Username: n.SMTPUsername, Password: n.SMTPPassword, From: n.SMTPFrom}
	}
	if n.SMS == "http" {
		r.SMS = &notify.SMSGateway{URL: n.SMSURL, Username: n.SMSUsername, Password: n.SMSPassword, Token: n.SMSToken}
	}
	return r
}

// startNotifier starts the worker that sends queued messages and returns a
// function that stops it and waits until it has finished the message in
// hand, so that the database is not closed under it (runServe defers it).
func startNotifier(ctx context.Context, cfg NotifyConfig, db *store.DB, log *slog.Logger) (stop func()) {
	log.Info("notifications", "drivers", cfg)
	if cfg.Email != "smtp" && cfg.SMTPHost != "" {
		log.Warn("KUULU_SMTP_HOST is set but KUULU_NOTIFY_EMAIL is not smtp: email stays in the outbox")
	}
	if cfg.SMS != "http" && cfg.SMSURL != "" {
		log.Warn("KUULU_SMS_URL is set but KUULU_NOTIFY_SMS is not http: text messages stay in the outbox")
	}
	w := notify.NewWorker(db, cfg.drivers(), log)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
