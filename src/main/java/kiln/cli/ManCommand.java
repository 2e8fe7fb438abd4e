package kiln.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code kiln man}: prints the kiln(1) man page in roff, built from picocli's model of the
 * commands, so it never drifts from {@code --help}. Install it with
 * {@code java -jar kiln.jar man > /usr/local/share/man/man1/kiln.1}.
 */
@Command(name = "man", description = "Print the kiln(1) manual page (roff) built from the command definitions.")
final class ManCommand implements Runnable {
    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run() {
        CommandSpec root = spec.root();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(".TH KILN 1 \"%s\" \"kiln %s\" \"User Commands\"%n", LocalDate.now(ZoneOffset.UTC), Main.version());
        out.println(".SH NAME");
        out.println("kiln \\- " + roff(String.join(" ", root.usageMessage().description())));
        out.println(".SH SYNOPSIS");
        for (CommandLine sub : root.commandLine().getSubcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (s.name().equals("help") || s.name().equals("man") || s.name().equals("generate-completion")) {
                continue;
            }
            out.println(".B kiln " + s.name());
            out.println(roff(synopsis(s)));
            out.println(".br");
        }
        out.println(".SH DESCRIPTION");
        out.println("kiln starts one worker JVM per logical core; each creates small files as fast as the machine allows,");
        out.println("burns CPU with self-checking arithmetic and fills memory with patterns it reads back. Everything is");
        out.println("exposed as Prometheus metrics; at the end a run gives a verdict: any wrong result fails it.");
        out.println(".SH COMMANDS");
        for (CommandLine sub : root.commandLine().getSubcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (s.name().equals("help")) {
                continue;
            }
            out.println(".SS " + s.name());
            out.println(roff(String.join(" ", s.usageMessage().description())));
            for (PositionalParamSpec p : s.positionalParameters()) {
                out.println(".TP");
                out.println(".I " + roff(p.paramLabel()));
                out.println(roff(String.join(" ", p.description())));
            }
            for (OptionSpec o : s.options()) {
                if (o.usageHelp() || o.versionHelp() || o.hidden()) {
                    continue;
                }
                out.println(".TP");
                out.println(".B " + roff(String.join(", ", o.names())) + (o.arity().max() > 0 ? " \\fI" + roff(o.paramLabel()) + "\\fR" : ""));
                out.println(roff(String.join(" ", o.description()).replace("%%", "%")));
            }
            footer(out, s);
        }
        out.println(".SH EXIT STATUS");
        for (java.util.Map.Entry<String, String> code : root.usageMessage().exitCodeList().entrySet()) {
            out.println(".TP");
            out.println(".B " + roff(code.getKey().strip()));
            out.println(roff(code.getValue().strip()));
        }
        out.println(".SH SIGNALS");
        out.println(roff("SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal hung up) stop kiln run cleanly: the workers remove"
                + " their files and the summary is printed; a run stopped before its duration is inconclusive (exit 5). A second"
                + " signal forces the stop (exit 130). kiln daemon stops cleanly on SIGINT and SIGTERM; SIGHUP is logged and"
                + " changes nothing, since the daemon reads its configuration file again for every run."));
        out.println(".SH FILES");
        out.println(".TP");
        out.println(".I /etc/kiln/kiln.conf");
        out.println("configuration read by the systemd unit (HOCON; every key is documented in reference.conf)");
        out.println(".TP");
        out.println(".I /var/cache/kiln");
        out.println(roff("the launcher's class-data archive of the supervisor (JDK 19+), where that directory is the user's;"
                + " otherwise ${XDG_CACHE_HOME:-$HOME/.cache}/kiln; KILN_CACHE_DIR chooses another, empty for none"));
        out.println(".SH SEE ALSO");
        out.println("stress-ng(1), systemd.service(5)");
        out.flush();
    }

    /** A command's footer (the daemon's control API, how sizes and durations read) as its own paragraph, line by line. */
    private static void footer(PrintWriter out, CommandSpec s) {
        java.util.List<String> lines = java.util.Arrays.stream(s.usageMessage().footer()).filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            return;
        }
        out.println(".PP");
        for (String line : lines) {
            out.println(roff(line.replace("%%", "%").strip()));
            out.println(".br");
        }
    }

    private static String synopsis(CommandSpec s) {
        StringBuilder sb = new StringBuilder();
        for (OptionSpec o : s.options()) {
            if (o.usageHelp() || o.versionHelp() || o.hidden()) {
                continue;
            }
            sb.append('[').append(o.longestName()).append(o.arity().max() > 0 ? " " + o.paramLabel() : "").append("] ");
        }
        for (PositionalParamSpec p : s.positionalParameters()) {
            sb.append(p.paramLabel()).append(' ');
        }
        return sb.toString().strip();
    }

    /** Escapes what roff would read as markup: backslashes, and a leading dot or quote. */
    static String roff(String s) {
        String r = s.replace("\\", "\\\\").replace("-", "\\-");
        return r.startsWith(".") || r.startsWith("'") ? "\\&" + r : r;
    }
}
