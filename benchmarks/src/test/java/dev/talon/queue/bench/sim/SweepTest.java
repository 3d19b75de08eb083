package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talon.queue.bench.sim.Sweep.SweepPoint;
import dev.talon.queue.bench.sim.Sweep.SweepResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps of a policy family over its parameter on a small mixed morning. */
class SweepTest {
  private static final Scenario SMALL = TestScenarios.READER.parse("""
      { "name": "small", "seed": 17, "hours": { "opens": "09:00", "closes": "12:00" }, "afterClosing": "send-home",
        "services": [ { "code": "s", "prefix": "S", "serviceMinutes": { "type": "lognormal", "mean": 8, "sd": 4 },
                        "arrivalsPerHour": { "09:00": 40 },
                        "booking": { "share": 0.3, "capacityPerWindow": 2, "showUp": 0.9 } } ],
        "desks": [ { "id": "1", "services": ["s"] }, { "id": "2", "services": ["s"] }, { "id": "3", "services": ["s"] },
                   { "id": "4", "services": ["s"] } ],
        "visitors": { "patienceMinutes": { "walk-in": { "type": "lognormal", "mean": 50, "sd": 20 } } },
        "policies": [ { "type": "fifo" }, { "type": "ratio", "weights": { "booked": 2, "walk-in": 1 }, "label": "two-to-one" } ]
      }""", "small");

  private static SweepResult sweep(Sweep.Family family, String range) {
    return Sweep.run(SMALL, family, Sweep.Range.parse(range), PolicyResolver.library(), new DaySimulation());
  }

  @Test
  void sweep_ratioOnTheSameArrivals_gridPointEqualToABundledPolicyGivesTheSameOutcome() {
    SweepResult r = sweep(Sweep.Family.RATIO, "1:4:1");

    assertThat(r.points()).extracting(SweepPoint::label)
        .containsExactly("ratio 1", "ratio 2", "ratio 3", "ratio 4", "fifo", "two-to-one");
    assertThat(r.points()).filteredOn(SweepPoint::bundled).extracting(SweepPoint::label)
        .containsExactly("fifo", "two-to-one");
    SweepPoint grid = r.points().get(1);
    SweepPoint bundled = r.points().get(5);
    assertThat(List.of(grid.bookedOnTime(), grid.walkInP95(), grid.walkInP99(), grid.servedShare()))
        .isEqualTo(List.of(bundled.bookedOnTime(), bundled.walkInP95(), bundled.walkInP99(), bundled.servedShare()));
  }

  @Test
  void sweep_maxWait_frontierIsExactlyTheNonDominatedPoints() {
    SweepResult r = sweep(Sweep.Family.MAX_WAIT, "5:60:5");

    assertThat(r.points()).hasSize(12 + 2);
    assertThat(r.points()).anyMatch(SweepPoint::paretoP95).anyMatch(SweepPoint::paretoP99);
    for (SweepPoint p : r.points()) {
      boolean dominated = r.points().stream().anyMatch(q -> q != p && dominates(q, p));
      assertThat(p.paretoP95()).as(p.label()).isEqualTo(!dominated);
    }
    assertThat(Sweep.summary(r)).startsWith("Frontier (booked on time against walk-in p95): ");
    String html = Sweep.html(r);
    assertThat(html).contains("Frontier: booked on time vs walk-in p95", "Frontier: booked on time vs walk-in p99",
        "class=\"frontier\"", "two-to-one");
  }

  private static boolean dominates(SweepPoint q, SweepPoint p) {
    double qOn = q.bookedOnTime() == null ? 0 : q.bookedOnTime();
    double pOn = p.bookedOnTime() == null ? 0 : p.bookedOnTime();
    return qOn >= pOn && q.walkInP95() <= p.walkInP95() && (qOn > pOn || q.walkInP95() < p.walkInP95());
  }

  @Test
  void range_malformedOrTooLongOrFractionalRatio_isRefusedWithTheRule() {
    assertThatThrownBy(() -> Sweep.Range.parse("1:2")).hasMessageContaining("FROM:TO:STEP");
    assertThatThrownBy(() -> Sweep.Range.parse("5:1:1")).hasMessageContaining("0 <= FROM <= TO");
    assertThatThrownBy(() -> Sweep.Range.parse("0:1000:1")).hasMessageContaining("at most 200 values");
    assertThatThrownBy(() -> sweep(Sweep.Family.RATIO, "1:2:0.5")).hasMessageContaining("whole number >= 1");
    assertThatThrownBy(() -> Sweep.Family.of("lottery")).hasMessageContaining("[max-wait, ratio, deadline, booked-time]");
  }

  @Test
  void main_sweepDeadline_writesTheFrontierReportsAndPrintsTheTable(@TempDir Path dir) throws Exception {
    Path scenario = dir.resolve("small.json");
    Files.writeString(scenario, """
        { "name": "small", "seed": 17, "hours": { "opens": "09:00", "closes": "11:00" },
          "services": [ { "code": "s", "prefix": "S", "serviceMinutes": 8, "arrivalsPerHour": { "09:00": 30 },
                          "booking": { "share": 0.3, "capacityPerWindow": 2 } } ],
          "desks": [ { "id": "1", "services": ["s"] }, { "id": "2", "services": ["s"] } ],
          "policies": [ { "type": "fifo" } ] }""");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = Simulator.run(new String[] {scenario.toString(), "-o", dir.toString(), "--sweep", "deadline", "--range",
        "10:30:10"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Sweep of deadline", "deadline 20", "fifo (bundled)",
        "Frontier (booked on time against walk-in p95)");
    Path sweepDir = dir.resolve("small").resolve("sweep-deadline");
    assertThat(Files.readString(sweepDir.resolve("sweep.html"))).contains("<svg").doesNotContain("<script");
    assertThat(Files.readAllLines(sweepDir.resolve("sweep.csv"))).hasSize(1 + 3 + 1);
    assertThat(Files.readString(sweepDir.resolve("sweep.json"))).contains("\"paretoP95\"");
  }

  @Test
  void main_unknownSweepFamily_exitsNamingTheFamilies(@TempDir Path dir) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Simulator.run(new String[] {"-o", dir.toString(), "--sweep", "lottery"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown sweep family \"lottery\"", "max-wait");
  }
}
