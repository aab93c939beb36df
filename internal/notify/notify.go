// Package notify sends Kuulu's email and text messages. Every message goes
// through one Notifier interface, implemented by three drivers:
//
//   - SMTP sends email with net/smtp (STARTTLS when the server offers it).
//   - SMSGateway posts text messages as JSON to an HTTP gateway.
//   - Outbox sends nothing: the message stays in Kuulu's database, where
//     administrators read it on /admin/messages. It is the default, so the
//     demo works without any external service.
//
// Router picks the driver by channel: email through the email driver, SMS
// through the SMS driver, and a channel without a configured driver falls
// back to Outbox.
//
// Messages are not sent by the code that causes them. That code queues them
// in the messages table in its own transaction (store.EnqueueMessage), and a
// Worker claims due rows, sends them and records the outcome, retrying
// failures with backoff. See Worker for the delivery guarantees.
package notify

import (
	"context"
	"errors"
)

// Channels.
const (
	Email = "email"
	SMS   = "sms"
)

// Message is one message to send.
type Message struct {
	// ID identifies the message across attempts: the same for every retry
	// and never reused for another message. Drivers pass it on (the SMTP
	// Message-ID, the gateway's Idempotency-Key) so that the far end can
	// recognise a re-sent message. The worker uses the queue's event key.
	ID      string
	Channel string // Email or SMS
	To      string // an email address, or a phone number in E.164 (+358401234567)
	Subject string // email only
	Body    string // plain text
}

// Notifier sends a message. An error means the message was not (knowingly)
// delivered: wrapped with Permanent, retrying cannot help (the recipient or
// the message was refused); any other error is worth retrying later.
type Notifier interface {
	Send(ctx context.Context, m Message) error
}

// Driver names, as recorded in messages.driver.
const (
	DriverOutbox = "outbox"
	DriverSMTP   = "smtp"
	DriverHTTP   = "http"
)

// driverName returns the name a driver gives itself (Name() string), or "custom".
func driverName(n Notifier) string {
	if nn, ok := n.(interface{ Name() string }); ok {
		return nn.Name()
	}
	return "custom"
}

// Outbox is the driver that sends nothing: the message is delivered to
// Kuulu's own outbox (the messages table, marked sent with driver "outbox"),
// where administrators read it.
type Outbox struct{}

// Send accepts every message.
func (Outbox) Send(context.Context, Message) error { return nil }

// Name returns "outbox".
func (Outbox) Name() string { return DriverOutbox }

// Router sends each message through its channel's driver. A nil driver
// means the outbox for that channel.
type Router struct {
	Email Notifier
	SMS   Notifier
}

// Driver returns the driver for a channel and its name. An unknown channel
// has no driver.
func (r Router) Driver(channel string) (string, Notifier) {
	var n Notifier
	switch channel {
	case Email:
		n = r.Email
	case SMS:
		n = r.SMS
	default:
		return "", nil
	}
	if n == nil {
		n = Outbox{}
	}
	return driverName(n), n
}

// Send sends m through its channel's driver.
func (r Router) Send(ctx context.Context, m Message) error {
	_, n := r.Driver(m.Channel)
	if n == nil {
		return Permanent(errUnknownChannel(m.Channel))
	}
	return n.Send(ctx, m)
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as final: the message was refused and sending it again
// would be refused again, so it is not retried.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err (or an error it wraps) was marked Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}
