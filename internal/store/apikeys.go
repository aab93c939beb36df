package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"time"

	"kuulu/internal/domain"
)

// APIKey is an Open311 API key as administrators see it. The key itself is
// never stored: only its SHA-256 hash, and a prefix to recognise it by.
type APIKey struct {
	ID         int64
	Name       string
	Prefix     string
	CreatedAt  time.Time
	CreatedBy  int64
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// Revoked reports whether the key no longer opens the API.
func (k APIKey) Revoked() bool { return k.RevokedAt != nil }

// APIKeyPrefixLen is how many leading characters of a key are kept in clear.
const APIKeyPrefixLen = 13

// apiKeyUseInterval is how often last_used_at is written for a busy key:
// the column says "recently", not every request, so that the API does not
// write a row per call.
const apiKeyUseInterval = time.Minute

// NewAPIKeySecret returns a fresh key: "k311_" and 64 hex digits (256 bits
// from crypto/rand).
func NewAPIKeySecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "k311_" + hex.EncodeToString(b), nil
}

// HashAPIKey returns the stored form of a key: hex SHA-256. Keys carry 256
// random bits, so a fast unsalted hash is enough to make a stolen table
// useless.
func HashAPIKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// APIKeyPrefix is the part of a key shown in lists.
func APIKeyPrefix(key string) string {
	if len(key) <= APIKeyPrefixLen {
		return key
	}
	return key[:APIKeyPrefixLen]
}

const apiKeyCols = "id, name, prefix, created_at, COALESCE(created_by, 0), revoked_at, last_used_at"

func scanAPIKey(s interface{ Scan(...any) error }) (APIKey, error) {
	var k APIKey
	var revoked, used sql.NullTime
	err := s.Scan(&k.ID, &k.Name, &k.Prefix, &k.CreatedAt, &k.CreatedBy, &revoked, &used)
	k.RevokedAt, k.LastUsedAt = timePtr(revoked), timePtr(used)
	return k, err
}

// CreateAPIKey issues a new key named name and returns it with the full key,
// which exists only in this return value: show it once and forget it.
func (tx *Tx) CreateAPIKey(ctx context.Context, name string, createdBy int64) (APIKey, string, error) {
	secret, err := NewAPIKeySecret()
	if err != nil {
		return APIKey{}, "", err
	}
	k := APIKey{Name: name, Prefix: APIKeyPrefix(secret), CreatedAt: tx.Now(), CreatedBy: createdBy}
	k.ID, err = tx.InsertID(ctx, "INSERT INTO api_keys (name, key_hash, prefix, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
		k.Name, HashAPIKey(secret), k.Prefix, k.CreatedAt, nullID(createdBy))
	if err != nil {
		return APIKey{}, "", err
	}
	return k, secret, nil
}

// APIKeys lists every key, active ones first, newest first.
func (tx *Tx) APIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := tx.Query(ctx, "SELECT "+apiKeyCols+" FROM api_keys ORDER BY CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// APIKey returns one key by id.
func (tx *Tx) APIKey(ctx context.Context, id int64) (APIKey, error) {
	k, err := scanAPIKey(tx.QueryRow(ctx, "SELECT "+apiKeyCols+" FROM api_keys WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return k, domain.NotFound("api key", id)
	}
	return k, err
}

// RevokeAPIKey revokes a key. It reports whether this call revoked it
// (false when it already was).
func (tx *Tx) RevokeAPIKey(ctx context.Context, id int64) (APIKey, bool, error) {
	res, err := tx.Exec(ctx, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", tx.Now(), id)
	if err != nil {
		return APIKey{}, false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return APIKey{}, false, err
	}
	k, err := tx.APIKey(ctx, id)
	return k, n > 0, err
}

// UseAPIKey checks a key presented to the API: it returns the key and true
// when it exists and is not revoked, and records the use (at most once a
// minute per key). An unknown or revoked key is (APIKey{}, false, nil).
func (db *DB) UseAPIKey(ctx context.Context, key string) (APIKey, bool, error) {
	if key == "" {
		return APIKey{}, false, nil
	}
	hash := HashAPIKey(key)
	var k APIKey
	err := db.Read(ctx, func(tx *Tx) error {
		var err error
		k, err = scanAPIKey(tx.QueryRow(ctx, "SELECT "+apiKeyCols+" FROM api_keys WHERE key_hash = ?", hash))
		return err
	})
	if domain.IsNotFound(err) {
		return APIKey{}, false, nil
	}
	if err != nil {
		return APIKey{}, false, err
	}
	if k.Revoked() {
		return APIKey{}, false, nil
	}
	now := db.Now()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= apiKeyUseInterval {
		err := db.Write(ctx, func(tx *Tx) error {
			_, err := tx.Exec(ctx, "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
				now, k.ID, now.Add(-apiKeyUseInterval))
			return err
		})
		if err != nil {
			return APIKey{}, false, err
		}
		k.LastUsedAt = &now
	}
	return k, true, nil
}
