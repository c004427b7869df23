using System.Text;
using System.Text.Json;
using BotBottle.Backends;
using BotBottle.Configuration;
using BotBottle.Egress;
using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Policy;
using BotBottle.Proposals;
using BotBottle.Serialization;

namespace BotBottle.Instances;

/// <summary>Filters for listing proposals.</summary>
public sealed record ProposalQuery
{
    /// <summary>Bottle name pattern (wildcards <c>*</c>, <c>?</c>).</summary>
    public string? BottleName { get; init; }

    /// <summary>Only this state.</summary>
    public ProposalState? State { get; init; }

    /// <summary>Only this kind.</summary>
    public ProposalKind? Kind { get; init; }

    /// <summary>Only this id (wildcards allowed).</summary>
    public string? Id { get; init; }
}

/// <summary>
/// The operator's side of the supervise plane (PRODUCT.md §7): imports what sidecars filed, lists, approves
/// (optionally with a modified payload), denies, waits for new proposals, and keeps the audit log.
/// A decision goes: record it in the store (one atomic, conditional transaction) → apply it (for
/// <c>egress-allow</c>, merge into the bottle's live <c>routes.yaml</c>, which the sidecar reloads) → deliver it
/// (the decision file the waiting sidecar reads). Every step is idempotent and every operation first finishes any
/// decision a crash interrupted, so no crash point loses a pending proposal or applies a decision twice.
/// </summary>
public sealed class ProposalService
{
    /// <summary>Fault injection for the crash tests: when this variable names a step (<c>after-commit</c>, <c>after-apply</c>),
    /// the process kills itself there. Never set it outside tests.</summary>
    public const string CrashVariable = "BOT_BOTTLE_TEST_CRASH_AT";

    private readonly InstanceStore _instances;
    private readonly Lazy<ProposalStore> _store;

    /// <summary>Creates the service over the home's state folders and database.</summary>
    public ProposalService(BotBottleHome home, InstanceStore instances)
    {
        ArgumentNullException.ThrowIfNull(home);
        _instances = instances ?? throw new ArgumentNullException(nameof(instances));
        _store = new Lazy<ProposalStore>(() => new ProposalStore(DatabasePath(home)));
        _instances.Deleting += (slug, dir) =>
        {
            // A bottle being removed: its sidecar's last audit records are collected before the folder goes, and the
            // file's import offset is forgotten (a new bottle may reuse the name).
            ImportSidecarAudit(slug, dir);
            foreach (var file in SidecarAuditFiles)
            {
                Store.ImportEvents($"{slug}/{file}", 0, []);
            }
        };
    }

    /// <summary>The durable store.</summary>
    public ProposalStore Store => _store.Value;

    /// <summary>The proposal and audit store of <paramref name="home"/>: <c>&lt;home&gt;/botbottle.db</c> (SQLite).</summary>
    public static string DatabasePath(BotBottleHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return Path.Combine(home.Root, "botbottle.db");
    }

    /// <summary>Who is deciding: <c>user@host</c>.</summary>
    public static string CurrentDecider => $"{Environment.UserName}@{Environment.MachineName}";

    /// <summary>Imports every newly filed proposal, records expiries, and finishes interrupted decisions. Returns how many were new.</summary>
    public int Sync()
    {
        var added = 0;
        foreach (var slug in _instances.Slugs())
        {
            var dir = _instances.Home.InstanceDirectory(slug);
            ImportSidecarAudit(slug, dir);
            if (!Directory.Exists(Path.Combine(dir, ProposalExchange.FolderName)))
            {
                continue;
            }

            var exchange = new ProposalExchange(dir);
            foreach (var p in exchange.ReadPending())
            {
                if (p.BottleName == slug && Store.Import(p))
                {
                    added++;
                }
            }

            foreach (var e in exchange.ReadExpired())
            {
                Store.Expire(e.Id, e.DecidedAt);
            }
        }

        foreach (var (p, applied, delivered) in Store.Unfinished())
        {
            if (!applied)
            {
                Apply(p);
            }

            if (!delivered)
            {
                Deliver(p);
            }
        }

        return added;
    }

    /// <summary>The sidecar's append-only audit files, each imported from where the last sync stopped.</summary>
    private static readonly string[] SidecarAuditFiles = [SidecarContract.GitPushAuditFile, SidecarContract.EgressAuditFile];

