-- 005_entries.sql: what issue 3 (uploads and images) adds to the schema.
--
-- media.card: the upload made a 1200x630 share card (<token>_card.jpg),
-- which the share page uses as its og:image; entries uploaded before this
-- migration have none and keep the display image.
-- media_phash_idx: the near-duplicate search compares every photo's dHash
-- (bit_count of the XOR); the index keeps that scan on a narrow relation.

SET search_path = netdep, pg_catalog;

ALTER TABLE media ADD COLUMN card boolean NOT NULL DEFAULT false;

CREATE INDEX media_phash_idx ON media (phash, entry_id)
    WHERE phash IS NOT NULL;

-- Table-level grants of 001 cover the new column; nothing else to grant.
