package dev.talon.queue.jdbc;

import dev.talon.queue.InvalidConfigurationException;
import java.util.List;

/**
 * The database's Talon schema is not the version this release reads and writes, and the store
 * will not start on it: it is older and schema creation is off (then {@link #scripts()} names the
 * numbered files to run, in order), or it is newer than this release knows (then
 * {@link #scripts()} is empty). Nothing in the database was changed.
 */
public class SchemaVersionException extends InvalidConfigurationException {
  private static final long serialVersionUID = 1L;

  private final int found;
  private final int expected;
  private final List<String> scripts;

  public SchemaVersionException(String message, int found, int expected, List<String> scripts) {
    super(message);
    this.found = found;
    this.expected = expected;
    this.scripts = List.copyOf(scripts);
  }

  /** The version the database is at; 0 when it holds no Talon tables. */
  public int found() {
    return found;
  }

  /** The version this release needs. */
  public int expected() {
    return expected;
  }

  /** The resource paths (in the queue-jdbc jar) of the files that bring the schema up to date, in order. */
  public List<String> scripts() {
    return scripts;
  }
}