    /// <summary>
    /// What the bottle's sidecar reported for the audit log: the git gate's push decisions
    /// (<see cref="SidecarContract.GitPushAuditFile"/>, <see cref="GitGate.GitPushRecord"/> lines → <c>git-push</c>
    /// entries, actor <c>git-gate</c>) and the egress proxy's refusals and redactions
    /// (<see cref="SidecarContract.EgressAuditFile"/>, <see cref="EgressAuditRecord"/> lines → <c>egress-blocked</c> /
    /// <c>egress-redacted</c>, actor <c>egress-proxy</c>).
    /// </summary>
    private void ImportSidecarAudit(string slug, string dir)
    {
        ImportAppended(slug, dir, SidecarContract.GitPushAuditFile, line => GitGate.GitPushRecord.TryParse(line) is { } r
            ? ($"{slug}/git-push/{r.Id}", r.At, slug, GitGate.GitPushRecord.AuditEvent, "git-gate", r.AuditDetail)
            : null);
        ImportAppended(slug, dir, SidecarContract.EgressAuditFile, line => EgressAuditRecord.TryParse(line) is { } r
            ? ($"{slug}/egress/{r.Id}", r.At, slug, r.AuditEvent, "egress-proxy", r.AuditDetail)
            : null);
    }

    /// <summary>
    /// Imports the records appended to one of the sidecar's JSON-lines audit files since the last sync, each once
    /// (keyed by bottle and record id). Only the bytes after the offset stored for the file are read, and the offset is
    /// stored with the entries in one transaction; an incomplete last line waits for the next sync, a damaged line is
    /// skipped, and a file shorter than the stored offset (a new bottle under a reused name) is read from its start.
    /// </summary>
    private void ImportAppended(string slug, string dir, string relativeFile, Func<string, (string Key, DateTimeOffset At, string Bottle, string Event, string? Actor, string Detail)?> parse)
    {
        var file = Path.Combine(dir, relativeFile);
        if (!File.Exists(file))
        {
            return;
        }

        var key = $"{slug}/{relativeFile}";
        var offset = Store.ImportOffset(key);
        byte[] tail;
        try
        {
            using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (fs.Length < offset)
            {
                offset = 0;
            }

            if (fs.Length == offset)
            {
                return;
            }

            fs.Seek(offset, SeekOrigin.Begin);
            tail = new byte[(int)Math.Min(fs.Length - offset, SidecarContract.EgressAuditFileLimit * 2)];
            fs.ReadExactly(tail);
        }
        catch (IOException)
        {
            return;
        }

        var complete = Array.LastIndexOf(tail, (byte)'\n') + 1;
        if (complete == 0)
        {
            return;
        }

        var records = Encoding.UTF8.GetString(tail, 0, complete).Split('\n').Select(parse).OfType<(string, DateTimeOffset, string, string, string?, string)>();
        Store.ImportEvents(key, offset + complete, records);
    }

    /// <summary>Proposals matching <paramref name="query"/>, oldest first.</summary>
    public IReadOnlyList<BottleProposal> List(ProposalQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Sync();
        var bottleRegex = query.BottleName is { } b && b.IndexOfAny(['*', '?']) >= 0 ? ManifestNames.Wildcard(b) : null;
        var idRegex = query.Id is { } i ? ManifestNames.Wildcard(i) : null;
        return [.. Store.List(bottleRegex is null ? query.BottleName : null, query.State, query.Kind)
            .Where(p => bottleRegex?.IsMatch(p.BottleName) != false && idRegex?.IsMatch(p.Id) != false)];
    }

    /// <summary>One proposal.</summary>
    /// <exception cref="BotBottleException"><c>ProposalNotFound</c>.</exception>
    public BottleProposal Get(string id)
    {
        Sync();
        return Store.Get(id) ?? throw ProposalStore.NotFound(id);
    }

