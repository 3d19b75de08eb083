/**
 * Talon's JDBC event store (H2 and PostgreSQL), its schema files, and {@code BranchNode} for
 * several JVMs on one database.
 */
module dev.talon.queue.jdbc {
  requires transitive dev.talon.queue;
  requires transitive java.sql;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires org.slf4j;
  requires jdk.jfr;
  // Optional: only NodeMetrics uses it, and only an application that has Micrometer calls it.
  requires static micrometer.core;

  exports dev.talon.queue.jdbc;
}
