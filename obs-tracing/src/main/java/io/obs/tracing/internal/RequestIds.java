// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.internal;

import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Accepts an incoming request id only if it is short and made
 * of safe characters (it ends up in logs and response headers, so anything else could inject),
 * and otherwise generates a random UUID-shaped one. {@code @} is not among them: an e-mail
 * address sent as a request id would be copied onto every span and log line of the request.
 */
public final class RequestIds {

  static final int MAX_LENGTH = 128;

  private RequestIds() {}

  /** The incoming id when acceptable, else a new one. */
  public static String acceptOrGenerate(@Nullable String incoming) {
    return isAcceptable(incoming) ? incoming.trim() : generate();
  }

  /** Whether an incoming id may be used as is. */
  public static boolean isAcceptable(@Nullable String id) {
    if (id == null) {
      return false;
    }
    String v = id.trim();
    if (v.isEmpty() || v.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '=';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A random version-4 UUID string; ThreadLocalRandom because ids need not be secret. */
  public static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(hi, lo).toString();
  }
}
