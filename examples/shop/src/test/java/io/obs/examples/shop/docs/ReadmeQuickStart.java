// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.docs;

import io.obs.Observability;
import io.opentelemetry.api.trace.Tracer;

/** README.md's quick-start lines; {@code DocSnippetsTest} runs them. */
final class ReadmeQuickStart {

  private ReadmeQuickStart() {}

  static Tracer main() {
    // tag::readme-init[]
    Observability obs = Observability.init();          // first line of main()
    Tracer tracer = obs.tracer("shop");
    // end::readme-init[]
    return tracer;
  }
}
