// SPDX-License-Identifier: Apache-2.0
package io.obs.logging.internal;

import ch.qos.logback.core.Context;
import ch.qos.logback.core.spi.ContextAwareBase;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.obs.logging.LogFields;
import io.obs.logging.internal.json.BaggageJsonProvider;
import io.obs.logging.internal.json.CoreFieldsJsonProvider;
import io.obs.logging.internal.json.ErrorJsonProvider;
import io.obs.logging.internal.json.MdcJsonProvider;
import io.obs.logging.internal.json.ObsJsonProvider;
import io.obs.logging.internal.json.RequestIdJsonProvider;
import io.obs.logging.internal.json.ResourceJsonProvider;
import io.obs.logging.internal.json.StructuredFieldsJsonProvider;
import io.obs.logging.internal.json.TimestampJsonProvider;
import io.obs.logging.internal.json.TraceContextJsonProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. One JSON object per line, written by obs's providers in this
 * order: timestamp, level, logger, thread, message, resource, trace context, request id, baggage,
 * MDC, structured fields, error.
 *
 * <p>The providers are driven here with a plain jackson-core generator rather than through
 * logstash-logback-encoder's composite encoder, because that encoder builds its {@code
 * JsonFactory} from a new {@code ObjectMapper}: loading and initialising jackson-databind for it
 * was most of obs-logging's start-up time (about 350 ms of the first log line) and of its heap,
 * and obs's providers never use the mapper. The bytes are the same as that encoder's: the same
 * {@code JsonFactory} defaults and UTF-8 generator, no separator between root values, a {@code \n}
 * after each object.
 *
 * <p>Each thread that formats keeps one generator writing into one growable buffer, both reused
 * for every event: {@link io.obs.logging.ObsEncoder} is called on any application thread, {@link
 * AsyncLogWriter} on its worker.
 */
public final class JsonFormat implements EventFormat {

  /**
   * The factory, created with the first generator: that is on {@link AsyncLogWriter}'s worker for
   * obs's appender, so loading jackson-core is not part of the application's first log call.
   */
  private static final class Factory {
    /**
     * Configured as logstash-logback-encoder configures its factory, without the mapper. A
     * generator per thread lives as long as the thread, so Jackson's thread-local buffer
     * recycling would only keep a second set of buffers alive.
     */
    static final JsonFactory INSTANCE = create();

    @SuppressWarnings("deprecation") // the calls logstash-logback-encoder 8.1 makes, to match it
    private static JsonFactory create() {
      return new JsonFactory()
          .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)
          .disable(JsonFactory.Feature.USE_THREAD_LOCAL_FOR_BUFFER_RECYCLING);
    }

