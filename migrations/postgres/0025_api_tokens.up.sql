-- Personal access tokens for the REST API. Only the SHA-256 of the token is
-- kept: the token is 32 random bytes, so a slow hash adds nothing against
-- guessing, and a fast one lets every request be checked by one indexed
-- lookup. The token acts with its owner's role, narrowed by its scope.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_by BIGINT REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_member ON api_tokens (member_id);
