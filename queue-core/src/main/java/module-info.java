/**
 * Talon's engine: the API ({@code dev.talon.queue}: the {@code Talon} builder, {@code Branch},
 * records, events, exceptions) and the SPI ({@code dev.talon.queue.spi}: policies, stores,
 * admission checks, clocks, listeners). The engine's machinery ({@code dev.talon.queue.internal})
 * is not exported; test kits reach what they need through {@code dev.talon.queue.Inspection}.
 */
module dev.talon.queue {
  requires org.slf4j;
  requires com.github.benmanes.caffeine;
  requires org.jctools.core.jdk11;
  requires jdk.jfr;
  // Optional: only TalonMetrics uses it, and only an application that has Micrometer calls it.
  requires static micrometer.core;

  exports dev.talon.queue;
  exports dev.talon.queue.spi;
}
