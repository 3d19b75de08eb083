-- Talon event store, schema version 1, for H2 2.x (in memory or in a file opened with ;WRITE_DELAY=0).
--
-- Run it as it is (RUNSCRIPT FROM 'h2.sql') for the default table prefix talon_, or let the store
-- run it at start with JdbcEventStore.builder(dataSource).createSchema(true). With another prefix
-- (tablePrefix("x_")) every name below that starts with talon_ starts with that prefix instead.
-- Every statement is idempotent (IF NOT EXISTS), so running the file twice changes nothing.

-- Which schema versions are installed. The store refuses to start on a version newer than it knows.
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

-- The branch's events from a point in time on (EventStore.loadSince: occurred_at >= ?, in seq
-- order), read when a branch opens for listeners that want the recent history. Without it the
-- query would scan the branch's whole history through the primary key; with it, only the tail.
-- It costs every append one more index entry per event. Retention uses it too
-- (EventStore.removeHistoryBefore: DELETE ... WHERE branch_id = ? AND occurred_at < ? AND seq <= the
-- newest snapshot's seq), removing a branch's old history without scanning what it keeps.
CREATE INDEX IF NOT EXISTS talon_events_time_idx ON talon_events (branch_id, occurred_at);

-- Snapshots of a branch's state after event seq, so that opening the branch replays only the
-- events after the newest one. The state is the engine's encoding, opaque to the store (it starts
-- with the engine's own format header). The store keeps the newest two of each branch: saving one
-- deletes the older ones in the same transaction, and one not newer than the newest stored is not
-- written. A snapshot follows the events it includes, so its branch has a talon_branches row; the
-- foreign key refuses one for a branch without events.
CREATE TABLE IF NOT EXISTS talon_snapshots (
  branch_id  VARCHAR(64)              NOT NULL,
  seq        BIGINT                   NOT NULL,
  state      BLOB                     NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT talon_snapshots_pk PRIMARY KEY (branch_id, seq),
  CONSTRAINT talon_snapshots_branch_fk FOREIGN KEY (branch_id) REFERENCES talon_branches (branch_id),
  CONSTRAINT talon_snapshots_seq_positive CHECK (seq > 0)
);
COMMENT ON TABLE talon_snapshots IS 'Talon branch snapshots: state after event seq, to shorten recovery';
COMMENT ON COLUMN talon_snapshots.seq IS 'The last event the state includes';
COMMENT ON COLUMN talon_snapshots.state IS 'The branch state as the engine encoded it (opaque bytes)';

-- Branch leases for several nodes on one database (BranchNode): one row per branch, naming the node
-- that serves it until expires_at (the database clock). Acquiring a lease raises epoch, and the
-- same transaction raises talon_branches.fence to it, so appends of the previous owner are refused.
-- owner is null after a graceful release.
CREATE TABLE IF NOT EXISTS talon_leases (
  branch_id   VARCHAR(64)              NOT NULL,
  owner       VARCHAR(128),
  epoch       BIGINT                   NOT NULL,
  expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  acquired_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT talon_leases_pk PRIMARY KEY (branch_id)
);
COMMENT ON TABLE talon_leases IS 'Talon branch leases: which node serves each branch, under which epoch, until when';
COMMENT ON COLUMN talon_leases.epoch IS 'Ownership epoch, raised by every acquisition; the owner appends with it as fencing token';
COMMENT ON COLUMN talon_leases.expires_at IS 'Database time after which another node may take the branch over';

-- The nodes sharing the database (BranchNode): one row per live node, renewed by its heartbeat
-- like a lease. The nodes read it to spread the branches evenly (each holds its share of them),
-- and to tell a request's router where a branch is served (address). A node deletes its row when
-- it closes; the row of a node that died expires after the lease TTL.
CREATE TABLE IF NOT EXISTS talon_nodes (
  node_id      VARCHAR(128)             NOT NULL,
  address      VARCHAR(512)             NOT NULL,
  held         INTEGER                  NOT NULL,
  max_branches INTEGER                  NOT NULL,
  expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT talon_nodes_pk PRIMARY KEY (node_id)
);
COMMENT ON TABLE talon_nodes IS 'Talon nodes serving branches from this database: address, branches held, until when alive';

INSERT INTO talon_schema_version (version, description)
SELECT 1, 'branches, events, snapshots, leases'
WHERE NOT EXISTS (SELECT 1 FROM talon_schema_version WHERE version = 1);
