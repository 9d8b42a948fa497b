package io.keks.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A number of seconds to wait, 1 or more: picocli refuses anything else with the option's name, before the command runs. */
final class PositiveSeconds implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        int seconds;
        try {
            seconds = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number of seconds");
        }
        if (seconds < 1) {
            throw new TypeConversionException(seconds + " is not a wait; give the seconds to wait, 1 or more");
        }
        return seconds;
    }
}
