package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Backup writes a consistent copy of a SQLite database to file with VACUUM
// INTO, which reads one snapshot while the server keeps running.
func (db *DB) Backup(ctx context.Context, file string) error {
	if db.dialect.name() != "sqlite" {
		return errors.New("backup: use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("backup: %s already exists", file)
	}
	// VACUUM INTO takes a literal, not a parameter: quote it as SQL does.
	lit := "'" + strings.ReplaceAll(file, "'", "''") + "'"
	_, err := db.read.ExecContext(ctx, "VACUUM INTO "+lit)
	return err
}
