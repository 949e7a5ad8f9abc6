package coffer.cli;

import picocli.CommandLine.Option;

/** The option every command takes: {@code --output text|json}. Mixed into each leaf command. */
final class CommonOptions {
    enum Format { text, json }

    @Option(names = "--output", paramLabel = "text|json", description = "Output format (default: ${DEFAULT-VALUE}).",
            defaultValue = "text")
    Format output = Format.text;

    boolean json() {
        return output == Format.json;
    }
}
