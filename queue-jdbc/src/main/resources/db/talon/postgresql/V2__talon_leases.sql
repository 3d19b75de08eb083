-- Talon event store schema, version 2 (PostgreSQL 12 or newer): branch leases for several nodes (BranchNode)
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

INSERT INTO talon_schema_history (version, description, script)
SELECT 2, 'branch leases', 'V2__talon_leases.sql'
WHERE NOT EXISTS (SELECT 1 FROM talon_schema_history WHERE version = 2);
