// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReserveTest {

  @Test
  void methodIsTheUnaryInventoryReserve() {
    assertThat(Reserve.METHOD.getFullMethodName()).isEqualTo("shop.Inventory/Reserve");
    assertThat(Reserve.METHOD.getType()).isEqualTo(MethodDescriptor.MethodType.UNARY);
    assertThat(Reserve.METHOD.getServiceName()).isEqualTo(Reserve.SERVICE);
  }

  @Test
  void requestTravelsAsJsonAndComesBackEqual() throws IOException {
    Reserve.Request request = new Reserve.Request("42", "sku-7", 3);

    InputStream wire = Reserve.METHOD.streamRequest(request);
    byte[] bytes = wire.readAllBytes();

    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo("{\"orderId\":\"42\",\"sku\":\"sku-7\",\"quantity\":3}");
    assertThat(Reserve.METHOD.parseRequest(new java.io.ByteArrayInputStream(bytes)))
        .isEqualTo(request);
  }

  @Test
  void replyRoundTrips() {
    Reserve.Reply reply = new Reserve.Reply(true, 97);

    assertThat(Reserve.METHOD.parseResponse(Reserve.METHOD.streamResponse(reply))).isEqualTo(reply);
  }
}
