// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs.readme;

// README.md's quick start, imports and all; DocSnippetsTest runs it.
// tag::readme-init[]
import io.obs.Observability;
import io.opentelemetry.api.trace.Tracer;

public final class Main {
  public static void main(String[] args) {
    Observability obs = Observability.init();          // first line of main()
    Tracer tracer = obs.tracer("shop");
    // ... the service, its spans on tracer
  }
}
// end::readme-init[]
