-- Personal access tokens for the REST API. Only the SHA-256 of the token is
-- kept: the token is 32 random bytes, so a slow hash adds nothing against
-- guessing, and a fast one lets every request be checked by one indexed
-- lookup. The token acts with its owner's role, narrowed by its scope.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_member ON api_tokens (member_id);
