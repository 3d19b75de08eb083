package dev.talon.queue;

/**
 * Moves a visitor being served to another service (a multi-step visit).
 *
 * @param service      the service to transfer to
 * @param keepPlace    true to keep the place the visitor first had (its original join order);
 *                     false to join the back of the line
 * @param lineClass    the line class to join, or null to let the policy classify it
 * @param returnAfter  true to send the visitor back to the original service after the new one
 */
public record TransferRequest(String service, boolean keepPlace, String lineClass, boolean returnAfter) {
  public TransferRequest {
    Checks.notBlank("service code", service);
    Checks.optional("line class", lineClass);
  }

  /** To the service, keeping the original place, classified by the policy, no return. */
  public static TransferRequest to(String service) {
    return new TransferRequest(service, true, null, false);
  }

  public TransferRequest backOfLine() {
    return new TransferRequest(service, false, lineClass, returnAfter);
  }

  public TransferRequest inLine(String lineClassName) {
    return new TransferRequest(service, keepPlace, lineClassName, returnAfter);
  }

  public TransferRequest thenReturn() {
    return new TransferRequest(service, keepPlace, lineClass, true);
  }
}
