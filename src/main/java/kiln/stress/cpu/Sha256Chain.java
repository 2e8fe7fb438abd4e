package kiln.stress.cpu;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 chained over an 8 KiB block: the hashing units (SHA-NI where present). */
final class Sha256Chain extends Scalar {

    Sha256Chain() {
        super("sha256", 0xcd04f88833855c4eL, Measure.BYTES, 4L * 8192 + 3 * 32);
    }

    @Override
    public String path() {
        return Intrinsics.describe("SHA-256", "UseSHA256Intrinsics");
    }

    @Override
    public Work newWork() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
        return new One() {
            private final byte[] block = new byte[8192];

            @Override
            long compute(long s) {
                for (int i = 0; i < block.length; i++) {
                    block[i] = (byte) (s >>> ((i & 7) * 8) ^ i);
                }
                byte[] d = null;
                for (int round = 0; round < 4; round++) {
                    md.update(block);
                    if (d != null) {
                        md.update(d);
                    }
                    d = md.digest();
                }
                return ByteBuffer.wrap(d).getLong();
            }
        };
    }
}
