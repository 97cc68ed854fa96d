-- The highest offset each channel ever stored. Retention deletes publications, never this: a
-- channel stream that restarts continues above it, so offsets are never given twice.
CREATE TABLE channel_tops (
    channel    text        PRIMARY KEY,
    top_offset bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO channel_tops (channel, top_offset)
SELECT channel, max("offset") FROM publications GROUP BY channel;
