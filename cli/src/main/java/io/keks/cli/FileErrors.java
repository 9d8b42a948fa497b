package io.keks.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * A file-system failure said the way a person can act on it. Java's own message of such an exception is
 * only the path ("error: /nonexistent"); this names the path, what went wrong with it, and, when the
 * path is keks' home or inside it, which variable moves the home.
 */
final class FileErrors {
    private FileErrors() {
    }

    static String describe(FileSystemException e, Path home) {
        String file = e.getFile();
        String reason = reason(e);
        StringBuilder s = new StringBuilder("cannot use ").append(file == null ? "a file" : file);
        if (e.getOtherFile() != null) {
            s.append(" (with ").append(e.getOtherFile()).append(')');
        }
        s.append(": ").append(reason);
        if (file != null && concernsHome(Path.of(file).toAbsolutePath().normalize(), home)) {
            s.append(". keks keeps its clusters and caches in ").append(home)
                    .append(" (KEKS_HOME, ~/.keks when unset); set KEKS_HOME to a directory you can write, e.g. `KEKS_HOME=/var/tmp/keks keks up`");
        }
        return s.toString();
    }

    private static String reason(FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        String r = e.getReason();
        // the operating system's words ("Not a directory", "Read-only file system"), in the sentence's case
        return r == null || r.isEmpty() ? e.getClass().getSimpleName() : Character.toLowerCase(r.charAt(0)) + r.substring(1);
    }

    /** The home itself, a file in it, or a directory above it (creating the home fails there). */
    private static boolean concernsHome(Path file, Path home) {
        Path h = home.toAbsolutePath().normalize();
        return file.startsWith(h) || h.startsWith(file);
    }
}
