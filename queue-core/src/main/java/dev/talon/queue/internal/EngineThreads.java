package dev.talon.queue.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * The background threads every branch of a JVM shares, so that a JVM with hundreds of branches
 * runs a bounded number of threads (no thread per branch) and an idle branch runs none.
 *
 * COMMITS runs the background commits (ASYNC mode, and non-blocking callers of the durable modes).
 * A task is a branch's drainCommits(), which takes that branch's commit role by CAS, so two tasks
 * of one branch never commit at once, and its batches stay in order (one queue per branch). A
 * branch never waits for its own task while holding a pool thread, so the pool cannot deadlock;
 * while the database fails, an ASYNC branch retries on its thread, and the other branches' commits
 * wait behind it (they would fail the same way). Size: -Ddev.talon.commitThreads, default twice
 * the processors and at least 4, since the work is mostly waiting for the database. Idle threads
 * end after a minute.
 */
final class EngineThreads {
  private EngineThreads() {}

  static final ExecutorService COMMITS = pool("talon-commit-",
      Integer.getInteger("dev.talon.commitThreads", Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));

  private static ExecutorService pool(String prefix, int size) {
    if (size < 1) {
      throw new IllegalStateException("dev.talon.commitThreads must be at least 1, was " + size);
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor p = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    p.allowCoreThreadTimeOut(true);
    return p;
  }
}
