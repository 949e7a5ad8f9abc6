package coffer.engine.operation;

import coffer.engine.json.CofferJson;
import coffer.engine.error.CofferException;
import coffer.engine.instance.NewInstance;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.JobParams;
import coffer.engine.job.JobType;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operation records: checked once when made, every problem at once; their JSON forms; job rows old and new. */
class OperationRecordsTest {

    @Test
    void aRecordReportsEveryProblemAtOnce() {
        CofferException e = assertThrows(CofferException.class, () -> CofferJson.readObject(
                "{\"instance\": \"web\", \"disks\": [\"vda\", \"VDA!\", \"vda\"], \"retentionDays\": 0}",
                BackupInstance.class, "request body"));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().startsWith("backup request has 3 problems: "), e.getMessage());
        assertTrue(e.getMessage().contains("disks: 'VDA!' is not a disk target"), e.getMessage());
        assertTrue(e.getMessage().contains("disks: a disk is named twice"), e.getMessage());
        assertTrue(e.getMessage().contains("retentionDays: must be between 1 and 65536, got 0"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            null          | request body: expected a JSON object, got null
            [1, 2]        | request body: expected a JSON object, got an array
            7             | request body: expected a JSON object, got a number
            "web"         | request body: expected a JSON object, got a string
            {"instance": ["web"]} | field 'instance': expected text
            {"instance": "web", "colour": 1} | colour: unknown field
            {"instance": "web", "retentionDays": "3"} | field 'retentionDays': expected a whole number
            {"instance": "web", "replicate": 1} | field 'replicate': expected true or false
            {"instance":      | not valid JSON
            """)
    void anythingButTheExpectedObjectIsRefusedNamingWhatWasWrong(String body, String expected) {
        CofferException e = assertThrows(CofferException.class, () -> CofferJson.readObject(body, BackupInstance.class,
                "request body"));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void unknownFieldsAreReportedWithTheRecordsOwnProblems() {
        CofferException e = assertThrows(CofferException.class, () -> CofferJson.readObject(
                "{\"instance\": \"web\", \"retentionDays\": 0, \"colour\": 1, \"appConsistent\": {\"freeze\": true}}",
                BackupInstance.class, "request body"));
        assertTrue(e.getMessage().startsWith("backup request has 3 problems: retentionDays: must be between"), e.getMessage());
        assertTrue(e.getMessage().contains("colour: unknown field"), e.getMessage());
        assertTrue(e.getMessage().contains("appConsistent.freeze: unknown field"), e.getMessage());
    }

    @Test
    void aPointListRequestsBadValuesAreNamedAtOnce() {
        CofferException e = assertThrows(CofferException.class, () -> new ListPoints(null, null, "east coast", "old", "crash",
                java.time.Instant.parse("2026-03-02T00:00:00Z"), java.time.Instant.parse("2026-03-01T00:00:00Z"), "zzz", 0, -1));
        assertTrue(e.getMessage().startsWith("point list request has 8 problems: "), e.getMessage());
        assertTrue(e.getMessage().contains("region: a region: 1 to 64 letters"), e.getMessage());
        assertTrue(e.getMessage().contains("state: one of [available, expired], got 'old'"), e.getMessage());
        assertTrue(e.getMessage().contains("consistency: one of [APPLICATION, CRASH, FILESYSTEM], got 'crash'"), e.getMessage());
        assertTrue(e.getMessage().contains("until: must be after since"), e.getMessage());
        assertTrue(e.getMessage().contains("cursor: 'zzz' is not a cursor this server gave"), e.getMessage());
        assertTrue(e.getMessage().contains("limit: a whole number from 1 to 1000, got '0'"), e.getMessage());
        assertTrue(e.getMessage().contains("offset: 0 or more, got -1"), e.getMessage());
        assertTrue(e.getMessage().contains("offset: give the cursor or the offset, not both"), e.getMessage());
        assertTrue(assertThrows(CofferException.class, () -> new ListJobs(null, null, null, null, null, "east/1", null, null,
                null, null)).getMessage().contains("region: a region: 1 to 64 letters"));
    }

    /** A token list filters by every role a token can have, the agent role included (docs/api.md, "Lists"). */
    @Test
    void aTokenListFiltersByEveryRoleATokenCanHave() {
        for (String role : CreateToken.ROLES) {
            assertEquals(role, new ListTokens(role, null, null).role());
        }
        CofferException e = assertThrows(CofferException.class, () -> new ListTokens("root", null, null));
        assertTrue(e.getMessage().contains("role: one of [admin, agent, operator, viewer], got 'root'"), e.getMessage());
    }

    @Test
    void aBackupsDescriptionIsAShortLineOfText() {
        assertEquals("before the upgrade", new BackupInstance("web", null, null, null, null, false, null, null,
                "before the upgrade").description());
        assertTrue(assertThrows(CofferException.class, () -> new BackupInstance("web", null, null, null, null, false, null, null,
                "x".repeat(257))).getMessage().contains("description: at most 256 characters"));
        assertTrue(assertThrows(CofferException.class, () -> new BackupInstance("web", null, null, null, null, false, null, null,
                "two\nlines")).getMessage().contains("without control characters"));
    }

    @Test
    void theAssuranceRecordsCheckTheirValuesAndFillTheirDefaults() {
        VerifyVault verify = CofferJson.readObject("{}", VerifyVault.class, "request body");
        assertEquals(new VerifyVault(null, coffer.engine.catalog.VerifyRun.Kind.FULL, false), verify, "full, no quarantine");
        assertTrue(assertThrows(CofferException.class, () -> CofferJson.readObject("{\"kind\": \"HALF\"}",
                VerifyVault.class, "request body")).getMessage().contains("kind"));
        CofferException drill = assertThrows(CofferException.class, () -> CofferJson.readObject(
                "{\"check\": [\"true\"]}", DrillInstance.class, "request body"));
        assertTrue(drill.getMessage().startsWith("drill request has 2 problems: instance: the instance is required; check:"
                + " the command's path must be absolute"), drill.getMessage());
        assertEquals(List.of(), new DrillInstance("web", null).check(), "no check: booting to the agent is the proof");
        assertTrue(assertThrows(CofferException.class, () -> new DrillInstance("web", List.of("/bin/sh", "x".repeat(5000))))
                .getMessage().contains("check: at most 4096 characters"));
        assertTrue(assertThrows(CofferException.class, () -> new ListAlerts(null, 0)).getMessage().contains("limit"));
        assertTrue(assertThrows(CofferException.class, () -> new AcknowledgeAlert("a", "x".repeat(1001), null))
                .getMessage().contains("note: at most 1000 characters"));
        assertEquals("ops", new AcknowledgeAlert("a", null, "someone").attributedTo("ops").by(), "the caller replaces any name sent");
    }

    @Test
    void aPolicysDrillRuleReadsBackAndEveryWrongValueIsNamed() {
        String daily = "{\"name\": \"d\", \"schedule\": \"I|1631685600|P1D\", \"retention\": {\"keepFor\": \"7d\"}";
        PolicyDocument document = CofferJson.readObject(daily + ", \"drill\": {\"every\": \"2w\", \"check\": [\"/bin/true\"]}}",
                PolicyDocument.class, "request body");
        coffer.engine.policy.Policy policy = document.toPolicy();
        assertEquals(new coffer.engine.policy.DrillRule(14, List.of("/bin/true")), policy.drill());
        assertEquals(new PolicyDocument.DrillForm("14d", List.of("/bin/true")), PolicyDocument.of(policy).drill());
        assertEquals(policy, PolicyDocument.of(policy).toPolicy(), "reads back");
        assertEquals(coffer.engine.policy.DrillRule.OFF, CofferJson.readObject(daily + "}", PolicyDocument.class, "body")
                .toPolicy().drill(), "a policy of before drills has none");
        assertEquals(null, PolicyDocument.of(CofferJson.readObject(daily + "}", PolicyDocument.class, "body").toPolicy()).drill());
        assertEquals(coffer.engine.policy.DrillRule.OFF, new PolicyDocument(null, null, null, null, null, null, null, null, null,
                new PolicyDocument.DrillForm("off", null)).mergedOnto(document).toPolicy().drill(), "an edit turns them off");
        assertEquals(new coffer.engine.policy.DrillRule(14, List.of("/bin/false")), new PolicyDocument(null, null, null, null,
                null, null, null, null, null, new PolicyDocument.DrillForm(null, List.of("/bin/false"))).mergedOnto(document)
                .toPolicy().drill(), "an edit of the check keeps the period");
        CofferException e = assertThrows(CofferException.class, () -> CofferJson.readObject(daily
                + ", \"drill\": {\"every\": \"2y\"}}", PolicyDocument.class, "body").toPolicy());
        assertTrue(e.getMessage().contains("drill.every: expected <n>d or <n>w"), e.getMessage());
        e = assertThrows(CofferException.class, () -> CofferJson.readObject(daily
                + ", \"drill\": {\"every\": \"7d\", \"check\": [\"true\"]}}", PolicyDocument.class, "body").toPolicy());
        assertTrue(e.getMessage().contains("drill.check: the command's path must be absolute"), e.getMessage());
    }

    @Test
    void replicationAndDisasterRecoveryRecordsNameEveryProblem() {
        CofferException none = assertThrows(CofferException.class, () -> new ReplicatePoint("p", null, null, null, null));
        assertEquals(ErrorCode.NoDestinationRegion, none.code(), none.getMessage());
        CofferException bad = assertThrows(CofferException.class, () -> new ReplicatePoint("", "east west", null, 0, null));
        assertEquals(ErrorCode.InvalidArgument, bad.code());
        assertTrue(bad.getMessage().contains("3 problems") && bad.getMessage().contains("region: a region: 1 to 64")
                && bad.getMessage().contains("retentionDays: must be between 1 and 65536"), bad.getMessage());
        assertEquals(new ReplicatePoint("p", "east", "v2", null, null), ReplicatePoint.to("p", "east/v2", null));
        assertEquals(new ReplicatePoint("p", "east", null, 7, null), ReplicatePoint.to("p", "east", 7));
        assertEquals(new ReplicatePoint("p", null, "v2", null, null), ReplicatePoint.to("p", "/v2", null));
        for (String wrong : List.of("east/", "/", "a/b/c", "")) {
            assertTrue(assertThrows(CofferException.class, () -> ReplicatePoint.to("p", wrong, null)).getMessage()
                    .contains("to: a destination is REGION, REGION/VAULT or /VAULT"), wrong);
        }
        assertTrue(assertThrows(CofferException.class, () -> new BackupInstance("web", null, null, null, null, true, "east",
                null, null)).getMessage().contains("replicate: give one of 'replicate'"));
        assertTrue(assertThrows(CofferException.class, () -> new BackupInstance("web", null, null, null, null, false, "a/b/c",
                null, null)).getMessage().contains("replicateTo: a destination is REGION"));

        CofferException dr = assertThrows(CofferException.class, () -> new RestoreInstance("p", "web-dr", false, false,
                "relative", "east", 0, 8L, Map.of("default", " "), true, "vmdk", "bad filter"));
        for (String problem : List.of("vcpus: must be between 1 and 4096", "memoryMiB: must be between 16",
                "networks: 'default' -> ' '", "noNetwork: give one of 'networks'", "format: raw or qcow2, got 'vmdk'",
                "dir: an absolute directory", "filter: a network filter name")) {
            assertTrue(dr.getMessage().contains(problem), problem + " in " + dr.getMessage());
        }
        assertTrue(assertThrows(CofferException.class, () -> new RestoreInstance("p", null, false, true, null, "east", null,
                null, null, false, null, null)).getMessage().contains("'region'"));
        NewInstance shape = new RestoreInstance("p", "web-dr", true, false, "/srv/dr", "east", 2, 96L,
                Map.of("default", "dr-net"), false, "raw", "dr-web").newInstance();
        assertEquals(new NewInstance("web-dr", 2, 96L, new NewInstance.Networks.Mapped(Map.of("default", "dr-net")),
                java.nio.file.Path.of("/srv/dr"), coffer.virt.image.ImageFormat.RAW, "dr-web"), shape);
    }

    @Test
    void crossFieldRulesLiveOnTheRecord() {
        assertTrue(assertThrows(CofferException.class, () -> new RestoreDisk("p", "vda", null, null, false, false))
                .getMessage().contains("give exactly one of 'to' (a new file) and 'inPlace': true"));
        assertTrue(assertThrows(CofferException.class, () -> new RestoreDisk("p", "vda", "/x", "vmdk", false, false))
                .getMessage().contains("format: qcow2 or raw, got 'vmdk'"));
        assertTrue(assertThrows(CofferException.class, () -> new RestoreInstance("p", null, true, true, null, null, null,
                null, null, false, null, null)).getMessage().contains("start: an in-place restore leaves the instance shut off"));
        assertTrue(assertThrows(CofferException.class, () -> new RestoreGroup("g", "-copy", true, true, null))
                .getMessage().contains("give exactly one of 'suffix'"));
        assertTrue(assertThrows(CofferException.class, () -> new ChangeRetention("p", 3, true))
                .getMessage().contains("give exactly one of 'extendDays'"));
        assertTrue(assertThrows(CofferException.class, () -> new Protect(List.of("a"), false, null, null))
                .getMessage().contains("allDisks=false needs the list of disk targets"));
    }

    @Test
    void fullIsForInPlaceRestoresAndReadsFromJsonDefaultingToAQuickRollback() throws Exception {
        assertTrue(assertThrows(CofferException.class, () -> new RestoreDisk("p", "vda", "/x", null, false, false, true))
                .getMessage().contains("full: only an in-place restore can write less than the whole disk"));
        assertTrue(assertThrows(CofferException.class, () -> new RestoreInstance("p", "copy", false, false, null, null,
                null, null, null, false, null, null, true)).getMessage().contains("full: only an in-place restore"));
        assertTrue(assertThrows(CofferException.class, () -> new RestoreGroup("g", "-copy", false, false, null, true))
                .getMessage().contains("full: only an in-place restore"));
        String point = "20260101-000000-aaaaaaaa";
        JsonNode forced = CofferJson.MAPPER.readTree("{\"disk\": \"vda\", \"inPlace\": true, \"full\": true}");
        assertEquals(new RestoreDisk(point, "vda", null, null, true, false, true),
                JobParams.operation(JobType.restore_disk, JobParams.record(JobType.restore_disk, point, forced)));
        JsonNode quick = CofferJson.MAPPER.readTree("{\"inPlace\": true}");
        RestoreInstance instance = assertInstanceOf(RestoreInstance.class, JobParams.operation(JobType.restore_instance,
                JobParams.record(JobType.restore_instance, point, quick)));
        assertFalse(instance.full(), "a row without 'full' (written before it existed) is a quick rollback where it can be");
        RestoreInstance full = new RestoreInstance(point, null, false, true, null, null, null, null, null, false, null,
                null, true);
        assertEquals(full, JobParams.operation(JobType.restore_instance, JobParams.record(JobType.restore_instance, point,
                JobParams.stored(full))));
    }

    @Test
    void aJobRowStoresItsRecordAsVersionedJsonAndGivesItBackUnchanged() {
        BackupInstance backup = new BackupInstance("u-web", "default", List.of("vda"), 7, null, false, null,
                new PlanRun("plan-1", "policy-1", "2026-01-01T00:00:00Z", 2, null), null);
        JsonNode stored = JobParams.stored(backup);
        assertEquals(JobParams.VERSION, stored.path("version").asInt());
        JsonNode record = JobParams.record(JobType.backup, "u-web", stored);
        assertEquals(backup, JobParams.operation(JobType.backup, record));
    }

    @Test
    void aJobRowWrittenBeforeTheRecordsReadsWithItsTargetPutBack() throws Exception {
        JsonNode legacy = CofferJson.MAPPER.readTree("{\"vault\": \"default\", \"disks\": null, \"retentionDays\": null,"
                + " \"appConsistent\": false, \"replicate\": false, \"plan\": {\"id\": \"plan-1\", \"policy\": \"pol-1\","
                + " \"slot\": \"2026-01-01T00:00:00Z\", \"coalesced\": 0}}");
        var operation = JobParams.operation(JobType.backup, JobParams.record(JobType.backup, "u-web", legacy));
        BackupInstance backup = assertInstanceOf(BackupInstance.class, operation);
        assertEquals("u-web", backup.instance());
        assertEquals("plan-1", backup.plan().id());
        JsonNode restore = CofferJson.MAPPER.readTree("{\"disk\": \"vda\", \"to\": \"/tmp/x.raw\", \"format\": \"raw\", \"inPlace\": false}");
        assertEquals(new RestoreDisk("20260101-000000-aaaaaaaa", "vda", "/tmp/x.raw", "raw", false, false),
                JobParams.operation(JobType.restore_disk, JobParams.record(JobType.restore_disk, "20260101-000000-aaaaaaaa", restore)));
    }

    @Test
    void aJobOfANewerVersionIsRefusedWithTheVersions() throws Exception {
        JsonNode newer = CofferJson.MAPPER.readTree("{\"version\": 2, \"operation\": {}}");
        CofferException e = assertThrows(CofferException.class, () -> JobParams.operation(JobType.backup,
                JobParams.record(JobType.backup, "u", newer)));
        assertEquals(ErrorCode.UnsupportedFormat, e.code());
    }

    @Test
    void everyJobTypeCarriesItsRecordAndNamesItsTargetField() {
        for (JobType type : JobType.values()) {
            assertTrue(java.util.Arrays.stream(type.operation().getRecordComponents())
                    .anyMatch(c -> c.getName().equals(type.targetField())), type.toString());
        }
    }

    static final String POLICY = "{\"name\": \"p\", \"schedule\": \"I|1631685600|PT1H\", \"retention\": {\"keepFor\": \"7d\"},"
            + " \"replication\": {\"enabled\": true, \"destinationRegion\": \"east\", \"destinationVault\": \"v\","
            + " \"retention\": \"30d\", \"encryption\": {\"keyId\": \"k1\"}}}";

    @Test
    void aPolicyDocumentReadsWritesAndReadsBackTheSamePolicy() {
        Policy policy = CofferJson.readObject(POLICY, PolicyDocument.class, "policy").toPolicy();
        PolicyDocument written = PolicyDocument.of(policy);
        assertEquals(policy, CofferJson.read(CofferJson.tree(written), PolicyDocument.class).toPolicy());
        assertEquals("{\"keyId\":\"k1\"}", CofferJson.tree(written).path("replication").path("encryption").toString());
        assertEquals("I|1631685600|PT1H", CofferJson.tree(written).path("schedule").asText());
    }

    @Test
    void anEditGivesOnlyWhatChangesAndTheRestStays() {
        PolicyDocument current = CofferJson.readObject(POLICY, PolicyDocument.class, "policy");
        PolicyDocument edit = CofferJson.readObject("{\"retention\": {\"keepLatest\": 3}, \"replication\": {\"destinationVault\": \"w\"}}",
                PolicyDocument.class, "policy");
        Policy merged = edit.mergedOnto(current).toPolicy();
        assertEquals(3, merged.retention().keepLatest());
        assertEquals("7 days", merged.retention().keepFor().toString());
        assertEquals("w", merged.replication().destinationVault());
        assertEquals(new ReplicationRule.Encryption.AssignedKey("k1"), merged.replication().encryption());
    }

    @Test
    void aPolicyDocumentNamesEveryProblemWithTheSeedsCodes() {
        CofferException e = assertThrows(CofferException.class, () -> CofferJson.readObject(
                "{\"name\": \" \", \"schedule\": \"I|1631685600|P1M\", \"retention\": {\"keepFor\": \"forever\"},"
                        + " \"replication\": {\"enabled\": true}}", PolicyDocument.class, "policy").toPolicy());
        assertEquals(ErrorCode.PolicyHasPermanentRetention, e.code());
        for (String expected : List.of("name: a policy name is required", "months and years are not schedule intervals",
                "retention.keepFor", "replication.destinationRegion")) {
            assertTrue(e.getMessage().contains(expected), expected + " in " + e.getMessage());
        }
    }

    /** Live access: lifetimes, guest paths, devices and the instant restore's directory are checked on the records. */
    @Test
    void liveAccessRecordsCheckLifetimesPathsAndDevices() {
        assertEquals(java.time.Duration.ofDays(1), new MountDisk("p", "vdb", "web", null).lifetime(), "default: one day");
        assertEquals(java.time.Duration.ofSeconds(90), new MountDisk("p", "vdb", "web", "90s").lifetime());
        assertEquals(java.time.Duration.ofHours(12), new MountDisk("p", "vdb", "web", "PT12H").lifetime());
        // the fixed lengths of docs/cli.md ("Lengths of time"): 15min and 2w; m stays minutes, as lifetimes always read it
        assertEquals(java.time.Duration.ofMinutes(15), new MountDisk("p", "vdb", "web", "15min").lifetime());
        assertEquals(java.time.Duration.ofDays(14), new ExportFiles("p", "vdb", null, java.util.List.of("/etc"), "2w").lifetime());
        assertEquals(java.time.Duration.ofMinutes(30), new MountDisk("p", "vdb", "web", "30m").lifetime());
        assertThrows(CofferException.class, () -> new MountDisk("p", "vdb", "web", "5w"));
        CofferException mount = assertThrows(CofferException.class, () -> new MountDisk("p", "VDB!", null, "31d"));
        assertTrue(mount.getMessage().startsWith("mount request has 3 problems"), mount.getMessage());
        assertTrue(mount.getMessage().contains("expires: a lifetime such as 90s, 30min, 12h or 7d (at least 1 s, at most 30 days), got '31d'"),
                mount.getMessage());
        assertEquals(MountDisk.class, JobType.mount.operation());
        assertTrue(JobType.mount.serving() && !JobType.unmount.serving() && !JobType.export.serving());

        CofferException export = assertThrows(CofferException.class, () -> new ExportFiles("p", "vdb", "sda1",
                java.util.List.of("/etc", "relative", "/a\u0000b"), "0s"));
        assertTrue(export.getMessage().startsWith("export request has 4 problems"), export.getMessage());
        assertTrue(export.getMessage().contains("filesystem: a device as the file system list shows it"), export.getMessage());
        assertTrue(export.getMessage().contains("paths: an absolute path in the guest's file system"), export.getMessage());
        assertThrows(CofferException.class, () -> new ExportFiles("p", "vdb", null, java.util.List.of(), null));
        CofferException delete = assertThrows(CofferException.class, () -> new DeleteExport(" "));
        assertEquals(ErrorCode.InvalidArgument, delete.code());
        assertTrue(delete.getMessage().contains("export"), delete.getMessage());
        assertEquals(java.util.List.of("/etc"), new ExportFiles("p", "vdb", "/dev/sda1", java.util.List.of("/etc"), "7d").paths());

        assertTrue(assertThrows(CofferException.class, () -> new RestoreInstant("p", "new", "relative/dir", -1L)).getMessage()
                .contains("2 problems"));
        assertEquals(0, new RestoreInstant("p", "new", null, null).speed());
    }
}
