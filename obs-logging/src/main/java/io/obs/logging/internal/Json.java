// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Internal: not for use outside obs. The one Jackson mapper obs-logging uses (thread-safe). */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
