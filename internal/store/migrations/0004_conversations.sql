-- Opinion-mapping conversations: statements, participants, votes and the
-- latest analysis result of each conversation.

CREATE TABLE conversations (
    id               @ID@,
    slug             TEXT NOT NULL UNIQUE,
    topic_fi         TEXT NOT NULL,
    topic_sv         TEXT NOT NULL DEFAULT '',
    topic_en         TEXT NOT NULL DEFAULT '',
    description_fi   TEXT NOT NULL DEFAULT '',
    description_sv   TEXT NOT NULL DEFAULT '',
    description_en   TEXT NOT NULL DEFAULT '',
    background_fi    TEXT NOT NULL DEFAULT '',
    background_sv    TEXT NOT NULL DEFAULT '',
    background_en    TEXT NOT NULL DEFAULT '',
    unit_id          BIGINT REFERENCES units(id),
    service_area_id  BIGINT REFERENCES service_areas(id),
    opens_at         @TS@ NOT NULL,
    closes_at        @TS@,
    allow_statements @BOOL@ NOT NULL DEFAULT TRUE,
    moderation       TEXT NOT NULL,
    identification   TEXT NOT NULL,
    report_open      @BOOL@ NOT NULL DEFAULT FALSE,
    closed           @BOOL@ NOT NULL DEFAULT FALSE,
    created_by       BIGINT REFERENCES people(id),
    created_at       @TS@ NOT NULL,
    updated_at       @TS@ NOT NULL
);

CREATE TABLE conversation_participants (
    id               @ID@,
    conversation_id  BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    -- SHA-256 of the participant cookie, or the OIDC subject when identified.
    token_hash       TEXT NOT NULL,
    subject          TEXT NOT NULL DEFAULT '',
    banned           @BOOL@ NOT NULL DEFAULT FALSE,
    created_at       @TS@ NOT NULL,
    last_vote_at     @TS@,
    -- The participant's id in an imported Polis export (0 when native).
    external_id      BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX conversation_participants_token ON conversation_participants (conversation_id, token_hash);

CREATE TABLE statements (
    id               @ID@,
    conversation_id  BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    text             TEXT NOT NULL,                 -- masked for personal data
    author_id        BIGINT REFERENCES conversation_participants(id),
    seed             @BOOL@ NOT NULL DEFAULT FALSE,
    meta             @BOOL@ NOT NULL DEFAULT FALSE,
    status           TEXT NOT NULL,                 -- pending, accepted, rejected
    reject_reason    TEXT NOT NULL DEFAULT '',
    lang             TEXT NOT NULL DEFAULT 'fi',
    created_at       @TS@ NOT NULL,
    moderated_by     BIGINT REFERENCES people(id),
    moderated_at     @TS@,
    external_id      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX statements_conversation ON statements (conversation_id, status);

-- The current answer of a participant to a statement: the last answer counts.
-- Value in the export sign: agree +1, disagree −1, pass 0.
CREATE TABLE votes (
    conversation_id  BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    participant_id   BIGINT NOT NULL REFERENCES conversation_participants(id) ON DELETE CASCADE,
    statement_id     BIGINT NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    value            INTEGER NOT NULL,
    voted_at         @TS@ NOT NULL,
    PRIMARY KEY (participant_id, statement_id)
);
CREATE INDEX votes_conversation ON votes (conversation_id, voted_at);
CREATE INDEX votes_statement ON votes (statement_id);

-- The latest analysis of each conversation, computed in the background and
-- read by every instance. votes_seen is the vote count the result is based on.
CREATE TABLE conversation_results (
    conversation_id  BIGINT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    computed_at      @TS@ NOT NULL,
    votes_seen       BIGINT NOT NULL,
    last_vote_at     @TS@,
    result_json      TEXT NOT NULL
);
