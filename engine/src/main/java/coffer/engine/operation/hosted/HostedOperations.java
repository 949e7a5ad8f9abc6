package coffer.engine.operation.hosted;

import coffer.engine.JobProgress;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogRebuild;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.NamePage;
import coffer.engine.catalog.PageCursor;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.catalog.Token;
import coffer.engine.catalog.Tokens;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.operation.*;
import coffer.engine.plan.PlanBinding;
import coffer.engine.plan.PlanScheduler;
import coffer.engine.plan.PointLifecycle;
import coffer.engine.plan.RetentionSweep;
import coffer.engine.reclaim.ReclaimHistory;
import coffer.engine.replication.Regions;
import coffer.engine.replication.ReplicationQueue;
import coffer.engine.vault.VaultDirectory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link Operations} on a server's catalog, in its process: the API answers with it. Queries read the catalog;
 * changes apply the use-case rules (here and in {@code coffer.engine.plan}); long operations are queued as jobs
 * ({@link HostedJobs}) and {@link Run#await} follows them on the catalog. The one switch over every operation
 * is here: a new operation record does not compile until it is handled. The agent protocol's requests come with the
 * agent token that authenticated them ({@link #callAs}), checked against the token's host (docs/design/agents.md).
 * Thread-safe.
 */
public final class HostedOperations implements Operations, coffer.engine.operation.AgentRequests {
    /**
     * What the server is: its vaults (for the vault list), how many instances one request may name, how to
     * discover a host's instances again, its clock, its regions' vaults and hosts, and what its space reclaim loop did.
     */
    public record Settings(List<VaultView> vaults, int instancesPerRequest, Consumer<String> refreshHost, Clock clock,
                           Regions regions, Supplier<List<ReclaimHistory.VaultReclaim>> reclaims,
                           coffer.engine.live.LiveAccess live) {
        /** Without an export area; each browsing request boots its own appliance. */
        public Settings(List<VaultView> vaults, int instancesPerRequest, Consumer<String> refreshHost, Clock clock,
                        Regions regions, Supplier<List<ReclaimHistory.VaultReclaim>> reclaims) {
            this(vaults, instancesPerRequest, refreshHost, clock, regions, reclaims,
                    coffer.engine.live.LiveAccess.none(coffer.engine.instance.InstanceBackup.defaultRuntimeRoot()));
        }

        /** Without a reclaim loop (its list is empty). */
        public Settings(List<VaultView> vaults, int instancesPerRequest, Consumer<String> refreshHost, Clock clock,
                        Regions regions) {
            this(vaults, instancesPerRequest, refreshHost, clock, regions, List::of);
        }
    }

    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final Settings settings;
    private final PlanBinding binding;
    private final PointLifecycle points;
    private final RetentionSweep sweep;
    private final References references;
    private final HostedViews views;
    private final HostedJobs jobs;
    private final Protecting protecting;
    private final PolicyEditing policyEditing;
    private final GroupCreation groupCreation;
    private final AssuranceViews assurance;
    private final ListPages lists;
    private final HostedAgents agents;

    public HostedOperations(Catalog catalog, VaultDirectory vaults, PlanScheduler scheduler, PlanBinding binding,
                            PointLifecycle points, RetentionSweep sweep, Settings settings) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.settings = settings;
        this.binding = binding;
        this.points = points;
        this.sweep = sweep;
        this.references = new References(catalog, vaults, settings.refreshHost());
        this.views = new HostedViews(catalog, settings.clock());
        ReplicationQueue replications = new ReplicationQueue(catalog, vaults, settings.regions(), settings.clock());
        this.jobs = new HostedJobs(catalog, references, replications, settings.regions());
        this.protecting = new Protecting(catalog, references, binding, settings.instancesPerRequest(), settings.clock(),
                vault -> vaults.names().contains(vault) ? vaults.regionOf(vault) : null);
        this.policyEditing = new PolicyEditing(catalog, scheduler, replications, settings.regions());
        this.groupCreation = new GroupCreation(catalog, references);
        this.assurance = new AssuranceViews(catalog, references, settings.clock());
        this.lists = new ListPages(catalog, references, settings.regions(), settings.clock());
        coffer.engine.plan.PlanBackup after = coffer.engine.plan.PlanBackup.afterSteps(catalog, sweep, replications);
        this.agents = new HostedAgents(catalog, after, settings.clock(),
                new coffer.engine.plan.LostPoints(catalog, vaults, after, settings.clock()));
    }

    @Override
    public <R> Run<R> start(JobOperation<R> operation) {
        JobView job = JobInstanceNames.of(catalog, jobs.submit(operation));
        @SuppressWarnings("unchecked")
        Class<R> result = (Class<R>) job.type().result();
        return JobFollow.run(job, () -> JobView.of(Lookup.job(catalog, job.id())).withInstanceName(job.instanceName()), result);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R callAs(coffer.engine.catalog.Token token, Operation<R> request) {
        Object result = switch (request) {
            case AnnounceAgent a -> agents.announce(a, token);
            case ClaimAgentJob c -> agents.claim(c, token);
            case HeartbeatAgent h -> agents.heartbeat(h, token);
            case ReportAgentJob r -> agents.report(r, token);
            case FinishAgentJob f -> agents.finish(f, token);
            case AdoptInterruptedPoint a -> agents.interruptedPoint(a, token);
            case ReleaseAgentHost r -> agents.release(r, token);
            default -> throw new IllegalArgumentException("not an agent request: " + request.getClass().getSimpleName());
        };
        return (R) result;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R call(Operation<R> operation) {
        Object result = switch (operation) {
            case ListHosts ignored -> HostList.of(catalog.hosts().list(), catalog.hosts().agentServed());
            case RefreshHost r -> {
                catalog.hosts().find(r.host()).orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound,
                        "no host '" + r.host() + "'"));
                settings.refreshHost().accept(r.host());
                yield InstanceList.of(views.instances(catalog.instances().list(r.host())));
            }
            case ListInstances l -> lists.instances(l, views);
            case ShowInstance s -> views.instance(references.instance(s.instance()));
            case ListProtections l -> {
                NamePage<Protection> page = catalog.protections().page(l.region() == null ? null
                        : settings.regions().check(l.region()), ListPages.nameCursor(l.cursor()), l.pageSize());
                java.util.Map<String, String> names = views.names(page.items().stream().map(Protection::instanceId).toList());
                yield ProtectionList.of(page.items().stream().map(p -> ProtectionView.of(p, names.get(p.instanceId())))
                        .toList(), ListPages.next(page)); // the page's instance names in one read, not one per row
            }
            case Protect p -> protecting.protect(p);
            case StopProtection s -> protecting.stop(s);
            case ListPoints l -> lists.points(l);
            case ShowPoint s -> {
                PointRecord row = references.point(s.point());
                try {
                    yield PointDetail.of(row, vaults.open(row.vault()).point(row.id()), settings.clock().instant(),
                            catalog.replications().ofPoint(row.id()))
                            .provenBootableAt(catalog.drillRuns().lastPassed(row.id()).map(DrillRun::finishedAt).orElse(null));
                } catch (java.io.IOException e) {
                    throw coffer.engine.error.Errors.classify(e);
                }
            }
            case DeletePoint d -> {
                PointRecord point = references.point(d.point());
                points.delete(point.id()); // BackupPointImmutable while immutable and unexpired; manifest, then row
                yield new Deleted(point.id(), null, null);
            }
            case ShowRetention s -> RetentionView.of(points.state(references.point(s.point()).id()));
            case ChangeRetention c -> {
                String id = references.point(c.point()).id();
                yield RetentionView.of(c.extendDays() != null ? points.extend(id, c.extendDays()) : points.neverExpire(id));
            }
            case SweepRetention ignored -> {
                RetentionSweep.Report report = sweep.sweepAll();
                yield new SweepResult(report.deleted(), report.failures());
            }
            case ListJobs l -> lists.jobs(l);
            case ShowJob s -> JobInstanceNames.of(catalog, Lookup.job(catalog, s.job()));
            case ShowJobLog s -> JobLog.of(catalog.jobs().logPage(Lookup.job(catalog, s.job()).id(),
                    s.cursor() == null ? null : coffer.engine.catalog.PageCursor.decode("cursor", s.cursor()), s.pageSize()));
            case CancelJob c -> {
                Job job = Lookup.job(catalog, c.job());
                if (job.state().isFinal()) {
                    throw new CofferException(ErrorCode.JobFinished, "job " + job.id() + " has already ended (" + job.state() + ")");
                }
                yield JobView.of(catalog.jobs().cancel(job.id()).orElseThrow());
            }
            case ListMounts l -> {
                var page = catalog.mounts().page(l.includeEnded(),
                        l.cursor() == null ? null : coffer.engine.catalog.PageCursor.decode("cursor", l.cursor()), l.limitOrDefault());
                yield MountList.of(page.items().stream().map(m -> MountView.of(m, Lookup.liveInstanceName(catalog, m.instanceId())))
                        .toList(), page.next() == null ? null : page.next().encode());
            }
            case ListFilesystems l -> {
                PointRecord point = references.point(l.point());
                Lookup.disk(point, l.disk());
                yield FileBrowsing.filesystems(settings.live().browsing(), vaults.open(point.vault()), point.vault(),
                        point.id(), l);
            }
            case ListFiles l -> {
                PointRecord point = references.point(l.point());
                Lookup.disk(point, l.disk());
                yield FileBrowsing.files(settings.live().browsing(), vaults.open(point.vault()), point.vault(), point.id(), l);
            }
            case ListExports l -> coffer.engine.job.handler.ExportRecords.list(catalog, l, settings.clock().instant());
            case DeleteExport d -> {
                try {
                    yield new coffer.engine.job.handler.ExportRecords(catalog, settings.live().exports(), settings.clock())
                            .delete(d.export(), "API request");
                } catch (java.io.IOException e) {
                    throw coffer.engine.error.Errors.classify(e);
                }
            }
            case ShowCapacity ignored -> views.capacity(vaults.names());
            case ListTokens l -> {
                NamePage<Token> page = catalog.tokens().page(l.role(), ListPages.nameCursor(l.cursor()), l.pageSize());
                yield TokenList.of(page.items(), ListPages.next(page));
            }
            case CreateToken c -> {
                Tokens.Created created = catalog.tokens().create(c.name(), c.role(), c.host());
                yield new CreatedToken(created.token(), created.secret());
            }
            case RevokeToken r -> {
                if (!catalog.tokens().revoke(r.token())) {
                    // a token is revoked by its id; one given its name is told that id (session 19's walk)
                    List<String> named = catalog.tokens().list().stream()
                            .filter(t -> t.revokedAt() == null && t.name().equals(r.token())).map(Token::id).toList();
                    throw new CofferException(ErrorCode.ResourceNotFound, "no live token with id '" + r.token() + "'"
                            + (named.isEmpty() ? "" : "; the live token named '" + r.token() + "' has id "
                            + String.join(", ", named) + ": revoke it by its id"));
                }
                yield new Revoked(r.token());
            }
            case ListVaults ignored -> VaultList.of(settings.vaults().stream().map(v -> vaults.names().contains(v.name())
                    ? v.with(vaults.state(v.name())) : v).toList()); // with what was last found of each
            case RebuildCatalog r -> {
                Map<String, CatalogRebuild.Counts> report = new LinkedHashMap<>();
                for (String name : vaults.names().stream().sorted().toList()) {
                    report.put(name, new CatalogRebuild(catalog).rebuild(vaults.regionOf(name), name, vaults.open(name),
                            java.util.Set.copyOf(r.readopt())));
                }
                yield new RebuildResult(report);
            }
            case ListPolicies l -> {
                String region = l.region() == null ? null : settings.regions().check(l.region());
                NamePage<StoredPolicy> page = catalog.policies().page(region, ListPages.nameCursor(l.cursor()), l.pageSize());
                yield PolicyList.of(views.policies(page.items()), ListPages.next(page));
            }
            case ShowPolicy s -> views.policy(Lookup.policy(catalog, s.policy()));
            case CreatePolicy c -> views.policy(policyEditing.create(c));
            case EditPolicy e -> views.policy(policyEditing.edit(e));
            case DeletePolicy d -> {
                StoredPolicy policy = Lookup.policy(catalog, d.policy());
                catalog.policies().delete(policy.id());
                yield new Deleted(policy.id(), policy.name(), null);
            }
            case ListPlans l -> lists.plans(l, views);
            case ShowPlan s -> views.plan(Lookup.plan(catalog, s.plan()));
            case BindPlan b -> bind(b);
            case EditPlan e -> edit(e);
            case DeletePlan d -> {
                Plan plan = Lookup.plan(catalog, d.plan());
                binding.delete(plan);
                yield new Deleted(plan.id(), plan.name(), catalog.points().listByInstance(plan.instanceId()).size());
            }
            case RunPlan r -> JobView.of(binding.runNow(Lookup.plan(catalog, r.plan())));
            case SuspendPlan s -> views.plan(binding.suspend(Lookup.plan(catalog, s.plan())));
            case ResumePlan r -> views.plan(binding.resume(Lookup.plan(catalog, r.plan())));
            case ListGroups l -> {
                NamePage<InstanceGroup> page = catalog.groups().page(l.host(), ListPages.nameCursor(l.cursor()), l.pageSize());
                yield GroupList.of(views.groups(page.items()), ListPages.next(page));
            }
            case ShowGroup s -> views.group(Lookup.group(catalog, s.group()));
            case CreateGroup c -> views.group(groupCreation.create(c));
            case DeleteGroup d -> {
                InstanceGroup group = Lookup.group(catalog, d.group());
                catalog.groups().delete(group.id());
                yield new Deleted(group.id(), group.name(), null);
            }
            case ListGroupPoints l -> {
                String group = l.group() == null ? null : Lookup.group(catalog, l.group()).id();
                var page = catalog.groups().pointPage(group, l.cursor() == null ? null : PageCursor.decode("cursor", l.cursor()),
                        l.pageSize());
                yield GroupPointList.of(views.groupPoints(page.items()),
                        page.next() == null ? null : page.next().encode());
            }
            case ListVerifyRuns l -> {
                // one page, newest first, in the catalog's query (the console's and the API's paging)
                var page = catalog.verifyRuns().page(l.vault() == null ? null : references.vault(l.vault()),
                        l.cursor() == null ? null : coffer.engine.catalog.PageCursor.decode("cursor", l.cursor()), l.limitOrDefault());
                yield VerifyRunList.of(page.items().stream().map(VerifyRunView::of).toList(),
                        page.next() == null ? null : page.next().encode());
            }
            case ListDrills l -> assurance.drills(l);
            case ListAlerts l -> {
                // one page, newest first, in the catalog's query (the console's and the API's paging)
                var page = catalog.changeAlerts().page(l.instance() == null ? null : references.instance(l.instance()).id(),
                        l.instance() == null && !Boolean.TRUE.equals(l.acknowledged()),
                        l.cursor() == null ? null : coffer.engine.catalog.PageCursor.decode("cursor", l.cursor()), l.limitOrDefault());
                yield AlertList.of(page.items().stream().map(AlertView::of).toList(),
                        page.next() == null ? null : page.next().encode());
            }
            case AcknowledgeAlert a -> AlertView.of(assurance.acknowledge(a));
            case ListReclaims ignored -> ReclaimList.of(settings.reclaims().get());
            case AnnounceAgent a -> agents.announce(a);
            case ClaimAgentJob c -> agents.claim(c);
            case HeartbeatAgent h -> agents.heartbeat(h);
            case ReportAgentJob r -> agents.report(r);
            case FinishAgentJob f -> agents.finish(f);
            case AdoptInterruptedPoint a -> agents.interruptedPoint(a);
            case ReleaseAgentHost r -> agents.release(r, null);
            case ListRegions ignored -> regions();
            case ListInstanceOverviews l -> lists.overviews(l, views);
        };
        return (R) result;
    }

    /** Each region's vaults and hosts, as configured. */
    private RegionList regions() {
        Regions regions = settings.regions();
        return RegionList.of(regions.names().stream().map(name -> {
            List<String> names = regions.vaults().getOrDefault(name, List.of());
            return new RegionList.Region(name, names, names.isEmpty() ? null : names.getFirst(),
                    regions.hosts().getOrDefault(name, List.of()));
        }).toList());
    }

    /** One plan per instance; an instance not yet protected is protected first (all disks, the vault asked). */
    private PlanList bind(BindPlan request) {
        Protecting.checkCount(request.instances().size(), settings.instancesPerRequest());
        StoredPolicy policy = Lookup.policy(catalog, request.policy());
        String vault = references.vault(request.vault());
        List<Instance> instances = request.instances().stream().map(references::instance).toList();
        protecting.protectIfNeeded(instances, vault);
        List<Plan> plans = new ArrayList<>();
        instances.forEach(instance -> checkRegion(policy, instance));
        for (Instance instance : instances) {
            plans.add(binding.bind(instance, policy, request.name(), request.replacing()));
        }
        return PlanList.of(views.plans(plans));
    }

    private PlanView edit(EditPlan request) {
        Plan plan = Lookup.plan(catalog, request.plan());
        Instance instance = catalog.instances().find(plan.instanceId()).orElseThrow();
        if (request.policy() != null) {
            StoredPolicy policy = Lookup.policy(catalog, request.policy());
            checkRegion(policy, instance);
            plan = binding.bind(instance, policy, request.name(), true);
        } else if (request.name() != null) {
            plan = catalog.plans().rename(plan.id(), request.name()).orElseThrow();
        }
        return views.plan(plan);
    }

    /**
     * PolicyRegionMismatch when {@code policy} is a policy of another region than the host of {@code instance} (the
     * configuration's {@code hosts[].region}); a host the configuration does not name (found by a catalog rebuild) has
     * no region to compare and is not refused.
     */
    private void checkRegion(StoredPolicy policy, Instance instance) {
        settings.regions().ofHost(instance.hostId()).filter(region -> !region.equals(policy.region())).ifPresent(region -> {
            throw new CofferException(ErrorCode.PolicyRegionMismatch, "policy " + policy.policy().name() + " is a policy"
                    + " of region " + policy.region() + ", instance '" + instance.name() + "' runs on host "
                    + instance.hostId() + " of region " + region + "; bind a policy of region " + region);
        });
    }
}
