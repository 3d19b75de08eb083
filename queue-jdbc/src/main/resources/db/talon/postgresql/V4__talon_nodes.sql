-- Talon event store schema, version 4 (PostgreSQL 12 or newer): the node registry (BranchNode balancing and routing)
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

INSERT INTO talon_schema_history (version, description, script)
SELECT 4, 'node registry', 'V4__talon_nodes.sql'
WHERE NOT EXISTS (SELECT 1 FROM talon_schema_history WHERE version = 4);