    /// <summary>
    /// Approves a pending proposal. For <c>egress-allow</c>, <paramref name="modifiedRoutes"/> (a routes file) replaces
    /// the proposed routes and the state becomes <see cref="ProposalState.Modified"/>. <c>egress-token-allow</c> and
    /// <c>gitleaks-allow</c> need a reason and cannot be modified.
    /// </summary>
    /// <exception cref="BotBottleException"><c>ProposalNotFound</c>, <c>ProposalNotPending</c>, <c>ReasonRequired</c>,
    /// <c>ProposalNotModifiable</c>, <c>ProposalInvalid</c> (the routes break the rules; nothing changes).</exception>
    /// <exception cref="ManifestException">The (modified) routes do not parse; every located error.</exception>
    public BottleProposal Approve(string id, string? reason, string? modifiedRoutes, string? decider = null)
    {
        Sync();
        var p = Store.Get(id) ?? throw ProposalStore.NotFound(id);
        if (p.Kind != ProposalKind.EgressAllow)
        {
            if (string.IsNullOrWhiteSpace(reason))
            {
                throw new BotBottleException("ReasonRequired", BotBottleErrorCategory.InvalidArgument,
                    $"Approving a {ProposalKindConverter.Name(p.Kind)} proposal lets a flagged value through for the life of the bottle; give -Reason / --reason saying why it is safe.") { TargetObject = id };
            }

            if (modifiedRoutes is not null)
            {
                throw new BotBottleException("ProposalNotModifiable", BotBottleErrorCategory.InvalidArgument, $"A {ProposalKindConverter.Name(p.Kind)} proposal is approved or denied as filed; it cannot be modified.") { TargetObject = id };
            }
        }

        string? approvedPayload = null;
        if (modifiedRoutes is not null)
        {
            // Validate before anything changes; the canonical form is what gets stored.
            IReadOnlyList<EgressRoute> routes;
            try
            {
                routes = RouteMerge.ParseProposed(modifiedRoutes, $"modified routes for {id}");
            }
            catch (ManifestException ex)
            {
                throw new BotBottleException("ProposalInvalid", BotBottleErrorCategory.InvalidArgument,
                    $"The modified routes for {id} are not valid routes; nothing was changed. {ex.Message}", ex) { TargetObject = id };
            }

            approvedPayload = JsonSerializer.Serialize(new EgressAllowPayload(RoutesFile.Serialize(new EgressPolicy([.. routes]))), ProposalJsonContext.Default.EgressAllowPayload);
        }

        var state = approvedPayload is null ? ProposalState.Approved : ProposalState.Modified;
        var decided = Store.Decide(id, state, decider ?? CurrentDecider, reason, approvedPayload, current => PlanChange(current, approvedPayload));
        CrashPoint("after-commit");
        Apply(decided);
        CrashPoint("after-apply");
        Deliver(decided);
        return Store.Get(id)!;
    }

