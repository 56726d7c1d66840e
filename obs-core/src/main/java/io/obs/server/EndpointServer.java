// SPDX-License-Identifier: Apache-2.0
package io.obs.server;

import java.net.InetSocketAddress;

/**
 * The embedded endpoint server ({@code /healthz}, {@code /readyz}, and what modules register,
 * such as {@code /metrics}). It serves GET and HEAD only, reads every request completely, under
 * size limits and timeouts, before a handler sees it, runs handlers on a bounded pool whose
 * overflow is answered with 503, and answers 404 for paths nobody registered.
 *
 * @since 0.1.0
 */
public interface EndpointServer {

  /** The bound address, with the actual port when the configured port was 0. */
  InetSocketAddress address();

  /** The bound port. */
  default int port() {
    return address().getPort();
  }

  /**
   * Serves {@code path} (an exact match on the raw path, starting with {@code /}) with {@code
   * handler}. When {@code server.token} is set, requests to it need that bearer token.
   *
   * @throws IllegalStateException when the path is already taken
   */
  void register(String path, EndpointHandler handler);
}
