package io.keks.engine.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConfigTurnsTest {
    static List<String> topics(int n) {
        return IntStream.range(0, n).mapToObj(i -> "t-%05d".formatted(i)).toList();
    }

    @Test
    void aFewTopicsHaveTheirConfigsReadOnEveryPass() {
        ConfigTurns turns = new ConfigTurns();
        List<String> names = topics(800);
        assertThat(turns.next(names)).containsExactlyInAnyOrderElementsOf(names);
        assertThat(turns.next(names)).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void tenThousandTopicsAreAllReadWithinTenPassesAThousandAPass() {
        ConfigTurns turns = new ConfigTurns();
        List<String> names = topics(10_000);
        Set<String> seen = new HashSet<>();
        for (int pass = 0; pass < 10; pass++) {
            Set<String> turn = turns.next(names);
            assertThat(turn).hasSize(1_000);
            assertThat(turn.stream().filter(seen::contains)).as("read again before the round is over").isEmpty();
            seen.addAll(turn);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(names);
        assertThat(turns.next(names)).as("the round starts over").contains("t-00000").hasSize(1_000);
    }

    @Test
    void fiftyThousandTopicsStillTakeTenPassesForARound() {
        ConfigTurns turns = new ConfigTurns();
        List<String> names = topics(50_000);
        Set<String> seen = new HashSet<>();
        for (int pass = 0; pass < 10; pass++) {
            seen.addAll(turns.next(names));
        }
        assertThat(seen).hasSize(50_000);
    }

    @Test
    void theTurnWrapsAroundAndFollowsTopicsAddedOrRemovedBetweenPasses() {
        ConfigTurns turns = new ConfigTurns();
        List<String> names = topics(2_500);
        turns.next(names); // t-00000 .. t-00999
        turns.next(names); // t-01000 .. t-01999
        Set<String> third = turns.next(names);
        assertThat(third).hasSize(1_000).contains("t-02000", "t-02499", "t-00000", "t-00499").doesNotContain("t-00500");
        // t-00499 was the last read; a topic removed or added since does not break the order
        List<String> fewer = names.stream().filter(n -> !n.equals("t-00500")).toList();
        assertThat(turns.next(fewer)).contains("t-00501").doesNotContain("t-00499");
    }
}
