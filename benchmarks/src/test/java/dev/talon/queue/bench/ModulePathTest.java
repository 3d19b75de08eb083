package dev.talon.queue.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three library jars as Java modules, as an integrator on the module path uses them: a small
 * application module is compiled against them and run in its own JVM with only the module path
 * (no class path). It builds a branch with a JSON policy on an H2 store, issues, calls and
 * reopens it; the engine's internal package is not exported. The tests themselves run on the
 * class path (see the parent pom), so this is what checks the descriptors.
 */
class ModulePathTest {
  /** The jars the application's module path needs, by file name (a reactor build gives class directories). */
  private static final Pattern NEEDED_JAR = Pattern.compile(
      "(queue-core|queue-policies|queue-jdbc|caffeine|jctools-core(-jdk11)?|slf4j-api|jackson-(core|databind|annotations|datatype-jsr310)|h2)"
          + "-[0-9].*\\.jar");
  private static final Pattern NEEDED_DIR = Pattern.compile("queue-(core|policies|jdbc)");

  private static boolean needed(String entry) {
    Path p = Path.of(entry);
    if (entry.endsWith(".jar")) {
      return NEEDED_JAR.matcher(p.getFileName().toString()).matches();
    }
    return p.getFileName().toString().equals("classes") && p.getParent() != null && p.getParent().getParent() != null
        && NEEDED_DIR.matcher(p.getParent().getParent().getFileName().toString()).matches();
  }

  private static final String MODULE_INFO = """
      module talon.smoke {
        requires dev.talon.queue.policies;
        requires dev.talon.queue.jdbc;
        requires com.h2database;
        requires java.naming; // H2's data source implements javax.naming types
      }
      """;

  private static final String MAIN = """
      package smoke;

      import dev.talon.queue.Branch;
      import dev.talon.queue.IssueRequest;
      import dev.talon.queue.Talon;
      import dev.talon.queue.jdbc.JdbcEventStore;
      import dev.talon.queue.policies.Policies;
      import dev.talon.queue.spi.QueueClock;
      import java.time.Instant;
      import org.h2.jdbcx.JdbcDataSource;

      public class Main {
        public static void main(String[] args) {
          JdbcDataSource ds = new JdbcDataSource();
          ds.setURL("jdbc:h2:mem:smoke;DB_CLOSE_DELAY=-1");
          JdbcEventStore store = JdbcEventStore.builder(ds).createSchema(true).build();
          var clock = QueueClock.manual(Instant.parse("2026-11-24T05:00:00Z"));
          Talon talon = Talon.newBranch("m1").service("a", "A", "a").desk("1", "a").clock(clock).store(store)
              .policy(Policies.fromJson("{\\"type\\":\\"booked-first\\"}")).policyResolver(Policies::fromJson);
          Branch b = talon.build();
          b.issue(IssueRequest.walkIn("a"));
          b.issue(IssueRequest.walkIn("a"));
          String first = b.callNext("1").orElseThrow().display();
          b.close();
          Branch again = talon.build();
          String second = again.callNext("1").orElseThrow().display();
          again.close();
          Module core = Branch.class.getModule();
          System.out.println("calls " + first + " " + second);
          System.out.println("module " + core.getName() + " exports internal "
              + core.isExported("dev.talon.queue.internal") + " exports spi " + core.isExported("dev.talon.queue.spi"));
        }
      }
      """;

  @Test
  void modulePath_applicationModuleUsingAllThreeJars_runsWithoutTheClassPath(@TempDir Path dir)
      throws IOException, InterruptedException {
    String modulePath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(ModulePathTest::needed).collect(Collectors.joining(File.pathSeparator));
    Path src = dir.resolve("src/smoke");
    Files.createDirectories(src);
    Files.writeString(dir.resolve("src/module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("Main.java"), MAIN);
    Path out = dir.resolve("out");
    java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
    int javac = ToolProvider.getSystemJavaCompiler().run(null, diagnostics, diagnostics, "--module-path", modulePath,
        "-d", out.toString(), dir.resolve("src/module-info.java").toString(), src.resolve("Main.java").toString());
    assertThat(javac).as("javac with --module-path %s: %s", modulePath, diagnostics).isZero();

    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", out + File.pathSeparator + modulePath, "-m", "talon.smoke/smoke.Main"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(output).contains("calls A-001 A-002")
        .contains("module dev.talon.queue exports internal false exports spi true");
    assertThat(p.exitValue()).as(output).isZero();
  }
}
