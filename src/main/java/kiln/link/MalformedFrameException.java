package kiln.link;

/** A line on the link that is not a valid frame of this protocol version. */
public final class MalformedFrameException extends Exception {
    public MalformedFrameException(String message) {
        super(message);
    }
}
