package io.keks.engine.change;

import java.util.List;

/** A change to a running cluster that keks refuses before touching anything, with every reason. */
public final class UnsafeChangeException extends IllegalStateException {
    private final List<String> reasons;

    public UnsafeChangeException(List<String> reasons) {
        super("refused, nothing was changed:\n  - " + String.join("\n  - ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
