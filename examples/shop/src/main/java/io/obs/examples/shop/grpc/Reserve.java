// SPDX-License-Identifier: Apache-2.0
package io.obs.examples.shop.grpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The {@code shop.Inventory/Reserve} unary method, described by hand with a JSON marshaller so
 * the example builds without protoc. The wire format is what any gRPC peer sees: a length-prefixed
 * message on HTTP/2, here JSON instead of protobuf.
 */
public final class Reserve {

  /** Full service name. */
  public static final String SERVICE = "shop.Inventory";

  /** A reservation request. */
  public record Request(String orderId, String sku, int quantity) {}

  /** The answer: whether the stock was reserved and how much is left. */
  public record Reply(boolean reserved, int remaining) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The method descriptor shared by client and server. */
  public static final MethodDescriptor<Request, Reply> METHOD =
      MethodDescriptor.<Request, Reply>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Reserve"))
          .setRequestMarshaller(new JsonMarshaller<>(Request.class))
          .setResponseMarshaller(new JsonMarshaller<>(Reply.class))
          .build();

  private Reserve() {}

  /** Jackson serialises records by their components, so no annotations are needed. */
  static final class JsonMarshaller<T> implements MethodDescriptor.Marshaller<T> {
    private final Class<T> type;

    JsonMarshaller(Class<T> type) {
      this.type = type;
    }

    @Override
    public InputStream stream(T value) {
      try {
        return new ByteArrayInputStream(MAPPER.writeValueAsBytes(value));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public T parse(InputStream stream) {
      try (stream) {
        return MAPPER.readValue(stream, type);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
