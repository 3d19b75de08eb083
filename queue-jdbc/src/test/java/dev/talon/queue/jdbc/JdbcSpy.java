package dev.talon.queue.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource wrapper for tests: counts the statements executed through it and lets a test fail
 * (or act just before or after) the n-th statement or commit, as a dying connection would.
 */
final class JdbcSpy implements DataSource {

  /** What a test does around one JDBC step; {@code step} is "execute" or "commit". */
  interface Fault {
    void before(String step, int n, Connection real) throws SQLException;

    default void after(String step, int n, Connection real) throws SQLException {}
  }

  private static final Fault NONE = (step, n, real) -> {};

  private final DataSource real;
  final AtomicInteger executed = new AtomicInteger();
  final AtomicInteger steps = new AtomicInteger();
  /** The SQL text of every {@code Statement.execute(String)} (DDL), in order. */
  final List<String> ddl = new CopyOnWriteArrayList<>();
  volatile Fault fault = NONE;

  JdbcSpy(DataSource real) {
    this.real = real;
  }

  /** Fails the {@code n}-th step (1-based, counted from now) with a connection failure before it runs. */
  void failStep(int n) {
    int at = steps.get() + n;
    fault = (step, count, c) -> {
      if (count == at) {
        throw new SQLException("injected: connection lost before " + step, "08006");
      }
    };
  }

  void clearFault() {
    fault = NONE;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(real.getConnection());
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return wrap(real.getConnection(user, password));
  }

  private Connection wrap(Connection c) {
    InvocationHandler h = (proxy, method, args) -> {
      String name = method.getName();
      if (name.equals("commit")) {
        int n = steps.incrementAndGet();
        fault.before("commit", n, c);
        invoke(c, method, args);
        fault.after("commit", n, c);
        return null;
      }
      Object result = invoke(c, method, args);
      if (result instanceof PreparedStatement ps) {
        return statement(ps, PreparedStatement.class, c);
      }
      if (result instanceof Statement s) {
        return statement(s, Statement.class, c);
      }
      return result;
    };
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private <S extends Statement> S statement(S s, Class<S> type, Connection c) {
    InvocationHandler h = (proxy, method, args) -> {
      if (method.getName().startsWith("execute")) {
        int n = steps.incrementAndGet();
        executed.incrementAndGet();
        if (args != null && args.length == 1 && args[0] instanceof String sql) {
          ddl.add(sql);
        }
        fault.before("execute", n, c);
        Object r = invoke(s, method, args);
        fault.after("execute", n, c);
        return r;
      }
      return invoke(s, method, args);
    };
    return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, h));
  }

  private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return real.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    real.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    real.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return real.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return real.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return real.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return real.isWrapperFor(iface);
  }
}
