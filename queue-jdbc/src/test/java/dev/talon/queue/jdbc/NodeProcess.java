package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@link NodeWorker} in a child JVM, with its output lines and the signals the tests send it. */
final class NodeProcess {
  final String nodeId;
  private final Process process;
  private final Path stderr;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private NodeProcess(String nodeId, Process process, Path stderr) {
    this.nodeId = nodeId;
    this.process = process;
    this.stderr = stderr;
    this.reader = new Thread(this::read, "read-" + nodeId);
    reader.setDaemon(true);
    reader.start();
  }

  static NodeProcess start(String url, String nodeId, long ttlMillis, long heartbeatMillis, int maxBranches,
      String branches, long pauseMillis, long seed) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path err = Files.createTempFile("node-" + nodeId, ".err");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx128m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:CICompilerCount=1", "-Xshare:auto",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", NodeWorker.class.getName(), url, nodeId,
        String.valueOf(ttlMillis), String.valueOf(heartbeatMillis), String.valueOf(maxBranches), branches,
        String.valueOf(pauseMillis), String.valueOf(seed))
        .redirectError(err.toFile())
        .start();
    return new NodeProcess(nodeId, p, err);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException killed) {
      // the process is gone; a cut-off last line is dropped by readLine's contract only if incomplete
    }
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits until a line matches; fails with the node's output if none does in time. */
  String await(Predicate<String> match, long timeoutMillis, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      for (String line : lines) {
        if (match.test(line)) {
          return line;
        }
      }
      Thread.sleep(10);
    }
    return fail("node " + nodeId + " did not report " + what + " within " + timeoutMillis + " ms; output tail:\n"
        + tail() + "\nstderr:\n" + tailOf(Files.readString(stderr)));
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no release of leases. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the JVM freezes where it is, holding whatever it holds. */
  void pause() throws Exception {
    signal("-STOP");
  }

  /** SIGCONT. */
  void resume() throws Exception {
    signal("-CONT");
  }

  /** SIGTERM: the node closes and hands its branches over. */
  void terminate() throws Exception {
    signal("-TERM"); // not Process.destroy(), which closes our end of the pipe before the last lines arrive
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(10_000); // its last lines
  }

  /** Called once the process ended: waits for the last output and removes the stderr file. */
  void finish() throws Exception {
    if (process.isAlive()) {
      kill();
    }
    reader.join(10_000);
    Files.deleteIfExists(stderr);
  }

  private void signal(String sig) throws Exception {
    Process k = new ProcessBuilder("kill", sig, String.valueOf(process.pid())).redirectErrorStream(true).start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      fail("kill " + sig + " " + process.pid() + " failed: " + new String(k.getInputStream().readAllBytes()));
    }
  }

  private String tail() {
    List<String> all = new ArrayList<>(lines);
    return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
  }

  private static String tailOf(String text) {
    return text.length() <= 3000 ? text : text.substring(text.length() - 3000);
  }
}
