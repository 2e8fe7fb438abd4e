package kiln.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LayoutTest {
    @Test
    void shardDir_isZeroPaddedToSixDigits_andLongerPastThem_andAlwaysASweepableShardName() {
        long[] shards = {0, 7, 12, 999, 123456, 999999, 1000000, 123456789012L};
        String[] names = {"d000000", "d000007", "d000012", "d000999", "d123456", "d999999", "d1000000", "d123456789012"};
        for (int i = 0; i < shards.length; i++) {
            assertEquals(names[i], Layout.shardDir(shards[i]));
            assertEquals(String.format(java.util.Locale.ROOT, "d%06d", shards[i]), Layout.shardDir(shards[i]));
            assertTrue(Layout.isShardDir(Layout.shardDir(shards[i])), names[i]);
        }
    }

    @Test
    void shardOf_andFirstIndexOf_agree() {
        for (long index : new long[] {0, 1, 999, 1000, 1001, 123456789}) {
            long shard = Layout.shardOf(index);
            assertTrue(Layout.firstIndexOf(shard) <= index && index < Layout.firstIndexOf(shard + 1), Long.toString(index));
        }
    }
}
