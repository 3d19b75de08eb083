package dev.talon.queue.jdbc;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: a node took a branch's lease and opened the branch (at start, or taking over from a peer). */
@Name("dev.talon.Takeover")
@Label("Talon Takeover")
@Category({"Talon", "Nodes"})
@Description("A node acquired a branch's lease and opened it under a new fencing epoch")
@StackTrace(false)
final class TakeoverEvent extends Event {
  @Label("Node")
  String node;
  @Label("Branch")
  String branch;
  @Label("Epoch")
  long epoch;
  @Label("Acquire and Open Time (ns)")
  long nanos;

  static void emit(String node, String branch, long epoch, long startNanos) {
    TakeoverEvent e = new TakeoverEvent();
    if (e.isEnabled()) {
      e.node = node;
      e.branch = branch;
      e.epoch = epoch;
      e.nanos = System.nanoTime() - startNanos;
      e.commit();
    }
  }
}
