package dev.talon.queue.bench.sim;

/**
 * A scenario file is malformed or breaks a rule. The message names the file, the JSON path of
 * the offending value (e.g. {@code $.services[1].serviceMinutes.mean}) and the rule it broke.
 */
public final class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String rule;

  ScenarioException(String path, String rule) {
    super(path + ": " + rule);
    this.path = path;
    this.rule = rule;
  }

  private ScenarioException(String source, ScenarioException cause) {
    super(source + ": " + cause.getMessage(), cause);
    this.path = cause.path;
    this.rule = cause.rule;
  }

  /** The JSON path of the offending value; {@code $} for the whole document. */
  public String path() {
    return path;
  }

  /** The rule broken, with the offending value. */
  public String rule() {
    return rule;
  }

  /** The same failure, with the file (or bundled name) it came from in front of the message. */
  ScenarioException in(String source) {
    return new ScenarioException(source, this);
  }
}
