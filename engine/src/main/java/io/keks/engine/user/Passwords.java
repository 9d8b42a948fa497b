package io.keks.engine.user;

import java.security.SecureRandom;

/** Generated passwords for KafkaUsers and key stores: 32 letters and digits, as long as Strimzi's. */
public final class Passwords {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** No 0/O, 1/l/I: a password read off a screen is typed right. */
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    static final int LENGTH = 32;

    private Passwords() {
    }

    public static String generate() {
        StringBuilder sb = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
