// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Route templates, so that {@code /orders/42} and {@code /orders/43} are both recorded as the
 * route {@code /orders/{id}} (one metric series, one span name) instead of one per id.
 *
 * <p>A template is a path whose segments are literals, {@code {name}} (any one segment), or a
 * final {@code *} (the rest of the path, possibly empty). When several templates match, the one
 * with the most literal segments wins, then the first declared. A path no template matches has no
 * route: its span is named after the method alone and its metrics carry no {@code http.route}.
 *
 * @since 0.1.0
 */
public final class HttpRoutes {

  private static final HttpRoutes NONE = new HttpRoutes(List.of());

  private record Template(String text, String[] segments, int literals, boolean tail) {}

  private final List<Template> templates;

  private HttpRoutes(List<Template> templates) {
    this.templates = templates;
  }

  /** No templates: nothing has a route unless the server framework names one. */
  public static HttpRoutes none() {
    return NONE;
  }

  /** Routes from the given templates, e.g. {@code "/orders/{id}", "/static/*"}. */
  public static HttpRoutes of(String... templates) {
    return of(List.of(templates));
  }

  /** Routes from the given templates. */
  public static HttpRoutes of(List<String> templates) {
    List<Template> parsed = new ArrayList<>();
    for (String text : templates) {
      Objects.requireNonNull(text, "template");
      if (!text.startsWith("/")) {
        throw new IllegalArgumentException("a route template starts with '/': " + text);
      }
      String[] segments = split(text);
      int literals = 0;
      boolean tail = false;
      for (int i = 0; i < segments.length; i++) {
        String s = segments[i];
        if (s.equals("*")) {
          if (i != segments.length - 1) {
            throw new IllegalArgumentException("'*' may only end a route template: " + text);
          }
          tail = true;
        } else if (!isParameter(s)) {
          literals++;
        }
      }
      parsed.add(new Template(text, segments, literals, tail));
    }
    return new HttpRoutes(List.copyOf(parsed));
  }

  /** The template matching {@code path} (without query), or {@code null}. */
  public @Nullable String route(String path) {
    if (templates.isEmpty()) {
      return null;
    }
    String[] segments = split(path);
    Template best = null;
    for (Template t : templates) {
      if (matches(t, segments) && (best == null || t.literals() > best.literals())) {
        best = t;
      }
    }
    return best == null ? null : best.text();
  }

  /** Whether any template is declared. */
  public boolean isEmpty() {
    return templates.isEmpty();
  }

  private static boolean matches(Template t, String[] path) {
    String[] tpl = t.segments();
    int fixed = t.tail() ? tpl.length - 1 : tpl.length;
    if (t.tail() ? path.length < fixed : path.length != fixed) {
      return false;
    }
    for (int i = 0; i < fixed; i++) {
      String s = tpl[i];
      if (isParameter(s) ? path[i].isEmpty() : !s.equals(path[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean isParameter(String segment) {
    return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
  }

  private static String[] split(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
  }

  @Override
  public String toString() {
    return "HttpRoutes" + templates.stream().map(Template::text).toList();
  }
}
