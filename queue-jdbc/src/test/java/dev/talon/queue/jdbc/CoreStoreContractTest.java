package dev.talon.queue.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.contract.EventStoreContract;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/**
 * queue-core's store contract (from its test-jar), the suite every {@link EventStore} must pass,
 * run against the JDBC store on H2 in memory, H2 in a file and PostgreSQL. One database per
 * engine for the whole class; every test writes its own branches.
 */
class CoreStoreContractTest {
  private static final Map<String, HikariDataSource> DATABASES = new ConcurrentHashMap<>();

  @AfterAll
  static void closeDatabases() {
    DATABASES.values().forEach(HikariDataSource::close);
    DATABASES.clear();
  }

  private static EventStore storeOn(String database, Supplier<HikariDataSource> open) {
    return JdbcEventStore.builder(DATABASES.computeIfAbsent(database, k -> open.get())).createSchema(true).build();
  }

  @Nested
  class OnH2Memory extends EventStoreContract {
    @Override
    protected EventStore newStore() {
      return storeOn("h2-memory", TestDatabases::h2Memory);
    }
  }

  @Nested
  class OnH2File extends EventStoreContract {
    @Override
    protected EventStore newStore() {
      return storeOn("h2-file", TestDatabases::h2File);
    }
  }

  @Nested
  class OnPostgres extends EventStoreContract {
    @Override
    protected EventStore newStore() {
      return storeOn("postgres", TestDatabases::postgres);
    }
  }
}
