package coffer.server.console.page;

import coffer.engine.operation.*;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.ConsoleSession;
import coffer.server.console.Frame;
import coffer.server.http.Routes;
import io.javalin.http.Context;

import java.util.Comparator;
import java.util.List;

/**
 * Live access to points (docs/design/live-access.md): the mounts (list with expiry, mount a point's disk into a
 * running instance, unmount), a point's files (its disk's file systems and directories, paths chosen for an export),
 * the export records (status, download, delete) and instant restore from a point's page. Every change builds the
 * operation record the API binds and goes to the job's page or back with a notice. The archive's download is
 * {@code coffer.server.api.ExportDownloads}'s console route. Stateless.
 */
public final class LivePage implements ConsoleRoutes {
    public record MountsModel(Frame frame, List<MountView> mounts, boolean all, List<InstanceView> running, String cursor,
                              String nextCursor) {
        /** The first (newest) page with the same filter. */
        public String first() {
            return all ? "/mounts?all=1" : "/mounts";
        }

        /** The next (older) page's link, null on the last page. */
        public String next() {
            return nextCursor == null ? null : first() + (all ? "&" : "?") + "cursor=" + Show.query(nextCursor);
        }

    }

    /**
     * One disk of a point being browsed: its file systems, the directory shown (null before one is chosen). Paths in
     * links and in the export form are in the escaped form (docs/api.md, "Exact paths"), sent with {@code escaped}.
     */
    public record FilesModel(Frame frame, String point, String disk, List<String> disks, FilesystemList filesystems,
                             String filesystem, FileList listing) {
        /** The parent of the directory shown ("/" for the root). */
        public String parent() {
            String path = listing == null ? "/" : listing.path();
            int slash = path.lastIndexOf('/');
            return slash <= 0 ? "/" : path.substring(0, slash);
        }

        /**
         * The absolute path of an entry of the directory shown, in the escaped form (docs/api.md, "Exact paths"): the
         * directory's path is in that form already (the console asks with {@code escaped}), an entry's name is when
         * {@code escaped} (not UTF-8) and is escaped here otherwise, so every name links, byte for byte.
         */
        public String child(FileView entry) {
            String path = listing.path();
            return (path.endsWith("/") ? path : path + "/") + shown(entry);
        }

        /**
         * An entry's name as the page shows it: the escaped form, as {@code coffer files ls} prints it and as the
         * directory's path above it is shown, so each name is one line and two names never look alike (a newline is
         * {@code \n}, not a space; a backslash {@code \\}).
         */
        public String shown(FileView entry) {
            return entry.shownName();
        }

        /** The query of this disk's page at {@code path}. */
        public String at(String path) {
            return "?disk=" + Show.query(disk) + "&fs=" + Show.query(filesystem) + "&path=" + Show.query(path);
        }

        /** The query of the directory's next page, null on its last. */
        public String laterEntries() {
            return listing == null || listing.nextCursor() == null ? null
                    : at(listing.path()) + "&cursor=" + Show.query(listing.nextCursor());
        }
    }

    /**
     * One page of the export records, {@link #EXPORTS_PAGE} a page newest first; {@code cursor}: this page's (null: the
     * first), {@code nextCursor}: the next (older) page's (null: the last).
     */
    public record ExportsModel(Frame frame, List<ExportView> exports, String cursor, String nextCursor) {
        /** The next (older) page's link, null on the last page. */
        public String next() {
            return nextCursor == null ? null : "/exports?cursor=" + Show.query(nextCursor);
        }

        /** Where a delete comes back to: this page. */
        public String back() {
            return cursor == null ? "/exports" : "/exports?cursor=" + Show.query(cursor);
        }
    }

