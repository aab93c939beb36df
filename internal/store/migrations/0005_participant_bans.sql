-- When a coordinator last banned or unbanned a participant (NULL: never).
-- A banned participant's votes stay stored and in the open-data export but
-- are left out of the analysis and of the counts shown with it; the
-- background analysis (internal/mapping) rebuilds a conversation's map from
-- the votes that count when a ban is set or lifted, and finds those changes
-- by this time, as it finds moderated statements by statements.moderated_at.
ALTER TABLE conversation_participants ADD COLUMN ban_changed_at @TS@;
CREATE INDEX conversation_participants_ban ON conversation_participants (conversation_id, ban_changed_at);
