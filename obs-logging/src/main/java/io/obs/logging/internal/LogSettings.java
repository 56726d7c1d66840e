// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.classic.Level;
import io.obs.config.ConfigKey;
import io.obs.config.ConfigProblem;
import io.obs.config.CoreKeys;
import io.obs.config.ObsConfig;
import io.obs.config.ObsConfigException;
import io.obs.internal.redact.Detectors;
import io.obs.internal.redact.Redaction;
import io.obs.internal.redact.Redactor;
import io.obs.logging.LogFields;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. Everything the appender and encoder need, resolved once:
 * from obs.yaml after {@code Observability.init()}, or from defaults (plus a few environment
 * variables) while Logback starts, before obs.yaml has been read.
 */
public final class LogSettings {

  private final boolean json;
  private final boolean stdout;
  private final FieldNames fieldNames;
  private final TextLimits limits;
  private final int stackTraceDepth;
  private final @Nullable String serviceName;
  private final @Nullable String serviceVersion;
  private final @Nullable String environment;
  private final List<String> baggageKeys;
  private final int queueSize;
  private final long queueBytes;
  private final Duration dropReportInterval;
  private final int preinitBufferSize;
  private final Map<String, Level> levels;
  private final Builder source;

  /**
   * Per thread, the last MDC map cleaned and its result (see {@link #mdcFields}). Per thread
   * because that is where an MDC map repeats, and so that remembering it allocates nothing.
   */
  private final ThreadLocal<MdcCache> mdcCache =
      new ThreadLocal<>() {
        @Override
        protected MdcCache initialValue() {
          return new MdcCache();
        }
      };

  /** MDC keys seen so far (see {@link #mdcFields}), at most {@link #MAX_REMEMBERED_KEYS}. */
  private final ConcurrentHashMap<String, MdcKey> mdcKeys = new ConcurrentHashMap<>();

  private static final int MAX_REMEMBERED_KEYS = 1024;
  private static final int MAX_REMEMBERED_VALUE = 256;

