package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"kuulu/internal/demo"
	"kuulu/internal/i18n"
	"kuulu/internal/mapping"
	"kuulu/internal/store"
	"kuulu/internal/web"
)

// Main runs the kuulu command and returns the process exit status.
// tuneGC sets the garbage collector's target to 200 % unless GOGC is set in
// the environment: the server's live heap is small (tens of megabytes), so
// letting the heap grow to three times it between collections costs little
// memory and halves the CPU spent collecting under load.
func tuneGC() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(200)
	}
}

func Main(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd {
	case "serve":
		tuneGC()
		err = runServe(ctx, args, stdout, stderr)
	case "migrate":
		err = runMigrate(ctx, args, stdout, stderr)
	case "backup":
		err = runBackup(ctx, args, stdout, stderr)
	case "loadtest":
		tuneGC() // the server under test runs in this process
		err = runLoadtest(ctx, args, stdout, stderr)
	case "conversation":
		return runConversation(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "kuulu: unknown command %q\n\n", cmd)
		usage(stderr)
		return 2
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "kuulu:", err)
			return 2
		}
		fmt.Fprintln(stderr, "kuulu:", err)
		return 1
	}
	return 0
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: kuulu [command] [flags]

Commands:
  serve            run the web server (default)
  migrate          apply database migrations and exit
  backup FILE      write a consistent copy of the SQLite database to FILE
  conversation analyze DIR     analyse a Polis open-data export (JSON to stdout)
  conversation import DIR      load an open-data export as a closed conversation
  conversation export ID DIR   write a conversation in the open-data format
  loadtest         load-test the public feedback form (see kuulu loadtest -h)

Settings (environment variable, flag, default):
`)
	for _, s := range Settings {
		fmt.Fprintf(w, "  %-26s -%-20s %s (default: %s)\n", s.Env, s.Flag, s.Help, s.Default)
	}
}

func newLogger(cfg Config, stderr io.Writer) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lvl}
	format := cfg.LogFormat
	if format == "" {
		format = "json"
		if f, ok := stderr.(*os.File); ok && isTerminal(f) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(stderr, opts))
}

func openDB(ctx context.Context, cfg Config) (*store.DB, error) {
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL, MaxConns: cfg.DBMaxConns})
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return db, nil
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := LoadConfig(args, os.Getenv, stderr)
	if err != nil {
		return usageError{err.Error()}
	}
	slog.SetDefault(newLogger(cfg, stderr))
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL, MaxConns: 2})
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, _ := db.SchemaVersion(ctx)
	fmt.Fprintf(stdout, "applied %d migrations; schema version %d\n", n, v)
	return nil
}

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if file == "" {
		return usageError{"usage: kuulu backup FILE"}
	}
	cfg, err := LoadConfig(args, os.Getenv, stderr)
	if err != nil {
		return usageError{err.Error()}
	}
	if store.IsPostgres(cfg.DatabaseURL) {
		return usageError{"backup works on SQLite only; for PostgreSQL use pg_dump, e.g. pg_dump --format=custom --file=" + file + " \"$KUULU_DATABASE_URL\""}
	}
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", file)
	return nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := LoadConfig(args, os.Getenv, stderr)
	if err != nil {
		return usageError{err.Error()}
	}
	log := newLogger(cfg, stderr)
	slog.SetDefault(log)
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.Demo {
		sum, err := demo.Load(ctx, db, demo.Options{})
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		log.Info(sum.String())
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	wcfg := web.Config{BaseURL: cfg.BaseURL, Secure: strings.HasPrefix(cfg.BaseURL, "https://"), TrustProxy: cfg.TrustProxy,
		Open311APIKeys: cfg.Open311APIKeys}
	if wcfg.SSO, err = newSSO(ctx, cfg); err != nil {
		return err
	}
	srv, err := web.New(wcfg, db, cat, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	defer startJobs(ctx, db, log)() // housekeeping and retention (internal/jobs)
	defer startNotifier(ctx, cfg.Notify, db, log)()
	defer mapping.Start(ctx, db, log)() // background analysis of conversations (internal/mapping)
	fmt.Fprintf(stdout, "Kuulu is running at %s (database: %s)\n", cfg.BaseURL, db.Dialect())
	if cfg.Demo {
		fmt.Fprintf(stdout, "Demo sign-ins (password %q):\n", demo.DefaultPassword)
		for _, l := range demo.DemoLogins {
			fmt.Fprintf(stdout, "  %-32s %s\n", l.Email, l.Description)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// SIGTERM: stop accepting, let in-flight requests finish; each request's
	// database work is a transaction, so nothing is left half-written.
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
