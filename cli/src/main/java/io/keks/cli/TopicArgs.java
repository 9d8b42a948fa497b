package io.keks.cli;

import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** The KIND NAME of a command that acts on one KafkaTopic, with the kind checked the same way for each. */
final class TopicArgs {
    /** What the shell completes KIND with. */
    static final class Kinds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("kafkatopic", "kafkauser", "kafkarebalance").iterator();
        }
    }

    @Parameters(index = "0", paramLabel = "KIND", completionCandidates = Kinds.class,
            description = "kafkatopic (or kt), kafkarebalance (or kr); delete also takes kafkauser (or ku) and kafkanodepool (or knp)")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "The resource's metadata.name.")
    String name;

    /** Refuses any kind but KafkaTopic, saying what the command can do instead. */
    void requireTopic(CommandSpec spec, String refusal) {
        if (!GetCommand.TOPIC_KINDS.contains(kind.toLowerCase())) {
            throw new ParameterException(spec.commandLine(), "cannot " + spec.name() + " \"" + kind + "\"; " + refusal);
        }
    }
}
