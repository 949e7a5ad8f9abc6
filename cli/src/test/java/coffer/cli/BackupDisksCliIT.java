package coffer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer backup INSTANCE --disks vdx} offline, with a disk the domain lacks (docs/reliability.md, session 20): it
 * is refused before any work, {@code InvalidArgument} naming the disk and the domain's disks. A run directory a
 * killed run left for the domain shows it: the backup would have cleaned it up as its first step; it is still there,
 * and the vault holds no point. (Through a server: {@code BackupRequestDisksTest}.)
 */
class BackupDisksCliIT {
    @RegisterExtension final LibvirtTestResources resources = new LibvirtTestResources();
    @TempDir Path dir;

    @Test
    void aDiskTheDomainLacksIsRefusedBeforeAnyWork() throws Exception {
        String domain = resources.domain(dir, "cli20-disks-", "--size-mb", "16", "--disks", "2");
        String uuid = ServerCliIT.run("virsh", "-c", "qemu:///system", "domuuid", domain).replaceFirst("^ok\\s*", "").trim();
        Path keyRing = dir.resolve("keyring.json");
        Path vault = dir.resolve("vault");
        CliRun.run(keyRing, "vault", "init", vault.toString(), "--chunk-size", "256K").ok();
        Path runtime = dir.resolve("run");
        Path leftover = Files.createDirectories(runtime.resolve(uuid.substring(0, 8) + ".20260101-000000-deadbeef"));
        Files.writeString(leftover.resolve("owner"), "0"); // no live process: a killed run's
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("COFFER_RUNTIME_DIR", runtime.toString());

        CliRun run = CliRun.run(keyRing, env, "backup", domain, "--disks", "vda,vdx", "--vault", vault.toString())
                .fails(2, "InvalidArgument");
        assertTrue(run.err().contains("instance '" + domain + "' has no disk 'vdx' (it has vda, vdb)"), run.err());
        assertTrue(Files.isDirectory(leftover), "the killed run's directory was cleaned up: the backup began its work");
        assertFalse(CliRun.run(keyRing, "point", "list", "--vault", vault.toString()).ok().out().contains(domain),
                "no point of " + domain);
    }
}
