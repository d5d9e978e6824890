package org.nabla4j;

import java.net.URL;
import java.security.CodeSource;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the user's frame on the stack: the first frame whose class is not part of nabla4j's own
 * code and not part of the JDK. Library code is recognised by its code source (the jar or classes
 * directory each nabla4j module was loaded from), so tests and examples that live in
 * {@code org.nabla4j} packages still count as user code.
 */
public final class UserFrames {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final Set<String> LIBRARY_LOCATIONS = ConcurrentHashMap.newKeySet();

    static {
        registerLibrary(UserFrames.class);
    }

    private UserFrames() {}

    /** Marks the code source of {@code anyClassOfModule} as library code. Each module calls this once. */
    public static void registerLibrary(Class<?> anyClassOfModule) {
        String loc = location(anyClassOfModule);
        if (loc != null) LIBRARY_LOCATIONS.add(loc);
    }

    /** The first user frame as {@code Class.method(File.java:line)}, or null. */
    public static String find() {
        return WALKER.walk(frames -> frames
                .filter(f -> !isLibraryOrJdk(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse(null));
    }

    private static boolean isLibraryOrJdk(Class<?> c) {
        String name = c.getName();
        if (name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")
                || name.startsWith("com.sun.") || c.isHidden()) {
            return true;
        }
        if (!name.startsWith("org.nabla4j.")) return false;
        String loc = location(c);
        return loc == null || LIBRARY_LOCATIONS.contains(loc);
    }

    private static String location(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        URL url = cs == null ? null : cs.getLocation();
        return url == null ? null : url.toString();
    }
}
