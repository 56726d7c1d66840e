// SPDX-License-Identifier: Apache-2.0
package io.obs.tracing.jmh;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-memory exchange, so the filter benchmark measures the filter and not loopback TCP (whose
 * delayed-ACK pauses of tens of milliseconds would drown it).
 */
final class FakeExchange extends HttpExchange {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);
  private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50000);
  private static final URI URI_ = URI.create("/orders/42?sku=1");

  private final Headers requestHeaders = new Headers();
  private Headers responseHeaders = new Headers();
  private final Map<String, Object> attributes = new HashMap<>();
  private int status = -1;

  FakeExchange() {
    requestHeaders.add("Host", "127.0.0.1:8080");
    requestHeaders.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    requestHeaders.add("User-Agent", "bench");
  }

  void reset() {
    responseHeaders = new Headers();
    status = -1;
  }

  @Override
  public Headers getRequestHeaders() {
    return requestHeaders;
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    return URI_;
  }

  @Override
  public String getRequestMethod() {
    return "GET";
  }

  @Override
  public HttpContext getHttpContext() {
    return null;
  }

  @Override
  public void close() {}

  @Override
  public InputStream getRequestBody() {
    return new ByteArrayInputStream(new byte[0]);
  }

  @Override
  public OutputStream getResponseBody() {
    return OutputStream.nullOutputStream();
  }

  @Override
  public void sendResponseHeaders(int rCode, long responseLength) {
    status = rCode;
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return REMOTE;
  }

  @Override
  public int getResponseCode() {
    return status;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return LOCAL;
  }

  @Override
  public String getProtocol() {
    return "HTTP/1.1";
  }

  @Override
  public Object getAttribute(String name) {
    return attributes.get(name);
  }

  @Override
  public void setAttribute(String name, Object value) {
    attributes.put(name, value);
  }

  @Override
  public void setStreams(InputStream i, OutputStream o) {}

  @Override
  public HttpPrincipal getPrincipal() {
    return null;
  }
}
