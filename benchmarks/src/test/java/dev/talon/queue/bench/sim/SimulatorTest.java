package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Simulator.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void main_noScenario_runsTheDefaultAndPrintsTheTableAndTheReportPath(@TempDir Path dir) throws Exception {
    int code = run("-o", dir.toString(), "--quiet");

    assertThat(code).as(stderr()).isZero();
    Path html = dir.resolve("booking-dropped-morning").resolve("report.html").toAbsolutePath();
    assertThat(stdout())
        .contains("Talon day simulator: booking-dropped-morning")
        .containsPattern("policy +class +arrived +served")
        .containsPattern("booked-first +booked")
        .contains("HTML report: " + html)
        .containsPattern("policy +compared +censored +engine \\(90%\\) +queue-length \\(80%\\)")
        .contains("Verdict: On this scenario ");
    String report = Files.readString(html);
    assertThat(report).startsWith("<!DOCTYPE html>").contains("<svg").contains("<section id=\"verdict\">")
        .contains("Waits: fifo", "Waits: booked-first", "Waiting tickets: booked-first").doesNotContain("<script");
    assertThat(report.indexOf("id=\"verdict\"")).isLessThan(report.indexOf("<svg"));
    assertThat(dir.resolve("booking-dropped-morning").resolve("results.csv")).exists();
    assertThat(dir.resolve("booking-dropped-morning").resolve("estimators.csv")).exists();
    assertThat(dir.resolve("booking-dropped-morning").resolve("visitors.csv")).doesNotExist();
    assertThat(Files.readString(dir.resolve("booking-dropped-morning").resolve("results.json")))
        .containsPattern("\"estimators\" : \\[\\s+\\{\\s+\"name\" : \"engine\",\\s+\"mae\" : [0-9.]+,\\s+"
            + "\"coverage\" : [0-9.]+,\\s+\"statedCoverage\" : 0\\.[0-9]+\\s+\\}")
        .contains("\"name\" : \"queue-length\"");
    assertThat(stderr()).isEmpty(); // --quiet: no progress bar
  }

  @Test
  void main_withoutQuietOnATerminal_drawsAProgressBarOnStandardError(@TempDir Path dir) {
    int code = Simulator.run(new String[] {"booking-only-day", "-o", dir.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        () -> true);

    assertThat(code).isZero();
    assertThat(stderr()).contains("policy 2/2 booked-first").contains("100%");
    assertThat(stdout()).doesNotContain("[#");
  }

  @Test
  void main_withoutQuietNotOnATerminal_writesNoProgressBar(@TempDir Path dir) {
    int code = Simulator.run(new String[] {"booking-only-day", "-o", dir.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        () -> false);

    assertThat(code).isZero();
    assertThat(stderr()).doesNotContain("\r").doesNotContain("[#").isEmpty();
  }

  @Test
  void main_visitorsFlag_writesOneRowPerVisitorAndPolicy(@TempDir Path dir) throws Exception {
    int code = run("booking-only-day", "-o", dir.toString(), "--quiet", "--visitors");

    assertThat(code).as(stderr()).isZero();
    java.util.List<String> lines = Files.readAllLines(dir.resolve("booking-only-day").resolve("visitors.csv"));
    assertThat(lines.get(0)).startsWith("policy,visitor,day,service,class");
    assertThat(lines.stream().filter(l -> l.startsWith("fifo,")).count())
        .isEqualTo(lines.stream().filter(l -> l.startsWith("booked-first,")).count())
        .isGreaterThan(100);
  }

  @Test
  void main_metricsFlag_writesEachPolicysMeterScrape(@TempDir Path dir) throws Exception {
    Path scrape = dir.resolve("metrics.txt");
    int code = run("booking-only-day", "-o", dir.toString(), "--quiet", "--metrics", scrape.toString());

    assertThat(code).as(stderr()).isZero();
    assertThat(stdout()).contains("Metrics:     " + scrape);
    String text = Files.readString(scrape);
    assertThat(text).contains("# policy fifo").contains("# policy booked-first");
    String fifo = text.substring(text.indexOf("# policy fifo"), text.indexOf("# policy booked-first"));
    // the day issued and served tickets, and the registry saw them through the binder
    assertThat(fifo).contains("talon.tickets(COUNTER)").contains("talon.wait(TIMER)")
        .containsPattern("talon\\.tickets\\(COUNTER\\)\\[[^\\]]*outcome='issued'[^\\]]*\\]; count=[1-9]");
  }

  @Test
  void main_seedAndDays_overrideTheScenario(@TempDir Path dir) throws Exception {
    int code = run("mmc-validation", "--seed", "99", "--days", "1", "-o", dir.toString(), "-q");

    assertThat(code).as(stderr()).isZero();
    assertThat(stdout()).contains("(seed 99, 1 day from");
    assertThat(Files.readString(dir.resolve("mmc-validation").resolve("results.json")))
        .contains("\"seed\" : 99").contains("\"days\" : 1");
  }

  @Test
  void main_badScenarioFile_exitsWithTheFileThePathAndTheRule(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, ScenarioReaderTest.VALID.replace("\"benefits\"] }", "\"pensions\"] }"));

    int code = run(file.toString(), "-o", dir.toString(), "-q");

    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("Bad scenario: " + file + ": $.desks[1].services[1]: unknown service \"pensions\"");
    assertThat(stdout()).doesNotContain("HTML report");
  }

  @Test
  void main_serviceMinutesOfTenMillion_exitsWith2BeforeSimulating(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("huge.json");
    Files.writeString(file, ScenarioReaderTest.VALID.replace("\"serviceMinutes\": 6", "\"serviceMinutes\": 1e7"));

    int code = run(file.toString(), "-o", dir.toString(), "-q");

    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("Bad scenario: " + file + ": $.services[1].serviceMinutes: a time in a scenario must be "
        + "between -1440 and 1440 minutes (one day either way), was 10000000");
    assertThat(stdout()).doesNotContain("HTML report");
  }

  @Test
  void main_daysOverrideThatBringsTooManyVisitors_exitsWith2(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("busy.json");
    Files.writeString(file, ScenarioReaderTest.VALID.replace("\"10:00\": 20", "\"10:00\": 2000")
        .replace("\"name\": \"small\",", "\"name\": \"small\", \"afterClosing\": \"send-home\","));

    int code = run(file.toString(), "--days", "366", "-o", dir.toString(), "-q");

    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("Bad scenario: " + file + " with --days 366: $.services: the run would bring about");
  }

  @Test
  void main_h2StoreUnderADirectoryWithSemicolon_exitsWith2AndOpensNoDatabase(@TempDir Path dir) throws Exception {
    // before: the path went into the JDBC URL as it was, so ";MODE=Oracle" became an H2 setting
    Path out = dir.resolve("out;MODE=Oracle");
    Path scenario = dir.resolve("tiny.json");
    Files.writeString(scenario, """
        { "name": "tiny", "hours": { "opens": "09:00", "closes": "10:00" },
          "services": [ { "code": "s", "prefix": "S", "serviceMinutes": 4, "arrivalsPerHour": { "09:00": 5 } } ],
          "desks": [ { "id": "1", "services": ["s"] } ],
          "policies": [ { "type": "fifo" } ] }
        """);

    int code = run(scenario.toString(), "--store", "h2", "-o", out.toString(), "--quiet");

    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("-o " + out + ": an H2 database path must not contain ';'");
    assertThat(out).doesNotExist();
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void h2FileUrl_pathWithSemicolon_isRefused(@TempDir Path dir) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StoreFactory.h2File(dir.resolve("a;INIT=RUNSCRIPT FROM 'x'")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("an H2 database path must not contain ';'");
    assertThat(StoreFactory.h2FileUrl(dir.resolve("plain"))).isEqualTo("jdbc:h2:file:" + dir.resolve("plain") + ";WRITE_DELAY=0");
  }

  @Test
  void main_unknownStore_exitsNamingTheAvailableOnes(@TempDir Path dir) {
    int code = run("--store", "redis", "-o", dir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("Unknown store \"redis\"").contains("memory, h2");
  }

  @Test
  void main_h2Store_givesTheSameResultsAsMemoryAndWritesTheEvents(@TempDir Path dir) throws Exception {
    Path scenario = dir.resolve("tiny.json");
    Files.writeString(scenario, """
        { "name": "tiny", "hours": { "opens": "09:00", "closes": "11:00" },
          "services": [ { "code": "s", "prefix": "S", "serviceMinutes": 4, "arrivalsPerHour": { "09:00": 20 } } ],
          "desks": [ { "id": "1", "services": ["s"] } ],
          "policies": [ { "type": "fifo" } ] }
        """);
    assertThat(run(scenario.toString(), "--store", "memory", "-o", dir.resolve("m").toString(), "--quiet"))
        .as(stderr()).isZero();
    assertThat(run(scenario.toString(), "--store", "h2", "-o", dir.resolve("h").toString(), "--quiet"))
        .as(stderr()).isZero();

    assertThat(Files.readString(dir.resolve("h").resolve("tiny").resolve("results.csv")))
        .isEqualTo(Files.readString(dir.resolve("m").resolve("tiny").resolve("results.csv")));
    try (var files = Files.list(dir.resolve("h").resolve("h2-stores"))) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".mv.db"));
    }
  }

  @Test
  void main_list_printsTheBundledScenarios() {
    int code = run("--list");

    assertThat(code).isZero();
    for (String name : ScenarioReader.BUNDLED) {
      assertThat(stdout()).contains(name);
    }
    assertThat(stdout()).contains("booking-dropped-morning (default)");
  }
}