    /// <summary>Denies a pending proposal; policy does not change.</summary>
    /// <exception cref="BotBottleException"><c>ProposalNotFound</c>, <c>ProposalNotPending</c>, <c>ReasonRequired</c>.</exception>
    public BottleProposal Deny(string id, string reason, string? decider = null)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new BotBottleException("ReasonRequired", BotBottleErrorCategory.InvalidArgument, "Denying needs a reason the agent can read (-Reason / --reason).") { TargetObject = id };
        }

        Sync();
        var decided = Store.Decide(id, ProposalState.Denied, decider ?? CurrentDecider, reason, null, _ => (null, null));
        CrashPoint("after-commit");
        Apply(decided);
        Deliver(decided);
        return Store.Get(id)!;
    }

    /// <summary>Waits until a proposal matching <paramref name="query"/> (pending unless the query says otherwise) is filed after this call started, and returns it.</summary>
    /// <param name="query">Which proposals count.</param>
    /// <param name="pollInterval">How often the state folders and the store are looked at.</param>
    /// <param name="cancellationToken">Stops the wait (<see cref="OperationCanceledException"/>).</param>
    /// <param name="timeout">Give up after this long; null waits until cancelled.</param>
    /// <param name="progress">
    /// Told once, after the proposals that already exist have been noted, that the wait is watching (activity
    /// "Waiting for a proposal"): anything filed from then on is what the wait returns.
    /// </param>
    /// <exception cref="BotBottleException"><c>WaitTimeout</c> (OperationTimeout) when <paramref name="timeout"/> elapsed first.</exception>
    public async Task<BottleProposal> WaitForNewAsync(ProposalQuery query, TimeSpan pollInterval, CancellationToken cancellationToken, TimeSpan? timeout = null, IProgress<Operations.OperationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var q = query.State is null ? query with { State = ProposalState.Pending } : query;
        var seen = List(q).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        progress?.Report(new Operations.OperationProgress("Waiting for a proposal", $"{query.BottleName ?? "any bottle"}: watching ({seen.Count} already filed)"));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t)
        {
            limit.CancelAfter(t);
        }

        try
        {
            while (true)
            {
                await Task.Delay(pollInterval, limit.Token).ConfigureAwait(false);
                var fresh = List(q).FirstOrDefault(p => !seen.Contains(p.Id));
                if (fresh is not null)
                {
                    return fresh;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BotBottleException("WaitTimeout", BotBottleErrorCategory.OperationTimeout, $"No new proposal within {timeout!.Value.TotalSeconds:0} s.");
        }
    }

    /// <summary>The audit log, optionally for one bottle.</summary>
    public IReadOnlyList<BottleAuditEntry> Audit(string? bottle = null)
    {
        Sync();
        return Store.AuditLog(bottle);
    }

    /// <summary>A bottle's live routes (its routes file when it has run, else its plan's).</summary>
    public EgressPolicy LiveRoutes(string slug)
    {
        var instance = _instances.Load(slug);
        var file = instance.PathOf(SidecarContract.RoutesFile);
        return File.Exists(file) ? RoutesFile.Load(file) : instance.Plan.Bottle.Egress;
    }

    private (string? Before, string? After) PlanChange(BottleProposal p, string? approvedPayload)
    {
        if (p.Kind != ProposalKind.EgressAllow)
        {
            return (null, null);
        }

        var instance = _instances.Load(p.BottleName);
        var live = LiveRoutes(p.BottleName);
        var proposed = ProposedRoutes(p, approvedPayload);
        RouteMerge.ThrowIfProblems(RouteMerge.Problems(proposed, live, instance.Plan), p.Id);
        return (RoutesFile.Serialize(live), RoutesFile.Serialize(RouteMerge.Merge(live, proposed)));
    }

    private static IReadOnlyList<EgressRoute> ProposedRoutes(BottleProposal p, string? approvedPayload)
    {
        var payload = JsonSerializer.Deserialize(approvedPayload ?? p.ApprovedPayload ?? p.Payload, ProposalJsonContext.Default.EgressAllowPayload)
            ?? throw new InvalidDataException($"proposal {p.Id} has no payload");
        return RouteMerge.ParseProposed(payload.Routes, $"proposal {p.Id}");
    }

    /// <summary>
    /// Makes an approved <c>egress-allow</c> take effect: merge into the live routes file, exactly once and
    /// serialized with every other application (see <see cref="ProposalStore.ApplyOnce"/>); the sidecar's
    /// live-reload picks the file up.
    /// </summary>
    private void Apply(BottleProposal p) => Store.ApplyOnce(p.Id, current =>
    {
        var instance = _instances.TryLoad(current.BottleName);
        if (instance is null || current.Kind != ProposalKind.EgressAllow || current.State is not (ProposalState.Approved or ProposalState.Modified))
        {
            return null;
        }

        var live = LiveRoutes(current.BottleName);
        var merged = RouteMerge.Merge(live, ProposedRoutes(current, null));
        if (merged.Equals(live))
        {
            return null;
        }

        InstanceStore.WriteFile(instance, SidecarContract.RoutesFile, Encoding.UTF8.GetBytes(RoutesFile.Serialize(merged)));
        return (RoutesFile.Serialize(live), RoutesFile.Serialize(merged), $"routes: {string.Join(", ", live.Routes.Select(r => r.Host))} → {string.Join(", ", merged.Routes.Select(r => r.Host))}");
    });

    /// <summary>Writes the decision file the sidecar waits for (idempotent).</summary>
    private void Deliver(BottleProposal p)
    {
        var instance = _instances.TryLoad(p.BottleName);
        if (instance is not null && p.State != ProposalState.Expired)
        {
            new ProposalExchange(instance.Directory).WriteDecision(new ProposalDecision(p.Id, p.State, p.Reason, p.Decider, p.DecidedAt ?? DateTimeOffset.UtcNow, p.ApprovedPayload));
        }

        Store.Mark(p.Id, delivered: true);
    }

    private static void CrashPoint(string step)
    {
        if (Environment.GetEnvironmentVariable(CrashVariable) == step)
        {
            System.Diagnostics.Process.GetCurrentProcess().Kill(); // SIGKILL: no finally blocks, no flushing
        }
    }
}
