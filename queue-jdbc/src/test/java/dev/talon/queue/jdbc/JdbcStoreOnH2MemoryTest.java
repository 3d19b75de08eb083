package dev.talon.queue.jdbc;

import com.zaxxer.hikari.HikariDataSource;

class JdbcStoreOnH2MemoryTest extends JdbcStoreContract {
  @Override
  HikariDataSource newDatabase() {
    return TestDatabases.h2Memory();
  }
}
