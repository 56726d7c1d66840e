// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The auto-configurations obs leaves out are named by string, for two Boot lines at once; a name
 * that no longer exists would leave Boot's pipeline running beside obs's without a word. This
 * module compiles and tests against Boot 3.5, whose names must all be found; the Boot 4 names are
 * checked the same way by the Boot 4 integration tests.
 */
class ObsAutoConfigurationFilterTest {

  private static Set<String> bootAutoConfigurations() throws IOException {
    Set<String> names = new HashSet<>();
    for (URL url : Collections.list(ObsAutoConfigurationFilterTest.class.getClassLoader()
        .getResources(
            "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports"))) {
      try (InputStream in = url.openStream()) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank() && !line.startsWith("#")) {
            names.add(line.trim());
          }
        }
      }
    }
    return names;
  }

  @Test
  void everyBoot3NameExists() throws IOException {
    Set<String> boot = bootAutoConfigurations();
    Set<String> missing = new TreeSet<>();
    for (Set<String> listed : java.util.List.of(ObsAutoConfigurationFilter.REPLACED,
        ObsAutoConfigurationFilter.HTTP_OBSERVATIONS)) {
      for (String name : listed) {
        if (isBoot3(name) && !boot.contains(name)) {
          missing.add(name);
        }
      }
    }
    assertThat(missing).isEmpty();
    assertThat(ObsAutoConfigurationFilter.REPLACED.stream().filter(
        ObsAutoConfigurationFilterTest::isBoot3)).hasSize(10);
  }

  /** Boot 3's actuator auto-configurations live under one package, which Boot 4 split up. */
  private static boolean isBoot3(String name) {
    return name.startsWith("org.springframework.boot.actuate.autoconfigure.");
  }
}
