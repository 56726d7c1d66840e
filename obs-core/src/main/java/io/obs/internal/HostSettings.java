// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.util.List;
import java.util.Objects;

/**
 * Internal: not for use outside obs. What an application framework that starts obs (the Spring
 * Boot starter) hands over: its name, obs's keys as the framework's own configuration sets them
 * ({@code obs.*} in {@code application.yml}), and the framework's settings that mean the same as
 * an obs key, which apply only where no obs source sets that key.
 *
 * @param name the framework and its version, e.g. {@code Spring Boot 3.5.7}; named in the start-up
 *     line and handed to modules as {@code ModuleContext.host()}
 * @param properties obs keys as flat names without the {@code obs.} prefix ({@code
 *     traces.sampler.ratio}, {@code traces.baggage.attributes[0]}, {@code resource.attributes.team},
 *     kebab-case or snake_case), in the framework's precedence order, highest first
 * @param defaults obs keys by their dotted path with values taken from the framework's own
 *     settings ({@code service.name} from {@code spring.application.name}); below obs.yaml
 */
public record HostSettings(String name, List<Property> properties, List<Property> defaults) {

  public HostSettings {
    Objects.requireNonNull(name, "name");
    properties = List.copyOf(properties);
    defaults = List.copyOf(defaults);
  }

  /**
   * One setting.
   *
   * @param name the flat name (see {@link HostSettings#properties()})
   * @param value the value as text
   * @param location where it is set, as an error message should name it ({@code
   *     application.yml:12:5})
   * @param source the rank of the framework's property source it came from, 0 for the one with
   *     the highest precedence: a list or map set in a higher source replaces the whole value
   */
  public record Property(String name, String value, String location, int source) {
    public Property {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(location, "location");
    }
  }
}
