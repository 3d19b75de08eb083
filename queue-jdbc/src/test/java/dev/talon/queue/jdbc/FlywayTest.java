package dev.talon.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The schema files run by Flyway itself, as the README's "Schema upgrades" section shows. */
class FlywayTest {

  static Stream<Arguments> databases() {
    return Stream.of(
        Arguments.of("h2", (Supplier<HikariDataSource>) TestDatabases::h2Memory),
        Arguments.of("postgresql", (Supplier<HikariDataSource>) TestDatabases::postgres));
  }

  static void migrate(DataSource dataSource, String database) {
    // --- flyway begins
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/talon/" + database)   // "postgresql" or "h2"
        .table("talon_flyway_history")                  // apart from the application's own migrations
        .load()
        .migrate();
    // --- flyway ends
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void flyway_runsTheFiles_andTheStoreStartsWithCreationOff(String name, Supplier<HikariDataSource> db)
      throws Exception {
    try (HikariDataSource ds = db.get()) {
      migrate(ds, name);
      JdbcEventStore store = JdbcEventStore.builder(ds).build();
      var events = SampleEvents.batch(1, 2, new Random(3));
      store.append("b1", 0, events);
      assertThat(store.load("b1", 0)).isEqualTo(events);
      try (Connection c = ds.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM talon_schema_history")) {
        rs.next();
        assertThat(rs.getInt(1)).as("each file recorded itself in Talon's table too").isEqualTo(4);
      }
      assertThat(Flyway.configure().dataSource(ds).locations("classpath:db/talon/" + name)
          .table("talon_flyway_history").load().info().applied()).hasSize(4);
    }
  }

  @Test
  void readme_containsTheFlywaySnippet() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String self = Files.readString(Path.of("src/test/java/dev/talon/queue/jdbc/FlywayTest.java"));
    String body = self.substring(self.indexOf('\n', self.indexOf("// --- flyway begins")) + 1,
        self.indexOf("// --- flyway ends"));
    List<String> lines = body.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    assertThat(lines).hasSizeGreaterThan(4);
    for (String line : lines) {
      assertThat(readme).as("README line").contains(line);
    }
  }
}
