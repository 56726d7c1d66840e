// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Internal: not for use outside obs. Exporter URLs as obs prints them and as exporters get them.
 * Credentials written into a URL ({@code http://user:secret@collector:4318}) are a common way to
 * configure a collector behind basic authentication, and every message that names the endpoint
 * (the start-up line, export failures, Micrometer's own publishing line) would print them; so obs
 * moves them into an {@code Authorization} header and never prints the URL with them.
 */
public final class Endpoints {

  private static final String MASK = "****";

  private Endpoints() {}

  /** The URL with any user information replaced by {@code ****}, for messages. */
  public static String display(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri.toString();
    }
    return mask(uri.toString());
  }

  /** Any {@code scheme://userinfo@} in a text (a URL that may not even parse) masked. */
  public static String mask(String text) {
    return Holder.USER_INFO.matcher(text).replaceAll("://" + MASK + "@");
  }

  /** The URL without user information, for an exporter. */
  public static URI withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri;
    }
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(),
          uri.getQuery(), uri.getFragment());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("exporter URL cannot be rebuilt", e);
    }
  }

  /** {@code Basic <base64(user:password)>} from the URL's user information, if it has any. */
  public static Optional<String> basicAuthorization(URI uri) {
    String raw = uri.getRawUserInfo();
    if (raw == null || raw.isEmpty()) {
      return Optional.empty();
    }
    String decoded = URLDecoder.decode(raw, StandardCharsets.UTF_8);
    return Optional.of("Basic "
        + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The configured headers plus an {@code Authorization} header from the endpoint's user
   * information, unless the headers already carry one.
   */
  public static Map<String, String> headers(Map<String, String> configured, URI endpoint) {
    Optional<String> authorization = basicAuthorization(endpoint);
    if (authorization.isEmpty()) {
      return configured;
    }
    for (String name : configured.keySet()) {
      if (name.toLowerCase(Locale.ROOT).equals("authorization")) {
        return configured;
      }
    }
    Map<String, String> headers = new LinkedHashMap<>(configured);
    headers.put("Authorization", authorization.get());
    return headers;
  }

  private static final class Holder {
    static final Pattern USER_INFO = Pattern.compile("://[^/@\\s?#]*@");
  }
}
