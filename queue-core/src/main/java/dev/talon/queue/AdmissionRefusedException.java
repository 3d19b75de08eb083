package dev.talon.queue;

/**
 * An admission check, or the branch's admission mode, refused the request. The exception names
 * the check and carries its reason so that a kiosk can show it.
 */
public class AdmissionRefusedException extends QueueException {
  private static final long serialVersionUID = 1L;

  private final String check;
  private final String reason;

  public AdmissionRefusedException(String check, String reason) {
    super("admission refused by " + check + ": " + reason);
    this.check = check;
    this.reason = reason;
  }

  /** The name of the check that refused. */
  public String check() {
    return check;
  }

  /** The reason the check gave. */
  public String reason() {
    return reason;
  }
}
