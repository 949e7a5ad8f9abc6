package coffer.engine.error;

/**
 * The one catalogue of Coffer's stable error codes (docs/design/errors.md). Each code has the HTTP status
 * the API answers with, the CLI's exit code, and the remedy: the command line's names commands, the API's names
 * paths (the same text where it names neither). Codes never change meaning; new failures get new codes.
 */
public enum ErrorCode {
    // ---- the seed's error states (DESIGN §5) ----
    PolicyHasPermanentRetention(409, 2, "Set a finite retention period on the policy, or choose another policy."),
    NoDestinationRegion(400, 2, "Turn replication off, choose a destination region, or choose another policy."),
    InstanceReleased(410, 4, "Stop protection if the instance was released on purpose; otherwise restore it from a backup point."),
    PlanSuspended(409, 1, "Resume the plan if suspending it was not intended."),
    ReplicationMetadataSyncFailed(502, 1, "Retry the replication, or choose another destination vault."),
    UnsupportedDisk(422, 1, "The disk is skipped with the reason shown; the other disks of the instance are backed up."),
    BackupPointImmutable(409, 1, "The point is immutable until it expires; wait for its expiry."),

    // ---- arguments and lookups ----
    InvalidArgument(400, 2, "Correct the value named in the message."),
    SourceNotFound(404, 4, "Check the path of the disk or image to back up."),
    SourceUnreadable(403, 4, "Check that the file or device exists and is readable by the user running Coffer."),
    TargetExists(409, 2, "Choose a new target path, or pass --force to replace it.",
            "Choose a new target path, or set \"force\": true to replace it."),
    RestoreTargetNotAllowed(403, 2, "Restore beneath one of the server's restore directories (restoreDirectories in its configuration; default <dataDir>/restores) or beside the instance's own disks; an administrator can add a directory to restoreDirectories."),
    PointNotFound(404, 4, "List the points with 'coffer point list' and use one of their ids.",
            "List the points with GET /api/v1/points and use one of their ids."),
    InstanceNotFound(404, 4, "List the instances with 'coffer instance list' and check the name and --connect URI.",
            "List the instances with GET /api/v1/instances (POST /api/v1/hosts/{host}/refresh finds new ones) and check the name."),
    InstanceRunning(409, 2, "Shut the instance off first (virsh shutdown NAME), or restore to a new disk or instance instead."),
    HypervisorFailure(502, 1, "libvirt refused or failed; its error number and message are shown. Check that libvirtd runs and the URI is right."),

    // ---- vaults ----
    NotAVault(404, 4, "Check the vault path, or create a vault there with 'coffer vault init'.",
            "Check the vault's path in the server's configuration (an absent or empty directory is made a vault at start)."),
    VaultExists(409, 2, "Use the existing vault, or choose an empty location for a new one."),
    KeyUnavailable(403, 5, "Restore the key ring from your copy and point --keyring (or COFFER_KEYRING) at it.",
            "Restore the vault's key ring from your copy to the path the server's configuration names."),
    UnsupportedFormat(422, 6, "The vault was written by a newer Coffer; upgrade Coffer to read it."),
    DataCorrupt(500, 3, "Run 'coffer vault verify' to find every damaged point and range; restore from another point or a replica.",
            "Verify the vault on the server's host to find every damaged point and range; restore from another point or a replica."),
    VaultBusy(409, 7, "Another operation holds the vault; retry when it has finished."),
    StorageFailure(503, 1, "Check the vault's storage (space, permissions, reachability) and retry. A failed backup removes the"
            + " chunks it wrote that no point uses; to free more space, delete points you no longer need ('coffer point delete'),"
            + " then run 'coffer vault gc' (it removes unreferenced chunks older than --grace, 1h by default).",
            "Check the vault's storage (space, permissions, reachability) and retry. A failed backup removes the chunks it"
            + " wrote that no point uses; to free more space, delete points you no longer need (DELETE /api/v1/points/{point}),"
            + " then run the vault's gc on the server's host (it removes unreferenced chunks older than its grace period)."),

