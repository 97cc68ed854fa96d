-- Every sequenced publication of a history-keeping channel, once: (channel, offset) is unique,
-- so replays of the sequenced log are harmless. The publication is kept as the exact JSON
-- that travelled the log (json, not jsonb: its bytes are returned as they came).
CREATE TABLE publications (
    channel        text        NOT NULL,
    "offset"       bigint      NOT NULL,
    epoch          text        NOT NULL,
    publication_id text        NOT NULL,
    published_at   timestamptz NOT NULL,
    stored_at      timestamptz NOT NULL DEFAULT now(),
    publication    json        NOT NULL,
    PRIMARY KEY (channel, "offset")
);

-- Retention by age scans by time.
CREATE INDEX publications_published_at ON publications (published_at);
