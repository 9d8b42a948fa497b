package io.keks.cli;

import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * The KIND NAME of a command that acts on one resource, with the kind checked the same way for each. Each
 * command's subclass declares KIND, so the shell completes only the kinds that command takes.
 */
abstract class TopicArgs {
    @Parameters(index = "1", paramLabel = "NAME", description = "The resource's metadata.name.")
    String name;

    abstract String kind();

    /** Refuses any kind but KafkaTopic, saying what the command can do instead. */
    void requireTopic(CommandSpec spec, String refusal) {
        if (!GetCommand.TOPIC_KINDS.contains(kind().toLowerCase())) {
            throw new ParameterException(spec.commandLine(), "cannot " + spec.name() + " \"" + kind() + "\"; " + refusal);
        }
    }

    /** The kinds the shell completes KIND with. */
    abstract static class KindList implements Iterable<String> {
        private final List<String> kinds;

        KindList(String... kinds) {
            this.kinds = List.of(kinds);
        }

        @Override
        public Iterator<String> iterator() {
            return kinds.iterator();
        }
    }

    /** What `keks describe` takes. */
    static final class ToDescribe extends TopicArgs {
        static final class Kinds extends KindList {
            Kinds() {
                super("kafkatopic", "kafkarebalance");
            }
        }

        @Parameters(index = "0", paramLabel = "KIND", completionCandidates = Kinds.class,
                description = "kafkatopic (or kt) or kafkarebalance (or kr)")
        String kind;

        @Override
        String kind() {
            return kind;
        }
    }

    /** What `keks delete` takes. */
    static final class ToDelete extends TopicArgs {
        static final class Kinds extends KindList {
            Kinds() {
                super("kafkatopic", "kafkauser", "kafkarebalance", "kafkanodepool");
            }
        }

        @Parameters(index = "0", paramLabel = "KIND", completionCandidates = Kinds.class,
                description = "kafkatopic (or kt), kafkauser (or ku), kafkarebalance (or kr) or kafkanodepool (or knp)")
        String kind;

        @Override
        String kind() {
            return kind;
        }
    }
}
