package app

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"kuulu/internal/notify"
)

func TestNotifyConfig(t *testing.T) {
	load := func(env map[string]string, args ...string) (Config, error) {
		return LoadConfig(args, func(k string) string { return env[k] }, &bytes.Buffer{})
	}
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Notify.Email != "outbox" || c.Notify.SMS != "outbox" || c.Notify.SMTPPort != 587 {
		t.Fatalf("defaults = %+v", c.Notify)
	}
	if r := c.Notify.drivers(); r.Email != nil || r.SMS != nil {
		t.Fatalf("default drivers = %+v, want the outbox for both", r)
	}

	smtp := map[string]string{"KUULU_NOTIFY_EMAIL": "SMTP", "KUULU_SMTP_HOST": "smtp.example.fi", "KUULU_SMTP_PORT": "465",
		"KUULU_SMTP_USERNAME": "kuulu", "KUULU_SMTP_PASSWORD": "s3cret-pw", "KUULU_SMTP_FROM": "Kainuun hyvinvointialue <palaute@kainuu.example>",
		"KUULU_NOTIFY_SMS": "http", "KUULU_SMS_URL": "https://sms.example.fi/send", "KUULU_SMS_TOKEN": "t0ken-secret"}
	c, err = load(smtp, "-smtp-port", "2525")
	if err != nil {
		t.Fatal(err)
	}
	r := c.Notify.drivers()
	if s, ok := r.Email.(*notify.SMTP); !ok || s.Host != "smtp.example.fi" || s.Port != 2525 || s.Password != "s3cret-pw" {
		t.Errorf("email driver = %#v", r.Email)
	}
	if g, ok := r.SMS.(*notify.SMSGateway); !ok || g.URL != "https://sms.example.fi/send" || g.Token != "t0ken-secret" {
		t.Errorf("sms driver = %#v", r.SMS)
	}
	// Printing the configuration, however it is done, shows no secret.
	for _, out := range []string{c.Notify.String(), fmt.Sprintf("%+v", c), fmt.Sprintf("%v", c.Notify.drivers())} {
		if strings.Contains(out, "s3cret-pw") || strings.Contains(out, "t0ken-secret") {
			t.Errorf("a secret is printed: %s", out)
		}
	}

	bad := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"KUULU_NOTIFY_EMAIL": "sendmail"}, "KUULU_NOTIFY_EMAIL"},
		{map[string]string{"KUULU_NOTIFY_EMAIL": "smtp", "KUULU_SMTP_FROM": "a@example.fi"}, "KUULU_SMTP_HOST"},
		{map[string]string{"KUULU_NOTIFY_EMAIL": "smtp", "KUULU_SMTP_HOST": "h"}, "KUULU_SMTP_FROM"},
		{map[string]string{"KUULU_NOTIFY_EMAIL": "smtp", "KUULU_SMTP_HOST": "h", "KUULU_SMTP_FROM": "a@example.fi", "KUULU_SMTP_USERNAME": "u"}, "KUULU_SMTP_PASSWORD"},
		{map[string]string{"KUULU_SMTP_PORT": "smtp"}, "KUULU_SMTP_PORT"},
		{map[string]string{"KUULU_SMTP_PORT": "70000"}, "KUULU_SMTP_PORT"},
		{map[string]string{"KUULU_NOTIFY_SMS": "carrier-pigeon"}, "KUULU_NOTIFY_SMS"},
		{map[string]string{"KUULU_NOTIFY_SMS": "http"}, "KUULU_SMS_URL"},
		{map[string]string{"KUULU_NOTIFY_SMS": "http", "KUULU_SMS_URL": "http://sms.example.fi/send"}, "https"},
		{map[string]string{"KUULU_NOTIFY_SMS": "http", "KUULU_SMS_URL": "https://u:pw-in-url@sms.example.fi/"}, "not in the URL"},
		{map[string]string{"KUULU_NOTIFY_SMS": "http", "KUULU_SMS_URL": "https://sms.example.fi/", "KUULU_SMS_TOKEN": "t", "KUULU_SMS_USERNAME": "u", "KUULU_SMS_PASSWORD": "p"}, "not both"},
		{map[string]string{"KUULU_NOTIFY_SMS": "http", "KUULU_SMS_URL": "https://sms.example.fi/", "KUULU_SMS_USERNAME": "u"}, "KUULU_SMS_PASSWORD"},
	}
	for _, b := range bad {
		_, err := load(b.env)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%v: error %v, want one naming %q", b.env, err, b.want)
		}
		if err != nil && strings.Contains(err.Error(), "pw-in-url") {
			t.Errorf("error repeats a password: %v", err)
		}
	}
	// http is fine for a gateway on this machine.
	if _, err := load(map[string]string{"KUULU_NOTIFY_SMS": "http", "KUULU_SMS_URL": "http://127.0.0.1:9000/sms"}); err != nil {
		t.Errorf("loopback http gateway: %v", err)
	}
}
