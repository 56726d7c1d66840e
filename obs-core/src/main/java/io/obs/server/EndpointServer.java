// SPDX-License-Identifier: Apache-2.0
package io.obs.server;

import com.sun.net.httpserver.HttpHandler;
import java.net.InetSocketAddress;

/**
 * The embedded endpoint server ({@code /healthz}, {@code /readyz}, and what modules register,
 * such as {@code /metrics}). It serves GET and HEAD only, from a bounded thread pool, refuses
 * oversized requests, and answers 404 for paths nobody registered.
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
   * Serves {@code path} (an exact match, starting with {@code /}) with {@code handler}. The
   * handler must send a response; an exception becomes a 500 without details.
   *
   * @throws IllegalStateException when the path is already taken
   */
  void register(String path, HttpHandler handler);
}
