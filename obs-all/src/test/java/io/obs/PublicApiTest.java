// SPDX-License-Identifier: Apache-2.0
package io.obs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The line between obs's public API and its internals, checked on every build: no type of an
 * {@code io.obs..internal} package appears in a public or protected signature of a public type
 * outside those packages (supertypes, constructors, methods, fields, type arguments and bounds).
 * Internal types may change in any release; a public signature that names one would break
 * applications with them. Every obs library jar is on this module's class path through obs-all.
 */
class PublicApiTest {

  @Test
  void noInternalTypeInAPublicSignature() throws Exception {
    List<String> classes = obsClasses();
    assertThat(classes).as("obs's classes on the class path").hasSizeGreaterThan(100);

    Set<String> violations = new TreeSet<>();
    int inspected = 0;
    for (String name : classes) {
      if (isInternal(name) || name.contains("$$")) {
        continue;
      }
      Class<?> type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
      if (!isExported(type)) {
        continue;
      }
      inspected++;
      check(type.getGenericSuperclass(), type.getName() + " extends", violations);
      for (Type parent : type.getGenericInterfaces()) {
        check(parent, type.getName() + " implements", violations);
      }
      for (TypeVariable<?> variable : type.getTypeParameters()) {
        check(variable, type.getName() + "<" + variable.getName() + ">", violations);
      }
      for (Constructor<?> constructor : type.getDeclaredConstructors()) {
        if (isExported(constructor)) {
          checkExecutable(constructor, type.getName() + "(...)", violations);
        }
      }
      for (Method method : type.getDeclaredMethods()) {
        if (isExported(method) && !method.isSynthetic() && !method.isBridge()) {
          String where = type.getName() + "." + method.getName() + "(...)";
          check(method.getGenericReturnType(), where, violations);
          checkExecutable(method, where, violations);
        }
      }
      for (Field field : type.getDeclaredFields()) {
        if (isExported(field) && !field.isSynthetic()) {
          check(field.getGenericType(), type.getName() + "." + field.getName(), violations);
        }
      }
    }
    assertThat(inspected).as("public types inspected").isGreaterThan(30);
    assertThat(violations).as("internal types in public signatures").isEmpty();
  }

  @Test
  void theCheckSeesAnInternalTypeInASignature() {
    Set<String> violations = new TreeSet<>();
    for (Method method : Leaky.class.getDeclaredMethods()) {
      check(method.getGenericReturnType(), method.getName(), violations);
    }
    assertThat(violations).singleElement().asString()
        .contains("io.obs.internal.ConfigLoader");
  }

  /** A public-looking type that leaks an internal one; only the check above looks at it. */
  interface Leaky {
    List<? extends io.obs.internal.ConfigLoader> leak();
  }

  private static void checkExecutable(Executable executable, String where, Set<String> out) {
    for (Type parameter : executable.getGenericParameterTypes()) {
      check(parameter, where, out);
    }
    for (Type thrown : executable.getGenericExceptionTypes()) {
      check(thrown, where + " throws", out);
    }
    for (TypeVariable<?> variable : executable.getTypeParameters()) {
      check(variable, where, out);
    }
  }

  private static void check(Type type, String where, Set<String> out) {
    check(type, where, out, new ArrayList<>());
  }

  private static void check(Type type, String where, Set<String> out, List<Type> seen) {
    if (type == null || seen.contains(type)) {
      return;
    }
    seen.add(type);
    if (type instanceof Class<?> raw) {
      Class<?> base = raw;
      while (base.isArray()) {
        base = base.getComponentType();
      }
      if (isInternal(base.getName())) {
        out.add(where + " names " + base.getName());
      }
    } else if (type instanceof ParameterizedType parameterized) {
      check(parameterized.getRawType(), where, out, seen);
      check(parameterized.getOwnerType(), where, out, seen);
      for (Type argument : parameterized.getActualTypeArguments()) {
        check(argument, where, out, seen);
      }
    } else if (type instanceof WildcardType wildcard) {
      for (Type bound : wildcard.getUpperBounds()) {
        check(bound, where, out, seen);
      }
      for (Type bound : wildcard.getLowerBounds()) {
        check(bound, where, out, seen);
      }
    } else if (type instanceof TypeVariable<?> variable) {
      for (Type bound : variable.getBounds()) {
        check(bound, where, out, seen);
      }
    } else if (type instanceof GenericArrayType array) {
      check(array.getGenericComponentType(), where, out, seen);
    }
  }

  private static boolean isInternal(String className) {
    return className.startsWith("io.obs.") && className.contains(".internal.");
  }

  /** Public, and reachable: every enclosing type public too. */
  private static boolean isExported(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers()) || c.isAnonymousClass() || c.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isExported(Member member) {
    int modifiers = member.getModifiers();
    if (Modifier.isPublic(modifiers)) {
      return true;
    }
    // A protected member is API only where a subclass outside obs can exist.
    return Modifier.isProtected(modifiers)
        && !Modifier.isFinal(member.getDeclaringClass().getModifiers());
  }

  /** The classes of obs's library modules, from their jars or build directories. */
  private static List<String> obsClasses() throws IOException {
    List<String> names = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      String file = path.getFileName() == null ? "" : path.getFileName().toString();
      if (Files.isDirectory(path) && path.endsWith("classes")
          && path.getParent() != null && path.getParent().getParent() != null
          && path.getParent().getParent().getFileName().toString().startsWith("obs-")) {
        Path root = path.resolve("io/obs");
        if (Files.isDirectory(root)) {
          try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".class"))
                .forEach(f -> names.add(className(path.relativize(f).toString())));
          }
        }
      } else if (file.startsWith("obs-") && file.endsWith(".jar")) {
        try (JarFile jar = new JarFile(path.toFile())) {
          for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            if (name.startsWith("io/obs/") && name.endsWith(".class")) {
              names.add(className(name));
            }
          }
        }
      }
    }
    names.removeIf(n -> n.endsWith("package-info") || n.endsWith("module-info"));
    return names;
  }

  private static String className(String path) {
    return path.substring(0, path.length() - ".class".length()).replace('/', '.')
        .replace(java.io.File.separatorChar, '.');
  }
}
