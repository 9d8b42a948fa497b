package io.keks.local;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One of keks' own files that cannot be read as what it should hold: truncated, not JSON, or missing what
 * keks needs from it. The message names the file, what it holds, why it cannot be read and what to do. keks
 * refuses to go on rather than guess: it never deletes or reformats data to get past a damaged file.
 */
public final class DamagedFileException extends IllegalStateException {
    private final Path file;

    public DamagedFileException(Path file, String holds, String why, String toDo) {
        super(file + " cannot be read (" + why + "); it holds " + holds + ". Nothing was changed and no data was deleted: " + toDo);
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** What a JSON reader said, in a few words with the place: "unexpected end of the file, line 6, column 7". */
    static String why(IOException e) {
        if (e instanceof JacksonException j) {
            JsonLocation at = j.getLocation();
            String said = j.getOriginalMessage() == null ? j.getClass().getSimpleName() : j.getOriginalMessage().lines().findFirst()
                    .orElse("").replaceAll("\\s*\\(for .*$", "");
            return said + (at == null || at.getLineNr() < 0 ? "" : ", line " + at.getLineNr() + ", column " + at.getColumnNr());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
