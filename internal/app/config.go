// Package app wires Kuulu together: configuration from the environment and
// flags, the database, the web server, background housekeeping, and the
// command-line subcommands. cmd/kuulu only calls Main.
package app

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"kuulu/internal/store"
)

// Config is every setting of Kuulu. Each has an environment variable and a
// flag that overrides it; the README's settings table lists them all.
type Config struct {
	Addr            string
	DatabaseURL     string
	Demo            bool
	BaseURL         string
	LogFormat       string // json or text; default json unless stderr is a terminal
	LogLevel        string
	TrustProxy      bool
	DBMaxConns      int
	ShutdownTimeout time.Duration
	OIDCIssuer      string
	OIDCClientID    string
	OIDCSecret      string
	OIDCSubject     string // the claim that identifies a person: sub (default) or oid (Entra ID)
	OIDCScopes      string
	Open311APIKeys  []string // Open311 API keys provisioned by configuration
	Notify          NotifyConfig
}

// Setting documents one configuration name (for --help and the README).
type Setting struct {
	Env, Flag, Default, Help string
}

// Settings lists every setting.
var Settings = []Setting{
	{"KUULU_ADDR", "addr", "127.0.0.1:8080", "listen address"},
	{"KUULU_DATABASE_URL", "db", "./kuulu.db", "SQLite file path or sqlite: URL, or a postgres:// URL"},
	{"KUULU_DEMO", "demo", "on for SQLite, off for PostgreSQL", "load demo data into an empty database"},
	{"KUULU_BASE_URL", "base-url", "http://{addr}", "public address used in links; https makes cookies Secure"},
	{"KUULU_LOG_FORMAT", "log-format", "json (text on a terminal)", "log format: json or text"},
	{"KUULU_LOG_LEVEL", "log-level", "info", "debug, info, warn or error"},
	{"KUULU_TRUST_PROXY", "trust-proxy", "false", "take the client address from X-Forwarded-For (behind a load balancer)"},
	{"KUULU_DB_MAX_CONNS", "db-max-conns", "20", "PostgreSQL connections per instance"},
	{"KUULU_SHUTDOWN_TIMEOUT", "shutdown-timeout", "20s", "how long in-flight requests may finish on SIGTERM"},
	{"KUULU_OIDC_ISSUER", "oidc-issuer", "", "OpenID Connect issuer URL for staff single sign-on (empty: off)"},
	{"KUULU_OIDC_CLIENT_ID", "oidc-client-id", "", "OpenID Connect client id"},
	{"KUULU_OIDC_CLIENT_SECRET", "oidc-client-secret", "", "OpenID Connect client secret"},
	{"KUULU_OIDC_SUBJECT_CLAIM", "oidc-subject-claim", "sub", "claim that identifies a person (oid for Entra ID)"},
	{"KUULU_OIDC_SCOPES", "oidc-scopes", "openid email profile", "scopes to ask for"},
	{"KUULU_OPEN311_API_KEYS", "open311-api-keys", "", "comma-separated Open311 API keys provisioned by configuration (each at least 16 characters), valid besides those administrators issue"},
	{"KUULU_NOTIFY_EMAIL", "notify-email", "outbox", "email driver: outbox (kept in Kuulu for administrators to read) or smtp"},
	{"KUULU_SMTP_HOST", "smtp-host", "", "SMTP server for KUULU_NOTIFY_EMAIL=smtp"},
	{"KUULU_SMTP_PORT", "smtp-port", "587", "SMTP port (STARTTLS when offered; 465: TLS from the start)"},
	{"KUULU_SMTP_USERNAME", "smtp-username", "", "SMTP user name (empty: no sign-in)"},
	{"KUULU_SMTP_PASSWORD", "smtp-password", "", "SMTP password"},
	{"KUULU_SMTP_FROM", "smtp-from", "", "sender, e.g. Kainuun hyvinvointialue <palaute@example.fi>"},
	{"KUULU_NOTIFY_SMS", "notify-sms", "outbox", "SMS driver: outbox (kept in Kuulu for administrators to read) or http"},
	{"KUULU_SMS_URL", "sms-url", "", "SMS gateway URL for KUULU_NOTIFY_SMS=http (https)"},
	{"KUULU_SMS_USERNAME", "sms-username", "", "SMS gateway user name (HTTP Basic)"},
	{"KUULU_SMS_PASSWORD", "sms-password", "", "SMS gateway password"},
	{"KUULU_SMS_TOKEN", "sms-token", "", "SMS gateway bearer token, instead of user name and password"},
}

