package dev.talon.queue.spi;

/**
 * The answer of an admission check.
 *
 * @param admitted true to let the request through
 * @param reason   why it was refused; null when admitted
 */
public record AdmissionDecision(boolean admitted, String reason) {
  private static final AdmissionDecision ADMIT = new AdmissionDecision(true, null);

  public AdmissionDecision {
    if (!admitted && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("a refusal must carry a reason");
    }
  }

  /** Let the request through. */
  public static AdmissionDecision admit() {
    return ADMIT;
  }

  /** Refuse it, saying why. */
  public static AdmissionDecision refuse(String reason) {
    return new AdmissionDecision(false, reason);
  }
}
