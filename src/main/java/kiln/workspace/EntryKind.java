package kiln.workspace;

/** What a name stands for, without following links. */
enum EntryKind {
    DIRECTORY("a directory"), FILE("a file"), LINK("a link"), OTHER("a FIFO, socket or device"), MISSING("missing");

    private final String text;

    EntryKind(String text) {
        this.text = text;
    }

    /** For messages: "a link". */
    String text() {
        return text;
    }
}