// LoadConfig reads the environment, then flags from args (which override).
func LoadConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("kuulu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Config
	fs.StringVar(&c.Addr, "addr", env("KUULU_ADDR", "127.0.0.1:8080"), "listen address (KUULU_ADDR)")
	fs.StringVar(&c.DatabaseURL, "db", env("KUULU_DATABASE_URL", "kuulu.db"), "database (KUULU_DATABASE_URL)")
	demo := fs.String("demo", env("KUULU_DEMO", ""), "load demo data into an empty database: on/off (KUULU_DEMO)")
	fs.StringVar(&c.BaseURL, "base-url", env("KUULU_BASE_URL", ""), "public base URL (KUULU_BASE_URL)")
	fs.StringVar(&c.LogFormat, "log-format", env("KUULU_LOG_FORMAT", ""), "json or text (KUULU_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", env("KUULU_LOG_LEVEL", "info"), "log level (KUULU_LOG_LEVEL)")
	trust := fs.String("trust-proxy", env("KUULU_TRUST_PROXY", "false"), "trust X-Forwarded-For (KUULU_TRUST_PROXY)")
	maxConns := fs.String("db-max-conns", env("KUULU_DB_MAX_CONNS", "20"), "PostgreSQL connections (KUULU_DB_MAX_CONNS)")
	shutdown := fs.String("shutdown-timeout", env("KUULU_SHUTDOWN_TIMEOUT", "20s"), "graceful shutdown timeout (KUULU_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", env("KUULU_OIDC_ISSUER", ""), "OIDC issuer (KUULU_OIDC_ISSUER)")
	fs.StringVar(&c.OIDCClientID, "oidc-client-id", env("KUULU_OIDC_CLIENT_ID", ""), "OIDC client id (KUULU_OIDC_CLIENT_ID)")
	fs.StringVar(&c.OIDCSecret, "oidc-client-secret", env("KUULU_OIDC_CLIENT_SECRET", ""), "OIDC client secret (KUULU_OIDC_CLIENT_SECRET)")
	fs.StringVar(&c.OIDCSubject, "oidc-subject-claim", env("KUULU_OIDC_SUBJECT_CLAIM", "sub"), "OIDC subject claim (KUULU_OIDC_SUBJECT_CLAIM)")
	fs.StringVar(&c.OIDCScopes, "oidc-scopes", env("KUULU_OIDC_SCOPES", "openid email profile"), "OIDC scopes (KUULU_OIDC_SCOPES)")
	open311Keys := fs.String("open311-api-keys", env("KUULU_OPEN311_API_KEYS", ""), "Open311 API keys, comma-separated (KUULU_OPEN311_API_KEYS)")
	notifyFlags := registerNotifyFlags(fs, env, &c.Notify)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var err error
	if *demo == "" {
		c.Demo = !store.IsPostgres(c.DatabaseURL)
	} else if c.Demo, err = parseBool(*demo); err != nil {
		return c, fmt.Errorf("KUULU_DEMO / -demo: %w", err)
	}
	if c.TrustProxy, err = parseBool(*trust); err != nil {
		return c, fmt.Errorf("KUULU_TRUST_PROXY / -trust-proxy: %w", err)
	}
	if c.DBMaxConns, err = strconv.Atoi(*maxConns); err != nil || c.DBMaxConns < 1 {
		return c, fmt.Errorf("KUULU_DB_MAX_CONNS / -db-max-conns: want a positive number, got %q", *maxConns)
	}
	if c.ShutdownTimeout, err = time.ParseDuration(*shutdown); err != nil {
		return c, fmt.Errorf("KUULU_SHUTDOWN_TIMEOUT / -shutdown-timeout: %w", err)
	}
	if c.Open311APIKeys, err = parseAPIKeys(*open311Keys); err != nil {
		return c, fmt.Errorf("KUULU_OPEN311_API_KEYS / -open311-api-keys: %w", err)
	}
	if err := notifyFlags(); err != nil {
		return c, err
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.LogFormat != "" && c.LogFormat != "json" && c.LogFormat != "text" {
		return c, fmt.Errorf("KUULU_LOG_FORMAT / -log-format: want json or text, got %q", c.LogFormat)
	}
	return c, nil
}

// parseAPIKeys splits a comma-separated list of API keys. A key must be at
// least 16 characters without spaces; the error never repeats a key.
func parseAPIKeys(s string) ([]string, error) {
	var keys []string
	for i, k := range strings.Split(s, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if len(k) < 16 || strings.ContainsFunc(k, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return nil, fmt.Errorf("key %d: want at least 16 characters without spaces", i+1)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "on", "yes":
		return true, nil
	case "0", "false", "off", "no":
		return false, nil
	}
	return false, fmt.Errorf("want on or off, got %q", s)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