    // ---- replication (docs/design/replication.md) ----
    DestinationEncryptionMismatch(409, 2, "Replicate into a vault encrypted as the rule asks (an assigned key: a vault encrypted under that key; Auto from an encrypted vault: an encrypted vault), or change the replication rule."),
    UnknownRegion(404, 4, "Name a region of the server's configuration: 'coffer region list' shows each region with its vaults and hosts.",
            "Name a region of the server's configuration: GET /api/v1/regions lists each region with its vaults and hosts."),
    NoHostInRegion(409, 2, "Add a libvirt host with that region to the server's configuration (hosts[].region), or restore in a region that has hosts."),
    PolicyRegionMismatch(409, 2, "Bind a policy of the instance's region: 'coffer policy list --region R' lists them; a policy's region is fixed when it is created.",
            "Bind a policy of the instance's region: GET /api/v1/policies?region=R lists them; a policy's region is fixed when it is created."),

    // ---- the API ----
    Unauthorized(401, 5, "Give a valid token: --token-file FILE or COFFER_TOKEN (the server's first start wrote the admin token to a file; 'coffer token create' makes more).",
            "Send a valid token: 'Authorization: Bearer <token>' (the server's first start wrote the admin token to a file; POST /api/v1/tokens makes more)."),
    Forbidden(403, 5, "Use a token whose role allows this (viewer: read; operator: backup, restore, jobs; admin: everything)."),
    ResourceNotFound(404, 4, "Check the name or id; the list command of what you named shows them ('coffer policy list', 'coffer plan list', 'coffer token list', ...).",
            "Check the path and the id; list the resources to find valid ids."),
    JobNotFound(404, 4, "List the jobs with 'coffer job list' and use one of their ids.",
            "List the jobs with GET /api/v1/jobs and use one of their ids."),
    JobFinished(409, 2, "The job has already ended; nothing to cancel."),
    InstanceNotProtected(404, 4, "Protect the instance first, or list the protected instances with 'coffer protection list'.",
            "Protect the instance first (POST /api/v1/protections), or list the protected instances with GET /api/v1/protections."),
    UnsupportedMediaType(415, 2, "Send the request body as JSON with the header 'Content-Type: application/json'."),
    LastAdminToken(409, 2, "Create another admin token first ('coffer token create NAME --role admin'), then revoke this one.",
            "Create another admin token first (POST /api/v1/tokens with \"role\": \"admin\"), then revoke this one."),
    ServerBusy(503, 7, "The server is refusing requests whose bodies are slow to arrive while too many others wait; retry in a moment."),
    RequestTimeout(408, 1, "The request body did not arrive in time; check the network and retry."),
    RequestTooLarge(413, 2, "Send a smaller request body (the API accepts at most 1 MB)."),
    ServerUnreachable(503, 8, "Check that 'coffer server' runs and that --url (or COFFER_URL) points at it.",
            "Check that the server runs and is reachable."),

    // ---- the console's sign-in (docs/console.md) ----
    SignInThrottled(429, 5, "Too many failed sign-ins came from this client lately; wait the time the message names, then sign in with a live token's secret (an administrator makes tokens on the console's Tokens page)."),

    // ---- policies and plans (docs/design/scheduler.md) ----
    PolicyInUse(409, 2, "Bind its plans to another policy or delete them first; list them with 'coffer plan list'.",
            "Bind its plans to another policy or delete them first; list them with GET /api/v1/plans."),
    PlanExists(409, 2, "The instance already has a plan; bind again with --replace to bind it to this policy instead.",
            "The instance already has a plan; bind again with \"replace\": true to bind it to this policy instead."),
    NameTaken(409, 2, "Choose another name, or edit the existing one."),

    // ---- the catalog ----
    CatalogFailure(503, 1, "Check the catalog database: space and permissions of the SQLite file, or that PostgreSQL is reachable with the configured user."),

    // ---- assurance (docs/design/assurance.md) ----
    DrillBusy(409, 7, "Restore drills run one at a time per host by default (the drill budget); run this one when the other has finished, or raise the budget."),
    VerifyRunning(409, 7, "A verify of this vault is queued or running already; follow it with 'coffer job show ID', or cancel it first.",
            "A verify of this vault is queued or running already; follow it with GET /api/v1/jobs/{job}, or cancel it first (POST /api/v1/jobs/{job}/cancel)."),

