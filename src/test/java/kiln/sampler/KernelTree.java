package kiln.sampler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fixture tree shaped like the kernel's /proc and /sys, under a test's temporary root. */
final class KernelTree {
    final Path root;

    KernelTree(Path root) {
        this.root = root;
    }

    /** Writes {@code text} at {@code path} under the root, as the kernel would show it, parents included. */
    KernelTree file(String path, String text) {
        try {
            Path p = root.resolve(path);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This process in cgroup {@code path} of the v2 hierarchy mounted at /sys/fs/cgroup. */
    KernelTree cgroupV2(String path) {
        return file("proc/self/cgroup", "0::" + path + "\n")
                .file("proc/self/mountinfo", "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n"
                        + "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n");
    }

    /** This process in cgroup {@code path} of a v1 hierarchy holding {@code controllers} ("cpu,cpuacct"), mounted under /sys/fs/cgroup. */
    KernelTree cgroupV1(String controllers, String path) {
        return file("proc/self/cgroup", "12:pids:/\n5:" + controllers + ":" + path + "\n1:name=systemd:" + path + "\n0::/\n")
                .file("proc/self/mountinfo", "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n"
                        + "25 24 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755\n"
                        + "31 25 0:27 / /sys/fs/cgroup/" + controllers + " rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,"
                        + controllers + "\n");
    }
}
