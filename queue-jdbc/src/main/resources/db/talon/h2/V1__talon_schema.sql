-- Talon event store schema, version 1 (H2 2.x): the schema as first released (branches, events, snapshots)
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

-- The first release's version marker, read by releases before versioned files (one row, version 1).
-- Kept as it was, so that a node of such a release still starts during a rolling upgrade.
CREATE TABLE IF NOT EXISTS talon_schema_version (
  version      INTEGER                  NOT NULL,
  description  VARCHAR(200)             NOT NULL,
  installed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT talon_schema_version_pk PRIMARY KEY (version)
);
COMMENT ON TABLE talon_schema_version IS 'Installed versions of the Talon event store schema';

-- One row per branch: the fencing token of its current owner. Every append locks this row
-- (UPDATE ... WHERE fence <= token), so appends of one branch are serialised and a writer with an
-- older token is refused.
CREATE TABLE IF NOT EXISTS talon_branches (
  branch_id  VARCHAR(64)              NOT NULL,
  fence      BIGINT                   NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT talon_branches_pk PRIMARY KEY (branch_id)
);
COMMENT ON TABLE talon_branches IS 'Talon branches and the fencing token of the engine that owns each';
COMMENT ON COLUMN talon_branches.fence IS 'Highest fencing token seen; appends with an older token are refused';

-- The append-only log: every state change of every branch, in sequence order. The primary key
-- (branch_id, seq) is the conditional append: a second writer of the same sequence number fails.
CREATE TABLE IF NOT EXISTS talon_events (
  branch_id   VARCHAR(64)              NOT NULL,
  seq         BIGINT                   NOT NULL,
  type        VARCHAR(64)              NOT NULL,
  occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
  ticket_id   BIGINT,
  payload     VARCHAR                  NOT NULL,
  recorded_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT talon_events_pk PRIMARY KEY (branch_id, seq),
  CONSTRAINT talon_events_branch_fk FOREIGN KEY (branch_id) REFERENCES talon_branches (branch_id),
  CONSTRAINT talon_events_seq_positive CHECK (seq > 0)
);
COMMENT ON TABLE talon_events IS 'Talon events: the append-only history of each branch, replayed at start';
COMMENT ON COLUMN talon_events.seq IS 'Position in the branch history: 1, 2, 3, ... without gaps';
COMMENT ON COLUMN talon_events.type IS 'Event type: the simple name of the QueueEvent record, e.g. TicketIssued';
COMMENT ON COLUMN talon_events.occurred_at IS 'The branch clock time of the change';
COMMENT ON COLUMN talon_events.ticket_id IS 'The ticket the event is about, when it is about one';
COMMENT ON COLUMN talon_events.payload IS 'The event as JSON, written by EventCodec';
COMMENT ON COLUMN talon_events.recorded_at IS 'The database time of the commit that wrote it';

-- The history of one ticket (audit, "what happened to A-017?") without scanning the branch.
CREATE INDEX IF NOT EXISTS talon_events_ticket_idx ON talon_events (branch_id, ticket_id);

-- Snapshots of a branch state after event seq, so that recovery replays only the tail after the
-- newest one. Reserved for the snapshot feature; the store does not write it yet.
CREATE TABLE IF NOT EXISTS talon_snapshots (
  branch_id  VARCHAR(64)              NOT NULL,
  seq        BIGINT                   NOT NULL,
  format     INTEGER                  NOT NULL,
  state      VARCHAR                  NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT talon_snapshots_pk PRIMARY KEY (branch_id, seq),
  CONSTRAINT talon_snapshots_branch_fk FOREIGN KEY (branch_id) REFERENCES talon_branches (branch_id)
);
COMMENT ON TABLE talon_snapshots IS 'Talon branch snapshots: state after event seq, to shorten recovery';

INSERT INTO talon_schema_version (version, description)
SELECT 1, 'branches, events, snapshots'
WHERE NOT EXISTS (SELECT 1 FROM talon_schema_version WHERE version = 1);

INSERT INTO talon_schema_history (version, description, script)
SELECT 1, 'branches, events, snapshots (as first released)', 'V1__talon_schema.sql'
WHERE NOT EXISTS (SELECT 1 FROM talon_schema_history WHERE version = 1);
