package dev.talon.queue.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talon.queue.bench.sim.SimulationResult.PolicyResult;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report as a browser shows it: headless Chromium renders the default scenario's report,
 * takes a screenshot (kept as {@code benchmarks/target/report-screenshot.png} to look at) and
 * dumps the DOM it built. Skipped when no Chromium is installed ({@code apt-get install chromium}), or when
 * {@code -Dtalon.chromium} names a file that is not there.
 */
class ReportInBrowserTest {
  private static final List<String> BINARIES = List.of("chromium", "chromium-browser", "google-chrome");
  private static final int WIDTH = 1400;

  @TempDir
  static Path dir;
  private static String chromium;
  private static SimulationResult result;
  private static Path html;

  @BeforeAll
  static void render() {
    chromium = find();
    if (chromium != null) {
      result = new DaySimulation().run(TestScenarios.READER.bundled(ScenarioReader.DEFAULT_SCENARIO));
      html = Reports.write(result, dir).html();
    }
  }

  @BeforeEach
  void needsChromium() {
    Assumptions.assumeTrue(chromium != null, "no Chromium binary on the PATH (" + BINARIES + "): report not rendered");
  }

  @Test
  void report_inHeadlessChromium_rendersTheVerdictBoxAtTheTopAndDrawsTheCharts() throws Exception {
    Path shot = dir.resolve("shot.png");
    Process p = chromium(dir.resolve("profile-shot"), "--window-size=" + WIDTH + ",1800", "--screenshot=" + shot,
        html.toUri().toString());

    assertThat(p.exitValue()).as(log(p)).isZero();
    BufferedImage image = ImageIO.read(shot.toFile());
    Files.createDirectories(Path.of("target"));
    Files.copy(shot, Path.of("target", "report-screenshot.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(image.getWidth()).isEqualTo(WIDTH);
    // The verdict's green frame (#2c7a2c) is drawn within the first screen, and the page is not blank.
    assertThat(count(image, 0, 900, 0x2c7a2c)).isGreaterThan(500);
    assertThat(share(image, 0, image.getHeight(), 0xffffff)).isLessThan(0.97);
    // Chart lines below the verdict: the first series colour (#1f77b4) somewhere on the page.
    assertThat(count(image, 900, image.getHeight(), 0x1f77b4)).isGreaterThan(200);
  }

  @Test
  void report_domBuiltByChromium_holdsTheVerdictAndEveryChartWithItsTitle() throws Exception {
    Process p = chromium(dir.resolve("profile-dom"), "--dump-dom", html.toUri().toString());

    assertThat(p.exitValue()).as(log(p)).isZero();
    String dom = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    assertThat(dom).contains("<section id=\"verdict\">").contains("Verdict: which policy for this branch?")
        .contains(result.verdict().summary().substring(0, 40));
    List<String> titles = new ArrayList<>();
    Matcher m = Pattern.compile("<svg [^>]*aria-label=\"([^\"]+)\"").matcher(dom);
    while (m.find()) {
      titles.add(m.group(1));
    }
    List<String> expected = new ArrayList<>();
    for (String kind : List.of("Waits: ", "Waiting tickets: ", "Desks open and busy: ",
        "Visitors leaving (30-min average): ")) {
      for (PolicyResult policy : result.policies()) {
        expected.add(kind + policy.label());
      }
    }
    assertThat(titles).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(dom.indexOf("id=\"verdict\"")).isLessThan(dom.indexOf("<svg"));
  }

  private static Process chromium(Path profile, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("Chromium did not finish within 120 s: " + command);
    }
    return p;
  }

  private static String log(Process p) throws IOException {
    return "exit " + p.exitValue() + ", stderr: " + Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
  }

  /** The Chromium binary: {@code -Dtalon.chromium=PATH} if given (a missing file skips the test), else from the PATH. */
  private static String find() {
    String given = System.getProperty("talon.chromium");
    if (given != null) {
      return new File(given).canExecute() ? given : null;
    }
    for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : BINARIES) {
        File f = new File(dirName, name);
        if (f.isFile() && f.canExecute()) {
          return f.getAbsolutePath();
        }
      }
    }
    return null;
  }

  private static int count(BufferedImage image, int fromY, int toY, int rgb) {
    int n = 0;
    for (int y = fromY; y < Math.min(toY, image.getHeight()); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        n += close(image.getRGB(x, y) & 0xffffff, rgb) ? 1 : 0;
      }
    }
    return n;
  }

  private static double share(BufferedImage image, int fromY, int toY, int rgb) {
    return (double) count(image, fromY, toY, rgb) / (image.getWidth() * (double) (toY - fromY));
  }

  private static boolean close(int a, int b) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)) > 12) {
        return false;
      }
    }
    return true;
  }
}
