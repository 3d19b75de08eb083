package dev.talon.queue.spi;

import dev.talon.queue.Ticket;
import java.util.Objects;

/** {@link LineView#of}: a line view of fixed values. */
record FixedLineView(String service, String lineClass, int waiting, Ticket head) implements LineView {
  FixedLineView {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(lineClass, "lineClass");
    Objects.requireNonNull(head, "head");
  }
}
