-- Client feedback: items, their history, contacts kept apart, reply templates,
-- Open311 API keys, the notification queue and county settings.

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  @TS@ NOT NULL
);

CREATE TABLE feedback (
    id            @ID@,
    code          TEXT NOT NULL UNIQUE,          -- tracking code, canonical form
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    channel       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    class         TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    score         INTEGER,
    face          INTEGER,
    body_masked   TEXT NOT NULL,
    -- The original text may hold health data and identity codes: only the
    -- unit's handlers read it, and every read is audited.
    body_original TEXT NOT NULL,
    mask_count    INTEGER NOT NULL DEFAULT 0,
    lang          TEXT NOT NULL,
    wants_reply   @BOOL@ NOT NULL DEFAULT FALSE,
    recorded_by   BIGINT REFERENCES people(id),
    handler_id    BIGINT REFERENCES people(id),
    received_at   @TS@ NOT NULL,
    due_at        @TS@ NOT NULL,
    answered_at   @TS@,
    closed_at     @TS@,
    reply         TEXT NOT NULL DEFAULT '',
    replied_by    BIGINT REFERENCES people(id),
    published_at  @TS@,
    published_by  BIGINT REFERENCES people(id),
    updated_at    @TS@ NOT NULL,
    service_code  TEXT NOT NULL DEFAULT '',
    lat           DOUBLE PRECISION,
    lon           DOUBLE PRECISION,
    address       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feedback_unit_received ON feedback (unit_id, received_at);
CREATE INDEX feedback_status_due ON feedback (status, due_at);
CREATE INDEX feedback_received ON feedback (received_at);
CREATE INDEX feedback_published ON feedback (published_at);
CREATE INDEX feedback_closed ON feedback (closed_at);
CREATE INDEX feedback_handler ON feedback (handler_id);

-- Contact details live apart from the feedback so that they can be deleted
-- on their own schedule (default 90 days after the item closes) and never
-- travel with the feedback text.
CREATE TABLE feedback_contacts (
    feedback_id   BIGINT PRIMARY KEY REFERENCES feedback(id) ON DELETE CASCADE,
    email         TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    created_at    @TS@ NOT NULL
);

CREATE TABLE feedback_events (
    id            @ID@,
    feedback_id   BIGINT NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
    at            @TS@ NOT NULL,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL,
    actor_id      BIGINT REFERENCES people(id),
    actor_role    TEXT NOT NULL DEFAULT '',
    public        @BOOL@ NOT NULL DEFAULT FALSE,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feedback_events_item ON feedback_events (feedback_id, at);

-- Reply templates per unit (unit_id NULL: for every unit).
CREATE TABLE reply_templates (
    id          @ID@,
    unit_id     BIGINT REFERENCES units(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    lang        TEXT NOT NULL DEFAULT 'fi',
    created_at  @TS@ NOT NULL,
    updated_at  @TS@ NOT NULL
);
CREATE INDEX reply_templates_unit ON reply_templates (unit_id);

-- Open311 API keys issued by administrators. Only a SHA-256 hash is kept.
CREATE TABLE api_keys (
    id          @ID@,
    name        TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    prefix      TEXT NOT NULL,             -- first characters, to recognise a key in lists
    created_at  @TS@ NOT NULL,
    created_by  BIGINT REFERENCES people(id),
    revoked_at  @TS@,
    last_used_at @TS@
);

-- The notification queue. One row per message; event_key is unique so that
-- one event never produces two messages. A worker claims due rows, sends
-- them through the configured driver and marks them sent; failures are
-- retried with backoff until max attempts.
CREATE TABLE messages (
    id              @ID@,
    event_key       TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL,          -- email or sms
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    feedback_id     BIGINT REFERENCES feedback(id) ON DELETE SET NULL,
    status          TEXT NOT NULL,          -- queued, sending, sent, failed
    driver          TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at @TS@ NOT NULL,
    locked_until    @TS@,
    sent_at         @TS@,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      @TS@ NOT NULL
);
CREATE INDEX messages_due ON messages (status, next_attempt_at);