    // ---- live access: mounts, file exports, instant restore (docs/design/live-access.md) ----
    PointInUse(409, 2, "The point is served (mounted, browsed or instantly restored); unmount it or cancel that job first ('coffer mount list' shows the mounts), then delete it. A retention sweep deletes it once it is no longer served.",
            "The point is served (mounted, browsed or instantly restored); unmount it or cancel that job first (GET /api/v1/mounts shows the mounts), then delete it. A retention sweep deletes it once it is no longer served."),
    InstanceNotRunning(409, 2, "Start the instance first (virsh start NAME); a point's disk is mounted into a running instance."),
    DiskNotInPoint(404, 4, "Show the point's disks with 'coffer point show POINT' and use one of their names (vda, ...).",
            "Show the point's disks with GET /api/v1/points/{point} and use one of their names (vda, ...)."),
    AlreadyMounted(409, 2, "This disk of the point is already mounted into that instance; use that mount ('coffer mount list') or unmount it first.",
            "This disk of the point is already mounted into that instance; use that mount (GET /api/v1/mounts) or unmount it first."),
    MountNotFound(404, 4, "List the active mounts with 'coffer mount list' and use one of their ids.",
            "List the active mounts with GET /api/v1/mounts and use one of their ids."),
    GuestPathNotFound(404, 4, "List the directory above it with 'coffer files ls POINT DISK DIR': a guest path is absolute and case-sensitive, and a name that is not UTF-8 is typed as the listing prints it.",
            "List the directory above it with GET /api/v1/points/{point}/disks/{disk}/files: a guest path is absolute and case-sensitive, and a name that is not UTF-8 is given as the listing prints it, with escaped=true."),
    ExportNotAvailable(404, 4, "List the exports with 'coffer export list'; an export downloads while it is available, until it expires; export the files again after that.",
            "List the exports with GET /api/v1/exports; an export downloads while it is available, until it expires; export the files again after that."),
    ExportTooSparse(422, 2, "Leave the named file out of the export (export its directory's other paths), or raise the limit with 'coffer export ... --sparse-limit SIZE' (e.g. 64G) if reading that many bytes of holes is wanted.",
            "Leave the named file out of the export (export its directory's other paths), or raise the limit with sparseLimit (e.g. \"64G\") if reading that many bytes of holes is wanted."),

    // ---- tools and jobs ----
    ToolFailed(500, 1, "A helper program or library (qemu-img, qemu-nbd, libguestfs) failed; its message is shown. When the message names the image (a damaged or unsupported header, a size it refuses), check the image with 'qemu-img check'; otherwise check the tool is installed (Debian: apt-get install qemu-utils; libguestfs0 for browsing a point's files) and working."),
    WorkerLost(500, 1, "The server stopped while the job ran; nothing half-written was kept. Run the job again."),
    // ---- agents (docs/design/agents.md) ----
    AgentVersionMismatch(409, 2, "The agent and the server are of different versions and refuse each other; upgrade the servers first, then install the servers' version on the agent's host and start 'coffer agent' again (docs/deployment.md).",
            "The agent and the server are of different versions and refuse each other; upgrade the servers first, then install the servers' version on the agent's host and start the agent again (docs/deployment.md)."),
    AgentHostTaken(409, 9, "Another coffer agent serves this host and is alive (the message names it and when it was last seen): run one agent per host name. Stop this one, or give it its own --host; an agent restarted with its own --data-dir (its identity) takes its host back at once, and another agent may take a host once its agent has not been seen for the stale limit (30 s).",
            "Another agent serves this host and is alive (the message names it and when it was last seen): run one agent per host name. An agent restarted with its own data directory (its identity) takes its host back at once; another agent may take a host once its agent has not been seen for the stale limit (30 s)."),
    Cancelled(499, 130, "The operation was cancelled; everything it started was cleaned up."),
    Internal(500, 1, "An unexpected error; the log has the details. Please report it.");

    private final int httpStatus;
    private final int exitCode;
    private final String remedy;
    private final String apiRemedy;

    ErrorCode(int httpStatus, int exitCode, String remedy) {
        this(httpStatus, exitCode, remedy, remedy);
    }

    ErrorCode(int httpStatus, int exitCode, String remedy, String apiRemedy) {
        this.httpStatus = httpStatus;
        this.exitCode = exitCode;
        this.remedy = remedy;
        this.apiRemedy = apiRemedy;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int exitCode() {
        return exitCode;
    }

    /** What to do, for a person at the command line (it names commands and options). */
    public String remedy() {
        return remedy;
    }

    /** What to do, for a client of the API (it names paths and fields, never a command). */
    public String apiRemedy() {
        return apiRemedy;
    }
}
