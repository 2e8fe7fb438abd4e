package kiln.stress.cpu;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM encrypt and decrypt of 64 KiB through {@code javax.crypto} (AES-NI and carry-less
 * multiply where the JIT has them): the ciphertext's checksum and the tag are known answers, and
 * so is the round trip's plaintext checksum (0 when decryption refused the tag).
 */
final class Aes extends kiln.stress.CpuMethod {
    static final int SIZE = 64 * 1024;
    private static final long[][] ANSWERS = {
        {0xb14cdd9140aba7caL, 0x73e72e82152f75adL, 0x10000L, 0xa78c7d6c87a653feL},
        {0x1ca1b6fa3bb8175aL, 0x9fb5ff7c07d84619L, 0x10000L, 0x572da1f075bc037eL},
        {0x66f9ae5793d1226L, 0x814476992fcf62aL, 0x10000L, 0xd7069ce1b59aa8c0L},
        {0xa68b72818101c6d7L, 0x7a505f2ae1ba9651L, 0x10000L, 0x7e5c9125e58bca3cL},
    };

    Aes() {
        super("aes", ANSWERS, Measure.BYTES, 2L * SIZE);
    }

    @Override
    public String path() {
        return Intrinsics.describe("AES-GCM", "UseAES", "UseAESIntrinsics", "UseGHASHIntrinsics");
    }

    @Override
    public Work newWork() {
        return new Work() {
            private final byte[] plain = new byte[SIZE];
            private final byte[] sealed = new byte[SIZE + 16];
            private final byte[] opened = new byte[SIZE];
            private final byte[] key = new byte[32];
            private final byte[] iv = new byte[12];
            private long prepared = 0;
            private boolean ready;

            @Override
            public void run(long seed, long[] out) {
                if (!ready || prepared != seed) {
                    Fold.fill(plain, seed);
                    Fold.fill(key, ~seed);
                    Fold.fill(iv, seed * 31 + 7);
                    prepared = seed;
                    ready = true;
                }
                try {
                    SecretKeySpec k = new SecretKeySpec(key, "AES");
                    GCMParameterSpec p = new GCMParameterSpec(128, iv);
                    // a fresh Cipher each time: one instance refuses to encrypt twice under the same key and IV
                    Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
                    enc.init(Cipher.ENCRYPT_MODE, k, p);
                    enc.updateAAD(iv);
                    int n = enc.doFinal(plain, 0, SIZE, sealed, 0);
                    out[0] = Fold.of(sealed, 0, SIZE);
                    out[1] = Fold.of(sealed, SIZE, n - SIZE);
                    Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
                    dec.init(Cipher.DECRYPT_MODE, k, p);
                    dec.updateAAD(iv);
                    int m = dec.doFinal(sealed, 0, n, opened, 0);
                    out[2] = m;
                    out[3] = Fold.of(opened, 0, m);
                } catch (javax.crypto.AEADBadTagException e) {
                    out[2] = -1; // the tag did not verify: a miscomputation, shown as a wrong answer
                    out[3] = 0;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("AES-GCM is required of every JDK", e);
                }
            }
        };
    }
}
