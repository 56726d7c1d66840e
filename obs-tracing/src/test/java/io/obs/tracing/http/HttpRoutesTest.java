// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpRoutesTest {

  private final HttpRoutes routes =
      HttpRoutes.of("/orders/{id}", "/orders/{id}/items/{item}", "/orders/export", "/static/*", "/");

  @Test
  void parametersMatchOneSegmentAndLiteralsWin() {
    assertThat(routes.route("/orders/42")).isEqualTo("/orders/{id}");
    assertThat(routes.route("/orders/42/")).isEqualTo("/orders/{id}");
    assertThat(routes.route("/orders/export")).isEqualTo("/orders/export");
    assertThat(routes.route("/orders/42/items/7")).isEqualTo("/orders/{id}/items/{item}");
    assertThat(routes.route("/orders/42/items")).isNull();
    assertThat(routes.route("/orders//items/7")).isNull();
  }

  @Test
  void starMatchesTheRestAndRootMatchesOnlyRoot() {
    assertThat(routes.route("/static")).isEqualTo("/static/*");
    assertThat(routes.route("/static/css/site.css")).isEqualTo("/static/*");
    assertThat(routes.route("/")).isEqualTo("/");
    assertThat(routes.route("/unknown")).isNull();
    assertThat(HttpRoutes.none().route("/orders/1")).isNull();
  }

  @Test
  void invalidTemplatesAreRejected() {
    assertThatThrownBy(() -> HttpRoutes.of("orders")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpRoutes.of("/a/*/b")).isInstanceOf(IllegalArgumentException.class);
  }
}
