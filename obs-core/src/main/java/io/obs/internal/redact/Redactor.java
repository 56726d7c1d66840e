// SPDX-License-Identifier: Apache-2.0
package io.obs.internal.redact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Hides secrets and personal data in text and in the values of
 * denylisted field names. Thread-safe and immutable.
 *
 * <p>In hash mode a finding becomes {@code [hash:<12 hex digits>]}, an HMAC-SHA256 under a key:
 * the same value always gives the same hash (so two lines can be correlated) but the hash cannot
 * be reversed or brute-forced without the key (which matters for phone and card numbers, whose
 * space is small).
 */
public final class Redactor {

  /** How a finding is replaced. */
  public enum Mode {
    MASK,
    HASH
  }

  /** Field names whose values are hidden by default ({@code redaction.denylist}). */
  public static final List<String> DEFAULT_DENYLIST =
      List.of(
          "password",
          "passwd",
          "pwd",
          "secret",
          "token",
          "authorization",
          "cookie",
          "api_key",
          "apikey",
          "private_key",
          "credentials");

  private static final Redactor DISABLED =
      new Redactor(false, List.of(), List.of(), Mode.MASK, "****", null);

  private final boolean enabled;
  private final List<Detector> detectors;
  private final List<String> denylist;
  private final Mode mode;
  private final String mask;
  /** One MAC per thread, in hash mode only. */
  private final @Nullable ThreadLocal<Mac> macs;
  private final ConcurrentHashMap<String, Boolean> deniedNames = new ConcurrentHashMap<>();
  private final boolean needsPrescan;
  private final boolean hasAlwaysDetectors;

  private static final int MAX_REMEMBERED_NAMES = 4096;

  private Redactor(
      boolean enabled,
      List<Detector> detectors,
      List<String> denylist,
      Mode mode,
      String mask,
      byte @Nullable [] hashKey) {
    // Plain loops rather than streams, and the MAC only in hash mode: the default redactor is
    // built while Logback starts, where the classes of both are start-up time.
    this.enabled = enabled;
    this.detectors = List.copyOf(detectors);
    List<String> normalized = new ArrayList<>(denylist.size());
    for (String name : denylist) {
      String entry = normalize(name);
      if (!entry.isEmpty()) {
        normalized.add(entry);
      }
    }
    this.denylist = List.copyOf(normalized);
    this.mode = mode;
    this.mask = mask;
    boolean prescanned = false;
    boolean always = false;
    for (Detector detector : detectors) {
      if (detector.requires() == Prescan.ALWAYS) {
        always = true;
      } else {
        prescanned = true;
      }
    }
    this.needsPrescan = prescanned;
    this.hasAlwaysDetectors = always;
    this.macs = mode == Mode.HASH && hashKey != null ? new MacPerThread(hashKey.clone()) : null;
  }

  private static final class MacPerThread extends ThreadLocal<Mac> {
    private final byte[] key;

    MacPerThread(byte[] key) {
      this.key = key;
    }

