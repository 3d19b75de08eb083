package dev.talon.queue.bench.sim;

import dev.talon.queue.Branch;
import dev.talon.queue.TalonMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Sees each policy's branch of a simulation: when it is built and just before it is closed. */
interface BranchWatcher {
  BranchWatcher NONE = new BranchWatcher() {};

  default void opened(String policy, Branch branch) {}

  default void closing(String policy, Branch branch) {}

  /**
   * Binds each policy's branch to its own Micrometer registry (TalonMetrics, as an embedding
   * application would) and appends what the registry holds at the end of the run to {@code file}:
   * one section per policy, the meters as Micrometer's SimpleMeterRegistry lists them.
   */
  static BranchWatcher metrics(Path file) {
    try {
      Files.writeString(file, "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return new BranchWatcher() {
      private SimpleMeterRegistry registry;

      @Override
      public void opened(String policy, Branch branch) {
        registry = new SimpleMeterRegistry();
        TalonMetrics.bind(branch, registry);
      }

      @Override
      public void closing(String policy, Branch branch) {
        try {
          Files.writeString(file, "# policy " + policy + "\n" + registry.getMetersAsString() + "\n\n",
              StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write " + file, e);
        }
        registry.close();
      }
    };
  }
}
