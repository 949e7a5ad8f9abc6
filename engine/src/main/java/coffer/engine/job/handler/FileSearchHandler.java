package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.live.FileSearch;
import coffer.engine.live.NameGlob;
import coffer.engine.operation.FileSearchResult;
import coffer.engine.operation.SearchFiles;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;
import coffer.virt.guestfs.Guestfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds files across an instance's points ({@link FileSearch}): the newest points of the instance in the catalog whose
 * vault this server opens, searched in as few libguestfs appliances as their disks allow. Progress is the searched
 * points' disk bytes; each appliance and each point done is a line of the job's log, and so is each of the newest points
 * left out (its vault not one this server opens, or not readable: also a note of the result). Cancelled, the appliance and the
 * NBD servers are stopped before the job ends. Stateless; thread-safe.
 */
final class FileSearchHandler implements JobHandler<SearchFiles, FileSearchResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final Path runtimeRoot;

    FileSearchHandler(Catalog catalog, VaultDirectory vaults, Path runtimeRoot) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.runtimeRoot = runtimeRoot;
    }

    @Override
    public FileSearchResult run(SearchFiles search, Job job, JobContext context) throws IOException {
        List<PointRecord> all = catalog.points().listByInstance(search.instance()); // newest first
        List<FileSearch.Target> targets = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String instanceName = all.isEmpty() ? null : all.getFirst().instanceName();
        for (PointRecord p : all) {
            if (targets.size() == search.pointsOrDefault()) {
                break;
            }
            String why = null;
            if (!vaults.names().contains(p.vault())) {
                why = "its vault '" + p.vault() + "' is not one this server opens";
            } else {
                try {
                    Vault vault = vaults.open(p.vault());
                    targets.add(new FileSearch.Target(vault, vault.point(p.id())));
                } catch (CofferException e) {
                    why = e.code() + ": " + e.getMessage();
                }
            }
            if (why != null) {
                String line = "point " + p.id() + " (" + p.createdAt() + ") skipped: " + why;
                skipped.add(line);
                context.info(line);
            }
        }
        if (targets.isEmpty()) {
            throw new CofferException(ErrorCode.PointNotFound, "instance " + search.instance()
                    + " has no point in a vault of this server" + (skipped.isEmpty() ? "" : " (" + String.join("; ", skipped) + ")"));
        }
        context.info("searching " + targets.size() + " point(s) for '" + search.name() + "' under " + search.pathOrRoot()
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped"));
        FileSearch.Result result = FileSearch.run(targets, new FileSearch.Query(NameGlob.parse(search.name()),
                        search.guestPath(), search.disk(), search.filesystem()),
                runtimeRoot.resolve("files"), Guestfs.Options.DEFAULT, context.progress(), context::info);
        context.info(result.matches().size() + " match(es)" + (result.truncated() ? " (truncated)" : "") + " in "
                + result.points() + " point(s), " + result.appliances() + " appliance(s)");
        List<String> notes = new ArrayList<>(skipped);
        notes.addAll(result.notes());
        return FileSearchResult.of(instanceName != null ? instanceName : search.instance(), search.name(),
                search.pathOrRoot(), new FileSearch.Result(result.matches(), result.points(), result.appliances(),
                        result.truncated(), notes, result.bootTime()));
    }
}
