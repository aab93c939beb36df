-- Foundation: organisation, people and roles, sessions, audit log, rate limits,
-- editable pages. Tokens @ID@ @TS@ @BOOL@ are replaced per dialect (dialect.go).

CREATE TABLE county (
    id          INTEGER PRIMARY KEY,
    name_fi     TEXT NOT NULL,
    name_sv     TEXT NOT NULL DEFAULT '',
    name_en     TEXT NOT NULL DEFAULT '',
    updated_at  @TS@ NOT NULL
);

CREATE TABLE service_areas (
    id          @ID@,
    slug        TEXT NOT NULL UNIQUE,
    name_fi     TEXT NOT NULL,
    name_sv     TEXT NOT NULL DEFAULT '',
    name_en     TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  @TS@ NOT NULL,
    updated_at  @TS@ NOT NULL
);

CREATE TABLE units (
    id              @ID@,
    service_area_id BIGINT NOT NULL REFERENCES service_areas(id),
    slug            TEXT NOT NULL UNIQUE,
    name_fi         TEXT NOT NULL,
    name_sv         TEXT NOT NULL DEFAULT '',
    name_en         TEXT NOT NULL DEFAULT '',
    municipality    TEXT NOT NULL,
    street_address  TEXT NOT NULL DEFAULT '',
    postal_code     TEXT NOT NULL DEFAULT '',
    active          @BOOL@ NOT NULL DEFAULT TRUE,
    created_at      @TS@ NOT NULL,
    updated_at      @TS@ NOT NULL
);
CREATE INDEX units_area ON units (service_area_id);

CREATE TABLE people (
    id              @ID@,
    email           TEXT NOT NULL UNIQUE,       -- stored lower-case; the login name
    name            TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    unit_id         BIGINT REFERENCES units(id), -- home unit, for staff quick entry defaults
    password_hash   TEXT NOT NULL DEFAULT '',   -- argon2id PHC string; empty: SSO only
    oidc_subject    TEXT UNIQUE,                -- issuer|subject of the SSO identity
    lang            TEXT NOT NULL DEFAULT 'fi',
    active          @BOOL@ NOT NULL DEFAULT TRUE,
    created_at      @TS@ NOT NULL,
    updated_at      @TS@ NOT NULL,
    last_login_at   @TS@
);
CREATE INDEX people_unit ON people (unit_id);

-- A person holds roles; supervisor grants name a unit, the others have none.
CREATE TABLE role_grants (
    id          @ID@,
    person_id   BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    unit_id     BIGINT REFERENCES units(id) ON DELETE CASCADE,
    created_at  @TS@ NOT NULL
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants (person_id, role, COALESCE(unit_id, 0));
CREATE INDEX role_grants_unit ON role_grants (unit_id);

-- Sessions live in the database so that any instance can serve any request.
-- Only a SHA-256 hash of the cookie value is stored: a leaked table does not
-- let anyone sign in.
CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at    @TS@ NOT NULL,
    last_seen_at  @TS@ NOT NULL,
    expires_at    @TS@ NOT NULL,
    ip            TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Fixed-window counters shared by all instances: login throttling and public
-- rate limits. Old windows are deleted by the housekeeping job.
CREATE TABLE rate_counters (
    bucket        TEXT NOT NULL,
    window_start  @TS@ NOT NULL,
    hits          INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

-- Single sign-on round trips: state, nonce and PKCE verifier between the
-- redirect to the identity provider and the callback.
CREATE TABLE oidc_states (
    state       TEXT PRIMARY KEY,
    nonce       TEXT NOT NULL,
    verifier    TEXT NOT NULL,
    return_to   TEXT NOT NULL DEFAULT '/',
    created_at  @TS@ NOT NULL
);

-- Who did what to which object, when and from where. Every module writes here.
CREATE TABLE audit_log (
    id           @ID@,
    at           @TS@ NOT NULL,
    actor_id     BIGINT,
    actor_name   TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL DEFAULT '',
    object_id    TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

-- Pages whose text administrators edit, per language: the accessibility statement.
CREATE TABLE pages (
    slug        TEXT NOT NULL,
    lang        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  @TS@ NOT NULL,
    updated_by  BIGINT,
    PRIMARY KEY (slug, lang)
);
