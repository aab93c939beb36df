package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"kuulu/internal/domain"
	"kuulu/internal/mapping"
	"kuulu/internal/polis/opendata"
	"kuulu/internal/store"
)

// runConversation implements `kuulu conversation analyze|import|export` and
// returns the exit status: 0 on success, 2 on a usage error or malformed
// input (only the error is printed), 1 on any other failure.
//
//	kuulu conversation analyze [-indent] DIR
//	kuulu conversation import DIR [SLUG] [settings flags]
//	kuulu conversation export ID|SLUG DIR [settings flags]
//
// analyze needs no database. import and export use the same settings as
// the other commands (KUULU_DATABASE_URL or -db, …) and migrate the
// database first.
func runConversation(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		conversationUsage(stderr)
		return 2
	}
	sub, args := args[0], args[1:]
	var err error
	switch sub {
	case "analyze":
		return opendata.RunAnalyze(args, stdout, stderr)
	case "import":
		err = runConversationImport(ctx, args, stdout, stderr)
	case "export":
		err = runConversationExport(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		conversationUsage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "kuulu conversation: unknown command %q\n", sub)
		conversationUsage(stderr)
		return 2
	}
	if err == nil {
		return 0
	}
	var ue usageError
	var pe *opendata.ParseError
	switch {
	case errors.As(err, &ue), errors.As(err, &pe):
		fmt.Fprintln(stderr, err)
		return 2
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		fmt.Fprintln(stderr, "kuulu conversation:", err)
		return 2
	}
	fmt.Fprintln(stderr, "kuulu conversation:", err)
	return 1
}

func conversationUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  kuulu conversation analyze [-indent] DIR      analyse a Polis open-data export and print the result as JSON
  kuulu conversation import DIR [SLUG] [flags]  load an open-data export into Kuulu as a closed conversation
  kuulu conversation export ID|SLUG DIR [flags] write a conversation in the open-data format into DIR

DIR holds comments.csv and participants-votes.csv or votes.csv (.csv.gz also read).
import and export take the settings flags of "kuulu serve" (e.g. -db); see "kuulu help".
`)
}

// positional splits leading positional arguments from the settings flags.
func positional(args []string, max int) ([]string, []string) {
	var pos []string
	for len(args) > 0 && len(pos) < max && !strings.HasPrefix(args[0], "-") {
		pos, args = append(pos, args[0]), args[1:]
	}
	return pos, args
}

// conversationDB opens and migrates the configured database, logging to stderr.
func conversationDB(ctx context.Context, flags []string, stderr io.Writer) (*store.DB, error) {
	cfg, err := LoadConfig(flags, os.Getenv, stderr)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	if cfg.LogLevel == "info" {
		cfg.LogLevel = "warn" // keep the command's output to its result
	}
	log := newLogger(cfg, stderr)
	slog.SetDefault(log)
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL, MaxConns: 2})
	if err != nil {
		return nil, err
	}
	db.Log = log
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return db, nil
}

func runConversationImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	pos, flags := positional(args, 2)
	if len(pos) == 0 {
		return usageError{"usage: kuulu conversation import DIR [SLUG] [flags]"}
	}
	c, err := mapping.ReadOpenData(pos[0])
	if err != nil {
		return err
	}
	slug := ""
	if len(pos) > 1 {
		slug = pos[1]
	}
	db, err := conversationDB(ctx, flags, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	imp, err := mapping.Import(ctx, db, c, slug)
	if err != nil {
		if e := domain.AsError(err); e != nil && e.Fields != nil {
			return usageError{fmt.Sprintf("cannot import: %v (give a valid, unused SLUG: lower-case letters, digits and hyphens)", e.Fields)}
		}
		return err
	}
	fmt.Fprintf(stdout, "imported conversation %d (slug %s): %d statements, %d participants, %d votes; closed\n",
		imp.Conversation.ID, imp.Conversation.Slug, imp.Statements, imp.Participants, imp.Votes)
	return nil
}

func runConversationExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	pos, flags := positional(args, 2)
	if len(pos) != 2 {
		return usageError{"usage: kuulu conversation export ID|SLUG DIR [flags]"}
	}
	db, err := conversationDB(ctx, flags, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		err = db.Read(ctx, func(tx *store.Tx) error {
			c, err := tx.ConversationBySlug(ctx, pos[0])
			id = c.ID
			return err
		})
		if err != nil {
			return fmt.Errorf("conversation %q: %w", pos[0], err)
		}
	}
	c, err := mapping.Export(ctx, db, id)
	if err != nil {
		return fmt.Errorf("conversation %s: %w", pos[0], err)
	}
	if err := opendata.WriteDir(pos[1], c); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported conversation %d to %s: %d statements, %d participants, %d votes\n",
		id, pos[1], len(c.Comments), len(c.Participants), len(c.Votes))
	return nil
}
