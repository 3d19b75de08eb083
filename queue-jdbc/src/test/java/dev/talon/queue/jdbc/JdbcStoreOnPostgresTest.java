package dev.talon.queue.jdbc;

import com.zaxxer.hikari.HikariDataSource;

class JdbcStoreOnPostgresTest extends JdbcStoreContract {
  @Override
  HikariDataSource newDatabase() {
    return TestDatabases.postgres();
  }
}
