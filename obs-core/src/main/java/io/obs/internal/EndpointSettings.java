// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The endpoint server's settings, read from the {@code
 * server.*} keys, with the TLS context built from the configured keystore.
 */
record EndpointSettings(
    String host,
    int port,
    int threads,
    int queueSize,
    int maxConnections,
    int maxRequestBytes,
    Duration headerTimeout,
    Duration idleTimeout,
    @Nullable String token,
    @Nullable SSLContext tls,
    String healthPath,
    String readyPath,
    Duration readinessTimeout,
    String serviceName) {

  @Override
  public String toString() {
    // Never the token; a record's toString would print it.
    return "EndpointSettings[" + host + ":" + port + (tls != null ? ", TLS" : "")
        + (token != null ? ", token" : "") + "]";
  }

  /**
   * Reads the settings; a configured keystore is loaded here.
   *
   * @throws IOException when the keystore cannot be read or used, saying which key to fix
   */
  static EndpointSettings from(ObsConfig config) throws IOException {
    String token = config.find(CoreKeys.SERVER_TOKEN).filter(t -> !t.isBlank()).orElse(null);
    SSLContext tls = null;
    String keystore = config.find(CoreKeys.SERVER_TLS_KEYSTORE).orElse(null);
    if (keystore != null && !keystore.isBlank()) {
      tls = tlsContext(Path.of(keystore),
          config.find(CoreKeys.SERVER_TLS_KEYSTORE_PASSWORD).orElse(""),
          config.get(CoreKeys.SERVER_TLS_KEYSTORE_TYPE));
    }
    return new EndpointSettings(
        config.get(CoreKeys.SERVER_HOST),
        config.get(CoreKeys.SERVER_PORT),
        config.get(CoreKeys.SERVER_THREADS),
        config.get(CoreKeys.SERVER_QUEUE_SIZE),
        config.get(CoreKeys.SERVER_MAX_CONNECTIONS),
        config.get(CoreKeys.SERVER_MAX_REQUEST_BYTES),
        config.get(CoreKeys.SERVER_HEADER_TIMEOUT),
        config.get(CoreKeys.SERVER_IDLE_TIMEOUT),
        token,
        tls,
        config.get(CoreKeys.SERVER_PATHS_HEALTH),
        config.get(CoreKeys.SERVER_PATHS_READY),
        config.get(CoreKeys.SERVER_READINESS_TIMEOUT),
        config.get(CoreKeys.SERVICE_NAME));
  }

  /** A server-side TLS context from a keystore holding one private key and its certificate. */
  static SSLContext tlsContext(Path keystore, String password, String type) throws IOException {
    char[] secret = password.toCharArray();
    try {
      KeyStore store = KeyStore.getInstance(type);
      try (InputStream in = Files.newInputStream(keystore)) {
        store.load(in, secret);
      }
      boolean hasKey = false;
      for (String alias : Collections.list(store.aliases())) {
        hasKey |= store.isKeyEntry(alias);
      }
      if (!hasKey) {
        throw new IOException("server.tls.keystore " + keystore + " holds no private key");
      }
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, secret);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("server.tls.keystore " + keystore + " (type " + type
          + ") cannot be used: " + e.getMessage(), e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("server.tls.")) {
        throw e;
      }
      // A wrong password surfaces as an IOException from KeyStore.load.
      throw new IOException("server.tls.keystore " + keystore + " (type " + type
          + ") cannot be read; check the path, server.tls.keystore_type and"
          + " server.tls.keystore_password: " + e, e);
    } finally {
      java.util.Arrays.fill(secret, '\0');
    }
  }
}
