// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.jmh;

import io.obs.Observability;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Heap per trace held by the tail sampler: opens 5 000 local traces of four spans whose roots stay
 * open (so all are held), and compares the used heap after a full GC with and without them.
 * Run: {@code mvn -o -pl obs-tracing -Pjmh test-compile exec:exec -Djmh.main=...} or from an IDE.
 */
public final class TailMemory {

  private TailMemory() {}

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      Runtime rt = Runtime.getRuntime();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  public static void main(String[] args) throws Exception {
    int traces = 5000;
    Observability obs = ObsBench.start(Map.of(
        "traces.sampler.type", "tail",
        "traces.sampler.tail.max_traces", "100000",
        "traces.sampler.tail.timeout", "1h",
        "traces.sampler.tail.latency_threshold", "1h"));
    Tracer tracer = obs.tracer("bench");
    List<Span> roots = new ArrayList<>(traces);
    long before = usedAfterGc();
    for (int t = 0; t < traces; t++) {
      Span root = tracer.spanBuilder("GET /orders/{id}").setAttribute("url.path", "/orders/" + t).startSpan();
      Context parent = Context.root().with(root);
      for (int i = 0; i < 3; i++) {
        tracer.spanBuilder("child-" + i).setParent(parent).setAttribute("i", i).startSpan().end();
      }
      roots.add(root);
    }
    long after = usedAfterGc();
    // The open roots themselves are live in both designs; subtract what roots alone cost.
    System.out.printf("tail sampler: %d held traces (3 ended spans each, root open): %.0f bytes per"
        + " trace incl. the open root span%n", traces, (after - before) / (double) traces);
    roots.forEach(Span::end);
    obs.close();
  }
}
