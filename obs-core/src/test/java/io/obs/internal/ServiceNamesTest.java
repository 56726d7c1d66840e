// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceNamesTest {

  @Test
  void mainClassBecomesKebabCase() {
    assertThat(derive("com.acme.OrderService arg1").name()).isEqualTo("order-service");
    assertThat(derive("com.acme.HTTPGateway").name()).isEqualTo("http-gateway");
    assertThat(derive("Main").name()).isEqualTo("main");
  }

  @Test
  void jarNameLosesItsVersion() {
    ServiceNames.Derived derived = derive("/opt/app/inventory-service-1.4.2-SNAPSHOT.jar --x");

    assertThat(derived.name()).isEqualTo("inventory-service");
    assertThat(derived.origin()).isEqualTo("the jar inventory-service-1.4.2-SNAPSHOT.jar");
  }

  @Test
  void nothingKnownGivesTheOpenTelemetryFallback() {
    assertThat(ServiceNames.derive(Map.of()).name()).isEqualTo("unknown_service:java");
  }

  private static ServiceNames.Derived derive(String command) {
    return ServiceNames.derive(Map.of("sun.java.command", command));
  }
}