    /** Export records and mounts shown a page. */
    static final int EXPORTS_PAGE = 100;

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/mounts", ListMounts.class, (ctx, session) -> {
            boolean all = ctx.queryParam("all") != null;
            List<InstanceView> running = console.operations().call(new ListInstances(null, null)).instances().stream()
                    .filter(i -> "running".equals(i.state())).sorted(Comparator.comparing(InstanceView::name)).toList();
            String cursor = Show.blank(ctx.queryParam("cursor"));
            MountList page = console.operations().call(new ListMounts(all, cursor, EXPORTS_PAGE));
            console.render(ctx, "mounts.jte", new MountsModel(console.frame(session, "Mounts", "mounts"),
                    page.mounts(), all, running, cursor, page.nextCursor()));
        });
        console.change(routes, "/mounts/new", MountDisk.class, (ctx, session) -> {
            Form form = new Form(ctx);
            var run = console.operations().start(new MountDisk(form.text("point"), form.text("disk"), form.text("instance"),
                    form.text("expires")));
            return "/jobs/" + run.job().orElseThrow().id();
        });
        console.change(routes, "/mounts/{mount}/unmount", UnmountDisk.class, (ctx, session) -> {
            var run = console.operations().start(new UnmountDisk(ctx.pathParam("mount")));
            return "/jobs/" + run.job().orElseThrow().id();
        });
        console.page(routes, "/points/{point}/files", ListFiles.class, (ctx, session) -> files(console, ctx, session));
        console.change(routes, "/points/{point}/exports", ExportFiles.class, (ctx, session) -> {
            Form form = new Form(ctx);
            var run = console.operations().start(new ExportFiles(ctx.pathParam("point"), form.text("disk"),
                    form.text("fs"), form.exact("path"), form.text("expires"), true, form.text("sparseLimit")));
            console.notify(session, "Export started: its archive is listed under Exports once the job has written it.");
            return "/jobs/" + run.job().orElseThrow().id();
        });
        console.page(routes, "/exports", ListExports.class, (ctx, session) -> {
            String cursor = Show.blank(ctx.queryParam("cursor"));
            ExportList page = console.operations().call(new ListExports(cursor, EXPORTS_PAGE));
            console.render(ctx, "exports.jte", new ExportsModel(console.frame(session, "Exports", "exports"),
                    page.exports(), cursor, page.nextCursor()));
        });
        console.change(routes, "/exports/{export}/delete", DeleteExport.class, (ctx, session) -> {
            ExportView view = console.operations().call(new DeleteExport(ctx.pathParam("export")));
            console.notify(session, "Export " + view.id() + " " + ("deleted".equals(view.status())
                    ? "deleted: its archive is gone." : "cancelled: its partial archive is removed."));
            return "/exports";
        });
        console.change(routes, "/points/{point}/instant-restore", RestoreInstant.class, (ctx, session) -> {
            Form form = new Form(ctx);
            var run = console.operations().start(new RestoreInstant(ctx.pathParam("point"), form.text("name"),
                    form.text("dir"), null));
            return "/jobs/" + run.job().orElseThrow().id();
        });
    }

    /** The disk's file systems and, once one is chosen (or is the only one), a directory of it. */
    private static void files(Console console, Context ctx, ConsoleSession session) {
        String point = ctx.pathParam("point");
        PointDetail detail = console.operations().call(new ShowPoint(point));
        List<String> disks = detail.disks().stream().map(PointDetail.Disk::target).toList();
        String disk = blank(ctx.queryParam("disk"));
        if (disk == null) {
            disk = disks.isEmpty() ? null : disks.getFirst();
        }
        Frame frame = console.frame(session, "Files of point " + detail.id(), "exports");
        if (disk == null) {
            console.render(ctx, "files.jte", new FilesModel(frame, detail.id(), null, disks, null, null, null));
            return;
        }
        FilesystemList filesystems = console.operations().call(new ListFilesystems(detail.id(), disk));
        String filesystem = blank(ctx.queryParam("fs"));
        List<FilesystemList.Found> mountable = filesystems.filesystems().stream().filter(FilesystemList.Found::mountable).toList();
        if (filesystem == null && mountable.size() == 1) {
            filesystem = mountable.getFirst().device();
        }
        // a page of the directory at a time (docs/api.md, "Lists"): ?cursor= shows the entries after it
        FileList listing = filesystem == null ? null : console.operations().call(new ListFiles(detail.id(), disk, filesystem,
                exact(ctx.queryParam("path")), null, blank(ctx.queryParam("cursor")), null, true));
        console.render(ctx, "files.jte", new FilesModel(frame, detail.id(), disk, disks, filesystems, filesystem, listing));
    }

    /** A guest path as given (a name may end in a space), or null when absent or empty. */
    private static String exact(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
