// SPDX-License-Identifier: Apache-2.0
package io.obs.server;

/**
 * Answers the requests of one path of the {@link EndpointServer}. It runs on one of the server's
 * worker threads, receives a request that has been read completely (the server has already
 * enforced the size limits, the timeouts, the method and the token), and returns the whole
 * response: no handler ever touches a socket, so a slow or vanished client cannot hold a worker.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EndpointHandler {

  /**
   * Returns the response to {@code request}. An exception becomes a 500 without details (and one
   * log line); for a {@code HEAD} request the server sends the headers of the returned response
   * without its body.
   */
  EndpointResponse handle(EndpointRequest request) throws Exception;
}