    private Factory() {}
  }

  /** A buffer that grew beyond this (a huge stack trace) is not kept for the next event. */
  private static final int MAX_KEPT_BUFFER = 64 * 1024;

  private static final byte[] NOTHING = new byte[0];

  private final LogSettings settings;
  private final ThreadLocal<@Nullable LineWriter> writers = new ThreadLocal<>();
  private final ContextAwareBase status = new ContextAwareBase();
  private volatile boolean started = true;

  /**
   * Built with the first line, like the generator: a format is created while Logback starts, on
   * the application's thread, and loading the provider classes there is start-up time.
   */
  private volatile ObsJsonProvider @Nullable [] providers;

  public JsonFormat(Context context, LogSettings settings) {
    this.settings = settings;
    status.setContext(context);
  }

  private ObsJsonProvider[] providers() {
    ObsJsonProvider[] p = providers;
    if (p == null) {
      synchronized (this) {
        p = providers;
        if (p == null) {
          FieldNames names = settings.fieldNames();
          p =
              new ObsJsonProvider[] {
                new TimestampJsonProvider(names.get(LogFields.TIMESTAMP)),
                new CoreFieldsJsonProvider(names),
                new ResourceJsonProvider(names, settings),
                new TraceContextJsonProvider(names),
                new RequestIdJsonProvider(names),
                new BaggageJsonProvider(names),
                new MdcJsonProvider(names),
                new StructuredFieldsJsonProvider(names),
                new ErrorJsonProvider(names)
              };
          providers = p;
        }
      }
    }
    return p;
  }

  @Override
  public byte[] format(PreparedEvent event) {
    LineWriter line = acquire();
    try {
      if (!write(line, event)) {
        return NOTHING;
      }
      return Arrays.copyOf(line.buffer, line.count);
    } finally {
      release(line);
    }
  }

  /** Writes the line straight from the thread's buffer, without a copy of its own. */
  @Override
  public void writeTo(PreparedEvent event, OutputStream out) throws IOException {
    LineWriter line = acquire();
    try {
      if (write(line, event)) {
        out.write(line.buffer, 0, line.count);
      }
    } finally {
      release(line);
    }
  }

  @Override
  public void stop() {
    started = false;
    writers.remove();
  }

  private LineWriter acquire() {
    if (!started) {
      throw new IllegalStateException("JSON format is stopped");
    }
    LineWriter line = writers.get();
    if (line == null || line.busy) {
      // A busy writer means a provider re-entered format() on this thread: that call gets a
      // writer of its own, used once, so it cannot corrupt the line being written.
      LineWriter fresh = new LineWriter();
      if (line == null) {
        writers.set(fresh);
      }
      line = fresh;
    }
    line.busy = true;
    line.count = 0;
    return line;
  }

  private void release(LineWriter line) {
    line.busy = false;
    if (line.failed) {
      // A generator that threw may be in the middle of an object: start the next event afresh.
      if (writers.get() == line) {
        writers.remove();
      }
    } else if (line.buffer.length > MAX_KEPT_BUFFER) {
      line.buffer = new byte[LineWriter.INITIAL_SIZE];
    }
  }

  /**
   * Writes one object and its newline into the line's buffer.
   *
   * @return false when the event could not be written: reported to Logback's status and written
   *     as nothing, as logstash-logback-encoder does
   */
  private boolean write(LineWriter line, PreparedEvent event) {
    JsonGenerator generator = line.generator;
    try {
      generator.writeStartObject();
      for (ObsJsonProvider provider : providers()) {
        provider.writeTo(generator, event);
      }
      generator.writeEndObject();
      generator.flush();
      line.write('\n');
      return true;
    } catch (IOException e) {
      line.failed = true;
      status.addWarn("Error encountered while encoding log event. Event: " + event, e);
      return false;
    } catch (RuntimeException | Error e) {
      line.failed = true;
      throw e;
    }
  }

  /**
   * JSON's own escapes plus the three characters outside ASCII that Unicode counts as line
   * breaks: U+0085 (NEL), U+2028 and U+2029. JSON allows them raw, but tools that split a stream
   * into lines by Unicode rules (JavaScript, Python's {@code str.splitlines}, some log shippers)
   * would cut the line there. ASCII text keeps the generator's fast path: the escape sequence is
   * asked for only when a character outside ASCII appears.
   */
  static final class LineBreakEscapes extends CharacterEscapes {
    static final LineBreakEscapes INSTANCE = new LineBreakEscapes();

    private static final int[] ASCII = standardAsciiEscapesForJSON();
    private static final SerializedString NEL = new SerializedString("\\u0085");
    private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");

    private LineBreakEscapes() {}

    @Override
    public int[] getEscapeCodesForAscii() {
      return ASCII;
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      return switch (ch) {
        case 0x85 -> NEL;
        case 0x2028 -> LINE_SEPARATOR;
        case 0x2029 -> PARAGRAPH_SEPARATOR;
        default -> null;
      };
    }
  }

  /** A thread's generator and the buffer it writes into; used by one call at a time. */
  private static final class LineWriter extends OutputStream {
    static final int INITIAL_SIZE = 512;

    byte[] buffer = new byte[INITIAL_SIZE];
    int count;
    boolean busy;
    boolean failed;
    final JsonGenerator generator;

    LineWriter() {
      try {
        generator = Factory.INSTANCE.createGenerator(this, JsonEncoding.UTF8);
      } catch (IOException e) {
        // Creating a generator on an in-memory stream does no I/O.
        throw new UncheckedIOException(e);
      }
      generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      // One root object per event, each on its own line: nothing between them.
      generator.setRootValueSeparator(null);
      generator.setCharacterEscapes(LineBreakEscapes.INSTANCE);
    }

    @Override
    public void write(int b) {
      ensure(1);
      buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      ensure(length);
      System.arraycopy(bytes, offset, buffer, count, length);
      count += length;
    }

    private void ensure(int more) {
      int needed = count + more;
      if (needed > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
      }
    }
  }
}
