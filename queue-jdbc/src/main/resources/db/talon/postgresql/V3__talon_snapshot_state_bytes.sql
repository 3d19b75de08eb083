-- Talon event store schema, version 3 (PostgreSQL 12 or newer): snapshot state as bytes
--
-- Applied in order (V1, V2, ...) by JdbcEventStore.builder(dataSource).createSchema(true) at start,
-- by Flyway when this directory is one of its locations, or by hand (psql -f / RUNSCRIPT) when the
-- store refuses to start and names this file. Written for the default table prefix talon_; with
-- another prefix every name below that starts with talon_ starts with that prefix instead.

-- Which numbered files of this directory have run (the store's own record, apart from any tool's,
-- e.g. Flyway's flyway_schema_history). Every file creates it if missing and records itself last,
-- so a database upgraded by hand, by Flyway or by the store at start says which version it is at.
CREATE TABLE IF NOT EXISTS talon_schema_history (
  version      INTEGER                  NOT NULL,
  description  VARCHAR(200)             NOT NULL,
  script       VARCHAR(200)             NOT NULL,
  installed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT talon_schema_history_pk PRIMARY KEY (version)
);
COMMENT ON TABLE talon_schema_history IS 'Versions of the Talon event store schema applied to this database';

-- Snapshots hold the engine's own binary encoding (it starts with the engine's format header), so
-- the state column becomes bytes and the separate format column goes. The first release created
-- the table but never wrote to it, and no release could write to it since (the store's insert
-- leaves out the format column, which has no default; on PostgreSQL the JSONB type also refuses
-- the engine's bytes), so any row in it was not written by Talon and cannot be read: they are
-- removed. Snapshots only shorten recovery; the events they summarise are all still in
-- talon_events, and opening a branch replays them.
DELETE FROM talon_snapshots;
ALTER TABLE talon_snapshots DROP COLUMN IF EXISTS format;
ALTER TABLE talon_snapshots ALTER COLUMN state TYPE BYTEA USING NULL;
ALTER TABLE talon_snapshots DROP CONSTRAINT IF EXISTS talon_snapshots_seq_positive;
ALTER TABLE talon_snapshots ADD CONSTRAINT talon_snapshots_seq_positive CHECK (seq > 0);
COMMENT ON TABLE talon_snapshots IS 'Talon branch snapshots: state after event seq, to shorten recovery';
COMMENT ON COLUMN talon_snapshots.seq IS 'The last event the state includes';
COMMENT ON COLUMN talon_snapshots.state IS 'The branch state as the engine encoded it (opaque bytes)';

-- The branch's events from a point in time on (EventStore.loadSince: occurred_at >= ?, in seq
-- order), read when a branch opens for listeners that want the recent history. Without it the
-- query would scan the branch's whole history through the primary key; with it, only the tail.
-- It costs every append one more index entry per event. Retention uses it too
-- (EventStore.removeHistoryBefore: DELETE ... WHERE branch_id = ? AND occurred_at < ? AND seq <= the
-- newest snapshot's seq), removing a branch's old history without scanning what it keeps.
CREATE INDEX IF NOT EXISTS talon_events_time_idx ON talon_events (branch_id, occurred_at);

INSERT INTO talon_schema_history (version, description, script)
SELECT 3, 'snapshot state as bytes, events by time', 'V3__talon_snapshot_state_bytes.sql'
WHERE NOT EXISTS (SELECT 1 FROM talon_schema_history WHERE version = 3);