  private LogSettings(Builder b) {
    this.source = b.copy();
    this.json = b.json;
    this.stdout = b.stdout;
    this.fieldNames = b.fieldNames;
    this.limits = new TextLimits(b.redactor, b.maxMessageLength, b.truncationMarker);
    this.stackTraceDepth = b.stackTraceDepth;
    this.serviceName = b.serviceName;
    this.serviceVersion = b.serviceVersion;
    this.environment = b.environment;
    this.baggageKeys = List.copyOf(b.baggageKeys);
    this.queueSize = b.queueSize;
    this.queueBytes = b.queueBytes;
    this.dropReportInterval = b.dropReportInterval;
    this.preinitBufferSize = b.preinitBufferSize;
    this.levels = Map.copyOf(b.levels);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to derive variants. */
  public Builder toBuilder() {
    return source.copy();
  }

  /**
   * The settings before obs.yaml is read: every default, with the service identity and format
   * taken from the same system properties and environment variables obs.yaml would honour, so
   * that start-up lines already carry {@code service.name}.
   */
  public static LogSettings defaults(UnaryOperator<@Nullable String> env,
      UnaryOperator<@Nullable String> sysprops) {
    Builder b = builder();
    String format = firstOf(sysprops.apply("obs.logs.format"), env.apply("OBS_LOGS_FORMAT"));
    if (format != null) {
      b.setJson(!format.trim().equalsIgnoreCase("text"));
    }
    b.serviceName =
        firstOf(
            sysprops.apply("obs.service.name"),
            env.apply("OBS_SERVICE_NAME"),
            sysprops.apply("otel.service.name"),
            env.apply("OTEL_SERVICE_NAME"));
    b.serviceVersion =
        firstOf(sysprops.apply("obs.service.version"), env.apply("OBS_SERVICE_VERSION"));
    b.environment =
        firstOf(sysprops.apply("obs.service.environment"), env.apply("OBS_SERVICE_ENVIRONMENT"));
    b.setRedactor(defaultRedactor());
    return b.build();
  }

  /** {@link #defaults} for this process. */
  public static LogSettings defaults() {
    return defaults(System::getenv, System::getProperty);
  }

  // The defaults from the redact package, not from LoggingKeys: this runs when Logback starts,
  // and initialising the config keys then would only cost start-up time.
  private static Redactor defaultRedactor() {
    return Redactor.builder()
        .addDetectors(Detectors.builtIn(Detectors.NAMES))
        .addDenied(Redactor.DEFAULT_DENYLIST)
        .build();
  }

  /**
   * The settings of a resolved configuration.
   *
   * @throws ObsConfigException listing every value that the key types alone cannot reject
   */
  public static LogSettings from(ObsConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    LogSettings settings = resolve(config, problems, true);
    if (!problems.isEmpty()) {
      throw new ObsConfigException(problems);
    }
    return settings;
  }

  /**
   * The problems with {@code logs.*} values that the key types alone cannot catch: a level that
   * is not a level, a bad field rename, a regular expression that does not compile.
   */
  public static List<ConfigProblem> validate(ObsConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    resolve(config, problems, false);
    return problems;
  }

  // Validation runs inside init(); it checks the user's patterns but builds no redactor, whose
  // built-in detectors are regular expressions that init() need not compile.
  private static LogSettings resolve(
      ObsConfig config, List<ConfigProblem> problems, boolean buildRedactor) {
    Builder b = builder();
    b.setJson(config.get(LoggingKeys.FORMAT).toLowerCase(Locale.ROOT).equals("json"));
    b.setStdout(config.get(LoggingKeys.STDOUT));

    Map<String, String> renames = config.get(LoggingKeys.FIELDS);
    List<String> fieldProblems = FieldNames.validate(renames);
    if (fieldProblems.isEmpty()) {
      b.setFieldNames(FieldNames.of(renames));
    } else {
      for (String p : fieldProblems) {
        problems.add(problem(config, LoggingKeys.FIELDS, p));
      }
    }

    // Loops rather than lambdas here and below: this runs inside init(), where each lambda's
    // first use costs a class spun at run time.
    Map<String, Level> levels = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : config.get(LoggingKeys.LEVELS).entrySet()) {
      String logger = entry.getKey();
      String level = entry.getValue();
      Level parsed = Level.toLevel(level.trim(), null);
      if (parsed == null) {
        problems.add(
            problem(
                config,
                LoggingKeys.LEVELS,
                "level of '" + logger + "' must be one of trace, debug, info, warn,"
                    + " error, off; got '" + level + "'"));
      } else {
        levels.put(logger, parsed);
      }
    }
    b.levels.putAll(levels);

    // Patterns are checked by obs-core (Redaction.validate), with every other problem.
    if (buildRedactor) {
      b.setRedactor(Redaction.from(config));
    }
    b.setMaxMessageLength(config.get(LoggingKeys.MAX_MESSAGE_LENGTH));
    b.setTruncationMarker(config.get(LoggingKeys.TRUNCATION_MARKER));
    b.setStackTraceDepth(config.get(LoggingKeys.STACK_TRACE_MAX_DEPTH));
    b.setQueueSize(config.get(LoggingKeys.QUEUE_SIZE));
    Integer queueBytes = config.find(LoggingKeys.QUEUE_BYTES).orElse(null);
    if (queueBytes != null) {
      b.setQueueBytes(queueBytes);
    }
    b.setDropReportInterval(config.get(LoggingKeys.DROP_REPORT_INTERVAL));
    b.setPreinitBufferSize(config.get(LoggingKeys.PREINIT_BUFFER_SIZE));
    b.serviceName = config.find(CoreKeys.SERVICE_NAME).orElse(null);
    b.serviceVersion = config.find(CoreKeys.SERVICE_VERSION).orElse(null);
    b.environment = config.find(CoreKeys.SERVICE_ENVIRONMENT).orElse(null);
    b.setBaggageKeys(config.get(CoreKeys.TRACES_BAGGAGE_ATTRIBUTES));
    return b.build();
  }

  private static ConfigProblem problem(ObsConfig config, ConfigKey<?> key, String message) {
    return new ConfigProblem(config.sourceOf(key), key.path(), message);
  }

