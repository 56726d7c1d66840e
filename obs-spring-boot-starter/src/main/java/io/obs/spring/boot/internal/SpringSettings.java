// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import io.obs.internal.HostSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

/**
 * Internal: not for use outside obs. What obs takes from a Spring {@code Environment}: its {@code
 * obs.*} properties with where each is set ({@code application.yml:12:5}), and the Boot settings
 * that mean the same as an obs key ({@link BootProperties}).
 *
 * <p>Environment variables and system properties are left out: obs reads those itself, with its
 * own names ({@code OBS_*}, {@code OTEL_*}) and precedence, and Spring's copies of them would only
 * hide where a value came from.
 */
final class SpringSettings {

  private static final String PREFIX = "obs.";
  private static final Set<String> READ_BY_OBS =
      Set.of(
          StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
          StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
  // Spring's view of all the other sources at once; reading it would count every value twice.
  private static final String ATTACHED = "configurationProperties";

  private SpringSettings() {}

  /** The host settings for obs from this environment. */
  static HostSettings from(ConfigurableEnvironment environment) {
    List<HostSettings.Property> properties = new ArrayList<>();
    int rank = 0;
    for (PropertySource<?> source : environment.getPropertySources()) {
      if (READ_BY_OBS.contains(source.getName()) || source.getName().equals(ATTACHED)
          || !(source instanceof EnumerablePropertySource<?> enumerable)) {
        continue;
      }
      boolean any = false;
      for (String name : enumerable.getPropertyNames()) {
        if (!name.startsWith(PREFIX)) {
          continue;
        }
        Object raw = enumerable.getProperty(name);
        if (raw == null) {
          continue;
        }
        String value = environment.resolvePlaceholders(String.valueOf(raw));
        properties.add(new HostSettings.Property(
            name.substring(PREFIX.length()), value, location(source, name), rank));
        any = true;
      }
      if (any) {
        rank++;
      }
    }
    return new HostSettings(
        "Spring Boot " + SpringBootVersion.getVersion(),
        properties,
        BootProperties.defaults(environment));
  }

  /**
   * Where a property is set, as obs's errors name it: {@code application.yml:12:5} for a file
   * Boot tracks lines in, else the property source.
   */
  static String location(PropertySource<?> source, String name) {
    Origin origin = source instanceof OriginLookup<?> lookup ? origin(lookup, name) : null;
    if (origin instanceof TextResourceOrigin text && text.getLocation() != null) {
      return resourceName(text.getResource()) + ":" + text.getLocation();
    }
    if (source.getName().equals("commandLineArgs")) {
      return "command line argument --" + name;
    }
    return "property " + name + " of " + source.getName();
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Origin origin(OriginLookup<?> lookup, String name) {
    try {
      return ((OriginLookup<String>) lookup).getOrigin(name);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String resourceName(@Nullable Resource resource) {
    if (resource == null) {
      return "unknown file";
    }
    if (resource instanceof org.springframework.boot.origin.OriginTrackedResource tracked) {
      return resourceName(tracked.getResource());
    }
    if (resource instanceof ClassPathResource classPath) {
      return classPath.getPath();
    }
    // Boot's config data loads "classpath:" locations through resources of its own kinds; their
    // descriptions still say "class path resource [application.yml]".
    String description = resource.getDescription();
    if (description.startsWith("class path resource [") && description.endsWith("]")) {
      return description.substring("class path resource [".length(), description.length() - 1);
    }
    try {
      if (resource.isFile()) {
        return resource.getFile().getPath();
      }
    } catch (java.io.IOException | RuntimeException e) {
      // fall through to the description
    }
    return resource.getDescription();
  }

  /** Every {@code obs.*} property by its flat name, for the metadata test and diagnostics. */
  static Map<String, String> obsProperties(ConfigurableEnvironment environment) {
    Map<String, String> out = new LinkedHashMap<>();
    for (HostSettings.Property property : from(environment).properties()) {
      out.putIfAbsent(property.name(), property.value());
    }
    return out;
  }
}
