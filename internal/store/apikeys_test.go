package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"kuulu/internal/domain"
)

func TestAPIKeysContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
		db.Clock = clock
		var k1, k2 APIKey
		var s1, s2 string
		err := db.Write(ctx, func(tx *Tx) error {
			var err error
			if k1, s1, err = tx.CreateAPIKey(ctx, "Palautesovellus", 0); err != nil {
				return err
			}
			clock.T = clock.T.Add(time.Hour)
			k2, s2, err = tx.CreateAPIKey(ctx, "Kaupungin integraatio", 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s1, "k311_") || len(s1) != 69 || s1 == s2 {
			t.Fatalf("secrets %q %q", s1, s2)
		}
		if k1.Prefix != s1[:APIKeyPrefixLen] || strings.Contains(k1.Prefix, s1[APIKeyPrefixLen:]) {
			t.Errorf("prefix %q of %q", k1.Prefix, s1)
		}
		// Only the hash is stored: the secret appears nowhere in the table.
		var hash string
		var n int
		db.Read(ctx, func(tx *Tx) error {
			if err := tx.QueryRow(ctx, "SELECT key_hash FROM api_keys WHERE id = ?", k1.ID).Scan(&hash); err != nil {
				return err
			}
			return tx.QueryRow(ctx, "SELECT COUNT(*) FROM api_keys WHERE key_hash = ? OR prefix = ? OR name = ?", s1, s1, s1).Scan(&n)
		})
		if hash != HashAPIKey(s1) || len(hash) != 64 || n != 0 {
			t.Errorf("stored hash %q, rows holding the secret %d", hash, n)
		}

		// Use: known key works and records the use; unknown does not.
		got, ok, err := db.UseAPIKey(ctx, s1)
		if err != nil || !ok || got.ID != k1.ID || got.LastUsedAt == nil {
			t.Fatalf("UseAPIKey = %+v %v %v", got, ok, err)
		}
		for _, bad := range []string{"", "k311_nope", s1 + "x", strings.ToUpper(s1)} {
			if _, ok, err := db.UseAPIKey(ctx, bad); ok || err != nil {
				t.Errorf("UseAPIKey(%q) = %v, %v", bad, ok, err)
			}
		}
		// Within the minute the use is not written again; after it, it is.
		first := clock.T
		clock.T = clock.T.Add(30 * time.Second)
		db.UseAPIKey(ctx, s1)
		var k APIKey
		db.Read(ctx, func(tx *Tx) error { k, err = tx.APIKey(ctx, k1.ID); return err })
		if !k.LastUsedAt.Equal(first) {
			t.Errorf("last used %v, want %v", k.LastUsedAt, first)
		}
		clock.T = clock.T.Add(time.Minute)
		db.UseAPIKey(ctx, s1)
		db.Read(ctx, func(tx *Tx) error { k, err = tx.APIKey(ctx, k1.ID); return err })
		if !k.LastUsedAt.Equal(clock.T) {
			t.Errorf("last used %v, want %v", k.LastUsedAt, clock.T)
		}

		// List: active first, newest first.
		var list []APIKey
		db.Read(ctx, func(tx *Tx) error { list, err = tx.APIKeys(ctx); return err })
		if len(list) != 2 || list[0].ID != k2.ID || list[1].ID != k1.ID {
			t.Fatalf("list %+v", list)
		}

		// Revoke: once, then idempotent; a revoked key no longer opens the API.
		var revoked bool
		if err := db.Write(ctx, func(tx *Tx) error { k, revoked, err = tx.RevokeAPIKey(ctx, k2.ID); return err }); err != nil || !revoked || !k.Revoked() {
			t.Fatalf("revoke: %+v %v %v", k, revoked, err)
		}
		if err := db.Write(ctx, func(tx *Tx) error { _, revoked, err = tx.RevokeAPIKey(ctx, k2.ID); return err }); err != nil || revoked {
			t.Errorf("second revoke: %v %v", revoked, err)
		}
		if _, ok, _ := db.UseAPIKey(ctx, s2); ok {
			t.Error("revoked key accepted")
		}
		if err := db.Write(ctx, func(tx *Tx) error { _, _, err = tx.RevokeAPIKey(ctx, 9999); return err }); !domain.IsNotFound(err) {
			t.Errorf("revoke unknown: %v", err)
		}
		db.Read(ctx, func(tx *Tx) error { list, err = tx.APIKeys(ctx); return err })
		if len(list) != 2 || list[0].ID != k1.ID || !list[1].Revoked() {
			t.Errorf("list after revoke %+v", list)
		}
	})
}