  private static @Nullable String firstOf(@Nullable String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  /**
   * The MDC map with obs's trace keys left out and every value redacted. Logback's MDC is
   * copy-on-write: consecutive events of a thread whose MDC did not change carry the very same
   * map instance, so the last result is remembered by identity and reused.
   */
  public Map<String, String> cleanMdc(@Nullable Map<String, String> mdc) {
    return withoutTraceKeys(mdcFields(mdc));
  }

  /** The map itself when it holds none of obs's trace keys, else a copy without them. */
  public static Map<String, String> withoutTraceKeys(Map<String, String> map) {
    if (!containsTraceKey(map)) {
      return map;
    }
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach(
        (k, v) -> {
          if (!isTraceKey(k)) {
            out.put(k, v);
          }
        });
    return Collections.unmodifiableMap(out);
  }

  /**
   * The MDC entries to write, redacted: {@code mdc} itself when it is immutable and no entry
   * needs to change — obs's trace keys are then still in it, and every writer skips them — else
   * a cleaned copy without them.
   *
   * <p>A map seen again (consecutive events of a thread whose MDC did not change carry the very
   * same instance) is copied once, without the trace keys, and that copy is reused.
   *
   * <p>Why not always copy: obs keeps {@code trace_id}/{@code span_id} in the MDC, so a traced
   * service hands every span a new map, and copying each into a fresh map cost about 300 bytes
   * of garbage per event (EncodeBenchmark, mdc=fresh). Most maps need no change at all: trace
   * keys are obs's own hex and never redacted, and user values repeat (the same String instance
   * for the length of a request), so each key remembers its last value and the result of
   * cleaning it. Only an immutable map may be kept: the writers read it after this check.
   */
  public Map<String, String> mdcFields(@Nullable Map<String, String> mdc) {
    if (mdc == null || mdc.isEmpty()) {
      return Map.of();
    }
    MdcCache last = mdcCache.get();
    if (last.original == mdc) {
      Map<String, String> cleaned = last.cleaned;
      if (cleaned == mdc && containsTraceKey(mdc)) {
        // Seen twice: the map is shared by a run of events, so copying it once without the
        // trace keys (which every writer would otherwise skip on every event) pays off.
        cleaned = withoutTraceKeys(mdc);
        last.cleaned = cleaned;
      }
      return cleaned;
    }
    Map<String, String> cleaned =
        isImmutable(mdc) && needsNoChange(mdc, last) ? mdc : copyCleaned(mdc);
    last.original = mdc;
    last.cleaned = cleaned;
    return cleaned;
  }

  /** Whether {@code key} is one of the MDC keys obs itself maintains (written from the span). */
  public static boolean isTraceKey(String key) {
    return key.equals(LogFields.TRACE_ID)
        || key.equals(LogFields.SPAN_ID)
        || key.equals(LogFields.TRACE_FLAGS);
  }

  private static boolean containsTraceKey(Map<String, String> map) {
    return map.containsKey(LogFields.TRACE_ID)
        || map.containsKey(LogFields.SPAN_ID)
        || map.containsKey(LogFields.TRACE_FLAGS);
  }

  // Logback's MDC adapter hands events Collections.unmodifiableMap of a private copy; Map.of
  // maps are immutable too. Anything else may still change under the writer. Compared by
  // identity: this runs for every event.
  private static final Class<?> UNMODIFIABLE_MAP =
      Collections.unmodifiableMap(new HashMap<>()).getClass();
  private static final Class<?> MAP_OF_ONE = Map.of("a", "b").getClass();
  private static final Class<?> MAP_OF_N = Map.of("a", "b", "c", "d").getClass();

  private static boolean isImmutable(Map<String, String> map) {
    Class<?> type = map.getClass();
    return type == UNMODIFIABLE_MAP || type == MAP_OF_N || type == MAP_OF_ONE;
  }

  private boolean needsNoChange(Map<String, String> mdc, MdcCache check) {
    // forEach, not an entry iterator: it walks the HashMap inside Logback's unmodifiable map
    // directly, without an iterator and a wrapper per entry.
    MdcCache c = check.checking ? new MdcCache() : check; // re-entered: a check of its own
    c.checking = true;
    c.unchanged = true;
    try {
      mdc.forEach(c);
      return c.unchanged;
    } finally {
      c.checking = false;
    }
  }

  /** A thread's last MDC map and its cleaned form, and the check of whether a map needs any. */
  private final class MdcCache implements BiConsumer<String, String> {
    Map<String, String> original = Map.of();
    Map<String, String> cleaned = Map.of();
    boolean checking;
    boolean unchanged;

    @Override
    public void accept(@Nullable String key, @Nullable String value) {
      if (!unchanged) {
        return;
      }
      if (key == null || value == null) {
        unchanged = false;
      } else if (!isTraceKey(key)) {
        MdcKey known = mdcKey(key);
        unchanged = known != null && known.nameUnchanged && known.clean(value, limits) == value;
      }
    }
  }

  private Map<String, String> copyCleaned(Map<String, String> mdc) {
    Map<String, String> out = new LinkedHashMap<>(mdc.size() * 2);
    mdc.forEach(
        (k, v) -> {
          // obs's own trace keys are written from the span, never from the MDC.
          if (k != null && v != null && !isTraceKey(k)) {
            MdcKey known = mdcKey(k);
            if (known != null) {
              out.put(known.name, known.clean(v, limits));
            } else {
              out.put(limits.limit(k), limits.cleanField(k, v));
            }
          }
        });
    return Collections.unmodifiableMap(out);
  }

  private @Nullable MdcKey mdcKey(String key) {
    MdcKey known = mdcKeys.get(key);
    if (known == null && mdcKeys.size() < MAX_REMEMBERED_KEYS) {
      known = mdcKeys.computeIfAbsent(key, k -> new MdcKey(k, limits.limit(k)));
    }
    return known;
  }

  /** An MDC key seen before: its name as written, and its last value with that value cleaned. */
  private static final class MdcKey {
    final String key;
    final String name;
    final boolean nameUnchanged;
    // Not volatile: a LastValue is immutable (final fields), so a racing reader sees a whole
    // one or an older one, and either is correct; a fence per event is not worth it.
    private @Nullable LastValue last;

    MdcKey(String key, String name) {
      this.key = key;
      this.name = name;
      this.nameUnchanged = name.equals(key);
    }

    String clean(String value, TextLimits limits) {
      LastValue l = last;
      // By identity: an equals() would read the whole value, which is what cleaning costs.
      if (l != null && l.value() == value) {
        return l.cleaned();
      }
      String cleaned = limits.cleanField(key, value);
      if (value.length() <= MAX_REMEMBERED_VALUE) {
        // Only short values: a huge one would stay in memory as long as the settings.
        last = new LastValue(value, cleaned);
      }
      return cleaned;
    }
  }

  private record LastValue(String value, String cleaned) {}

  public boolean json() {
    return json;
  }

  public boolean stdout() {
    return stdout;
  }

  public FieldNames fieldNames() {
    return fieldNames;
  }

  public TextLimits limits() {
    return limits;
  }

  public int stackTraceDepth() {
    return stackTraceDepth;
  }

  public @Nullable String serviceName() {
    return serviceName;
  }

  public @Nullable String serviceVersion() {
    return serviceVersion;
  }

  public @Nullable String environment() {
    return environment;
  }

  public List<String> baggageKeys() {
    return baggageKeys;
  }

  public int queueSize() {
    return queueSize;
  }

  /** The byte budget of the queue (see {@link EventSize}). */
  public long queueBytes() {
    return queueBytes;
  }

  /**
   * The default of {@code logs.queue_bytes}: 1/16 of the maximum heap, so that a full queue leaves
   * the application its memory, between 1 MiB (room for about 60 maximal 16 KB messages) and 64
   * MiB (beyond which a queue only delays what it cannot write anyway).
   */
  public static long defaultQueueBytes(long maxHeap) {
    return Math.max(1L << 20, Math.min(64L << 20, maxHeap / 16));
  }

  public Duration dropReportInterval() {
    return dropReportInterval;
  }

  public int preinitBufferSize() {
    return preinitBufferSize;
  }

  /** Per-logger levels; the key {@code root} (any case) is the root logger. */
  public Map<String, Level> levels() {
    return levels;
  }

  /** Builds {@link LogSettings}; defaults are in the field initialisers. */
  public static final class Builder {
    private boolean json = true;
    private boolean stdout = true;
    private FieldNames fieldNames = FieldNames.defaults();
    private Redactor redactor = Redactor.disabled();
    private int maxMessageLength = 16_384;
    private String truncationMarker = "...[truncated]";
    private int stackTraceDepth = 64;
    private @Nullable String serviceName;
    private @Nullable String serviceVersion;
    private @Nullable String environment;
    private List<String> baggageKeys = List.of();
    private int queueSize = 8192;
    private long queueBytes = defaultQueueBytes(Runtime.getRuntime().maxMemory());
    private Duration dropReportInterval = Duration.ofSeconds(30);
    private int preinitBufferSize = 1000;
    private final Map<String, Level> levels = new LinkedHashMap<>();

    private Builder() {}

    public Builder setJson(boolean json) {
      this.json = json;
      return this;
    }

    public Builder setStdout(boolean stdout) {
      this.stdout = stdout;
      return this;
    }

    public Builder setFieldNames(FieldNames fieldNames) {
      this.fieldNames = Objects.requireNonNull(fieldNames, "fieldNames");
      return this;
    }

    public Builder setRedactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    public Builder setMaxMessageLength(int maxMessageLength) {
      if (maxMessageLength < 1) {
        throw new IllegalArgumentException("maxMessageLength must be positive");
      }
      this.maxMessageLength = maxMessageLength;
      return this;
    }

    public Builder setTruncationMarker(String marker) {
      this.truncationMarker = Objects.requireNonNull(marker, "marker");
      return this;
    }

    public Builder setStackTraceDepth(int depth) {
      if (depth < 1) {
        throw new IllegalArgumentException("depth must be positive");
      }
      this.stackTraceDepth = depth;
      return this;
    }

    public Builder setService(
        @Nullable String name, @Nullable String version, @Nullable String environment) {
      this.serviceName = name;
      this.serviceVersion = version;
      this.environment = environment;
      return this;
    }

    public Builder setBaggageKeys(List<String> keys) {
      this.baggageKeys = List.copyOf(keys);
      return this;
    }

    public Builder setQueueSize(int queueSize) {
      if (queueSize < 16) {
        throw new IllegalArgumentException("queueSize must be at least 16, got " + queueSize);
      }
      this.queueSize = queueSize;
      return this;
    }

    public Builder setQueueBytes(long queueBytes) {
      if (queueBytes < 1024) {
        throw new IllegalArgumentException("queueBytes must be at least 1024, got " + queueBytes);
      }
      this.queueBytes = queueBytes;
      return this;
    }

    public Builder setDropReportInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive");
      }
      this.dropReportInterval = interval;
      return this;
    }

    public Builder setPreinitBufferSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("size must not be negative");
      }
      this.preinitBufferSize = size;
      return this;
    }

    public Builder setLevel(String logger, Level level) {
      levels.put(Objects.requireNonNull(logger, "logger"), Objects.requireNonNull(level, "level"));
      return this;
    }

    public LogSettings build() {
      return new LogSettings(this);
    }

    Builder copy() {
      Builder b = new Builder();
      b.json = json;
      b.stdout = stdout;
      b.fieldNames = fieldNames;
      b.redactor = redactor;
      b.maxMessageLength = maxMessageLength;
      b.truncationMarker = truncationMarker;
      b.stackTraceDepth = stackTraceDepth;
      b.serviceName = serviceName;
      b.serviceVersion = serviceVersion;
      b.environment = environment;
      b.baggageKeys = baggageKeys;
      b.queueSize = queueSize;
      b.queueBytes = queueBytes;
      b.dropReportInterval = dropReportInterval;
      b.preinitBufferSize = preinitBufferSize;
      b.levels.putAll(levels);
      return b;
    }
  }
}
