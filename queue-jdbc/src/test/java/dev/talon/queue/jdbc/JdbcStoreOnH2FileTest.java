package dev.talon.queue.jdbc;

import com.zaxxer.hikari.HikariDataSource;

class JdbcStoreOnH2FileTest extends JdbcStoreContract {
  @Override
  HikariDataSource newDatabase() {
    return TestDatabases.h2File();
  }
}
