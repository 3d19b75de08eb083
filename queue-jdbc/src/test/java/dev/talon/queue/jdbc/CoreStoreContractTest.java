package dev.talon.queue.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.talon.queue.spi.EventStore;
import dev.talon.queue.spi.EventStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/**
 * queue-core's store contract (from its test-jar), the suite every {@link EventStore} must pass,
 * run against the JDBC store on H2 in memory, H2 in a file and PostgreSQL. One database per
 * engine for the whole class; every test writes its own branches.
 */
class CoreStoreContractTest {
  private static HikariDataSource h2Memory;
  private static HikariDataSource h2File;
  private static HikariDataSource postgres;

  @AfterAll
  static void closeDatabases() {
    for (HikariDataSource ds : new HikariDataSource[] {h2Memory, h2File, postgres}) {
      if (ds != null) {
        ds.close();
      }
    }
  }

  private static EventStore storeOn(HikariDataSource ds) {
    return JdbcEventStore.builder(ds).createSchema(true).build();
  }

  @Nested
  class OnH2Memory extends EventStoreContract {
    @Override
    protected EventStore newStore() {
      synchronized (CoreStoreContractTest.class) {
        if (h2Memory == null) {
          h2Memory = TestDatabases.h2Memory();
        }
      }
      return storeOn(h2Memory);
    }
  }

  @Nested
  class OnH2File extends EventStoreContract {
    @Override
    protected EventStore newStore() {
      synchronized (CoreStoreContractTest.class) {
        if (h2File == null) {
          h2File = TestDatabases.h2File();
        }
      }
      return storeOn(h2File);
    }
  }

  @Nested
  class OnPostgres extends EventStoreContract {
    @Override
    protected EventStore newStore() {
      synchronized (CoreStoreContractTest.class) {
        if (postgres == null) {
          postgres = TestDatabases.postgres();
        }
      }
      return storeOn(postgres);
    }
  }
}
