// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import io.obs.logging.LogFields;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Internal: not for use outside obs. The field names in effect: the defaults of {@link LogFields}
 * with the renames of {@code logs.fields} applied.
 */
public final class FieldNames {

  private static final FieldNames DEFAULTS = new FieldNames(Map.of());

  private final Map<String, String> names;
  private final Set<String> reserved;

  private FieldNames(Map<String, String> renames) {
    Map<String, String> map = new HashMap<>();
    for (String field : LogFields.ALL) {
      map.put(field, renames.getOrDefault(field, field));
    }
    this.names = Map.copyOf(map);
    this.reserved = Set.copyOf(map.values());
  }

  public static FieldNames defaults() {
    return DEFAULTS;
  }

  /**
   * Applies renames, or explains in one sentence per problem why not.
   *
   * @throws IllegalArgumentException naming every bad rename
   */
  public static FieldNames of(Map<String, String> renames) {
    List<String> problems = validate(renames);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new FieldNames(renames);
  }

  /** Problems with a rename map: unknown fields, blank or duplicate names. */
  public static List<String> validate(Map<String, String> renames) {
    List<String> problems = new java.util.ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String field : LogFields.ALL) {
      String name = renames.getOrDefault(field, field);
      if (name.isBlank()) {
        problems.add("the new name of '" + field + "' is empty");
      } else if (!seen.add(name)) {
        problems.add("two fields would be named '" + name + "'");
      }
    }
    for (String field : renames.keySet()) {
      if (!LogFields.ALL.contains(field)) {
        problems.add(
            "'" + field + "' is not an obs log field; renameable fields are " + LogFields.ALL);
      }
    }
    return problems;
  }

  /** The name written for a field given by its default name (a {@link LogFields} constant). */
  public String get(String defaultName) {
    String name = names.get(defaultName);
    if (name == null) {
      throw new IllegalArgumentException("not an obs log field: " + defaultName);
    }
    return name;
  }

  /** Whether a structured field, MDC key or baggage key would collide with an obs field. */
  public boolean isReserved(String name) {
    return reserved.contains(name);
  }
}