    @Override
    protected Mac initialValue() {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is unavailable", e);
      }
    }
  }

  /** A redactor that changes nothing. */
  public static Redactor disabled() {
    return DISABLED;
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean isEnabled() {
    return enabled;
  }

  /** The text with every finding replaced; the same instance when nothing was found. */
  public String redact(String text) {
    if (!enabled || text.isEmpty()) {
      return text;
    }
    return redact(text, needsPrescan ? Prescan.scan(text) : 0);
  }

  /** Whether {@link #redact(String, int)} wants the {@link Prescan} flags of its text. */
  public boolean usesPrescan() {
    return enabled && needsPrescan;
  }

  /** {@link #redact(String)} with the text's {@link Prescan} flags already computed. */
  public String redact(String text, int flags) {
    if (!enabled || text.isEmpty()) {
      return text;
    }
    if ((flags & Prescan.DETECTORS) == 0 && !hasAlwaysDetectors) {
      return text; // the prescan proved that no detector can match: the common case
    }
    List<Finding> findings = null;
    for (Detector detector : detectors) {
      int requires = detector.requires();
      if (requires == Prescan.ALWAYS || (flags & requires) != 0) {
        findings = detector.find(text, findings);
      }
    }
    if (findings == null || findings.isEmpty()) {
      return text;
    }
    findings.sort(Comparator.comparingInt(Finding::start).thenComparingInt(f -> -f.end()));
    StringBuilder out = new StringBuilder(text.length());
    int position = 0;
    for (Finding finding : findings) {
      if (finding.start() < position) {
        continue; // overlaps an earlier, longer finding that is already replaced
      }
      out.append(text, position, finding.start());
      out.append(replace(text.substring(finding.start(), finding.end())));
      position = finding.end();
    }
    out.append(text, position, text.length());
    return out.toString();
  }

  /**
   * Whether values under this field name are always hidden: the name, lower-cased with every
   * character other than letters and digits removed, ends with a denylist entry ({@code
   * db_password}, {@code X-Auth-Token} and {@code Authorization} match {@code password}, {@code
   * token} and {@code authorization}; {@code tokenCount} does not).
   */
  public boolean isDenied(String fieldName) {
    if (!enabled || denylist.isEmpty()) {
      return false;
    }
    // MDC keys and argument names repeat on every line: remember the answer for a bounded
    // number of names.
    Boolean known = deniedNames.get(fieldName);
    if (known != null) {
      return known;
    }
    boolean denied = matchesDenylist(fieldName);
    if (deniedNames.size() < MAX_REMEMBERED_NAMES) {
      deniedNames.put(fieldName, denied);
    }
    return denied;
  }

  private boolean matchesDenylist(String fieldName) {
    for (String entry : denylist) {
      if (endsWithNormalized(fieldName, entry)) {
        return true;
      }
    }
    return false;
  }

  /** The value to write for a field: fully replaced when the name is denied, else redacted. */
  public String redactField(String fieldName, String value) {
    if (!enabled) {
      return value;
    }
    return isDenied(fieldName) ? replace(value) : redact(value);
  }

  /**
   * Whether the text is exactly what {@link #replace} writes (the mask, or a keyed hash): a value
   * redacted once already, which must not be redacted again.
   */
  public boolean isReplacement(String text) {
    if (text.equals(mask)) {
      return true;
    }
    if (mode != Mode.HASH || text.length() != HASH_LENGTH || !text.startsWith("[hash:")
        || text.charAt(HASH_LENGTH - 1) != ']') {
      return false;
    }
    for (int i = 6; i < HASH_LENGTH - 1; i++) {
      if (Character.digit(text.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code [hash:} + 12 hex digits + {@code ]}. */
  private static final int HASH_LENGTH = 19;

  /** The replacement for one secret value: the mask, or its keyed hash. */
  public String replace(String secret) {
    ThreadLocal<Mac> perThread = macs;
    if (mode == Mode.MASK || perThread == null) {
      return mask;
    }
    byte[] digest = perThread.get().doFinal(secret.getBytes(StandardCharsets.UTF_8));
    StringBuilder hex = new StringBuilder("[hash:");
    for (int i = 0; i < 6; i++) {
      hex.append(Character.forDigit((digest[i] >> 4) & 0xf, 16));
      hex.append(Character.forDigit(digest[i] & 0xf, 16));
    }
    return hex.append(']').toString();
  }

  private static boolean endsWithNormalized(String name, String entry) {
    int e = entry.length() - 1;
    for (int i = name.length() - 1; i >= 0 && e >= 0; i--) {
      char c = name.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        continue;
      }
      if (Character.toLowerCase(c) != entry.charAt(e)) {
        return false;
      }
      e--;
    }
    return e < 0;
  }

  private static String normalize(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        out.append(Character.toLowerCase(c));
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  /** Builds a {@link Redactor}; every setter validates and returns {@code this}. */
  public static final class Builder {
    private final List<Detector> detectors = new ArrayList<>();
    private final List<String> denylist = new ArrayList<>();
    private Mode mode = Mode.MASK;
    private String mask = "****";
    private byte @Nullable [] hashKey;

    private Builder() {}

    public Builder addDetector(Detector detector) {
      detectors.add(Objects.requireNonNull(detector, "detector"));
      return this;
    }

    public Builder addDetectors(List<Detector> list) {
      for (Detector detector : list) {
        addDetector(detector);
      }
      return this;
    }

    public Builder addDenied(List<String> names) {
      for (String name : names) {
        denylist.add(Objects.requireNonNull(name, "name"));
      }
      return this;
    }

    public Builder setMode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    public Builder setMask(String mask) {
      this.mask = Objects.requireNonNull(mask, "mask");
      return this;
    }

    /** The HMAC key of hash mode; without one a random key is drawn (hashes vary by process). */
    public Builder setHashKey(String key) {
      Objects.requireNonNull(key, "key");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("hash key must not be empty");
      }
      this.hashKey = key.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    public Redactor build() {
      byte[] key = hashKey;
      if (key == null && mode == Mode.HASH) {
        key = ProcessKey.KEY;
      }
      return new Redactor(true, detectors, denylist, mode, mask, key);
    }
  }

  /**
   * The hash key when none is configured: one per process, so that every signal (a log line, a
   * span attribute, a metric label) hashes the same value alike. Drawn only when first used:
   * seeding SecureRandom is noticeable at start-up, and the default mask mode never needs a key.
   */
  private static final class ProcessKey {
    static final byte[] KEY = new byte[32];

    static {
      new SecureRandom().nextBytes(KEY);
    }
  }
}
