using System.Text.Json;
using BotBottle.Backends;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Policy;
using BotBottle.Proposals;
using BotBottle.Serialization;
using BotBottle.Tests.Manifest;

namespace BotBottle.Tests.Proposals;

/// <summary>
/// The host's side of the supervise plane over real files and a real SQLite database: import, decide, apply,
/// deliver, expiry, recovery of interrupted decisions, and racing deciders (each with its own connection, as
/// separate processes would have).
/// </summary>
public sealed class ProposalServiceTests : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private BotBottleServices _services = null!;
    private string _state = null!;
    private int _seq;

    private ProposalService Service => _services.Proposals;

    private string RoutesPath => Path.Combine(_state, SidecarContract.RoutesFile);

    public async Task InitializeAsync()
    {
        _home.Bottle("b", """
            env:
              API_TOKEN: "?"
            egress:
              routes:
                - host: api.example.com
                  auth: {scheme: Bearer, token_ref: API_TOKEN}
                  matches:
                    - methods: [GET]
                      paths: [{type: prefix, value: /v1/}]
            """);
        _home.Agent("a", "bottle: b\n");
        _services = NewServices();
        var secrets = new DictionarySecretSource(new Dictionary<string, SecretValue> { ["API_TOKEN"] = new("tok-0123456789abcdef") });
        var prepared = await _services.Preparer.PrepareAsync(new PrepareRequest { Agent = "a", Label = "p1" }, secrets, dryRun: false);
        _state = prepared.Bottle.StateDirectory;
    }

    public Task DisposeAsync()
    {
        _home.Dispose();
        return Task.CompletedTask;
    }

    private BotBottleServices NewServices() => new(_home.Home, _home.Project, BotBottle.Processes.ProcessRunner.Default);

    private BottleProposal File(ProposalKind kind = ProposalKind.EgressAllow, string routes = "routes:\n  - host: new.example\n", string? payload = null)
    {
        var id = $"p1-{Interlocked.Increment(ref _seq):D13}";
        var p = new BottleProposal
        {
            Id = id,
            BottleName = "p1",
            Kind = kind,
            Payload = payload ?? JsonSerializer.Serialize(new EgressAllowPayload(routes), CoreJsonContext.Default.EgressAllowPayload),
            Summary = "test " + id,
            Justification = "because",
            FiledAt = DateTimeOffset.UtcNow,
        };
        var exchange = new ProposalExchange(_state);
        exchange.EnsureFolders();
        exchange.WritePending(p);
        return p;
    }

    private BottleProposal TokenProposal() => File(ProposalKind.EgressTokenAllow, payload: JsonSerializer.Serialize(
        new TokenAllowPayload("api.example.com", "POST", "/v1/x", ["token_patterns/aws-access-key-id at body:$.k: AKIA…[16]"], ["fp1"]), CoreJsonContext.Default.TokenAllowPayload));

    private ProposalDecision? Delivered(string id) => new ProposalExchange(_state).TryReadDecision(id);

    private static BotBottleException Fails(string errorId, Action act)
    {
        var ex = Assert.Throws<BotBottleException>(act);
        Assert.Equal(errorId, ex.ErrorId);
        return ex;
    }

    [Fact]
    public void Filed_proposals_are_imported_once_and_survive_a_new_process()
    {
        var p = File();
        Assert.Equal(1, Service.Sync());
        Assert.Equal(0, Service.Sync());
        var again = NewServices().Proposals.Get(p.Id);
        Assert.Equal(ProposalState.Pending, again.State);
        Assert.Equal("because", again.Justification);
        Assert.Single(Service.Audit("p1"), a => a.Event == "proposal-filed" && a.ProposalId == p.Id);
    }

    [Fact]
    public void Git_push_decisions_are_imported_into_the_audit_log_once_and_a_torn_last_line_waits()
    {
        var path = Path.Combine(_state, SidecarContract.GitPushAuditFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var accepted = new BotBottle.GitGate.GitPushRecord("r1", DateTimeOffset.UtcNow, "project", ["refs/heads/main 111111111111→222222222222"], [new string('2', 40)], "accepted", "clean; forwarded upstream");
        var rejected = accepted with { Id = "r2", Verdict = "rejected", Detail = "findings: app.ini:3 github-pat-classic" };
        System.IO.File.WriteAllText(path, accepted.ToJsonLine() + "\n" + rejected.ToJsonLine()[..20]);
        Service.Sync();
        Service.Sync();
        var entries = Service.Audit("p1").Where(a => a.Event == "git-push").ToList();
        var only = Assert.Single(entries);
        Assert.Contains("project: accepted refs/heads/main", only.Detail, StringComparison.Ordinal);
        Assert.Contains("1 commit(s) scanned (222222222222)", only.Detail, StringComparison.Ordinal);
        Assert.Equal("git-gate", only.Actor);

        System.IO.File.WriteAllText(path, accepted.ToJsonLine() + "\n" + rejected.ToJsonLine() + "\n");
        NewServices().Proposals.Sync();
        Assert.Equal(2, Service.Audit("p1").Count(a => a.Event == "git-push"));
        Assert.Single(Service.Audit("p1"), a => a.Detail.Contains("rejected", StringComparison.Ordinal) && a.Detail.Contains("app.ini:3", StringComparison.Ordinal));
    }

    private static BotBottle.Egress.EgressAuditRecord Refusal(string id, string host = "unlisted.example") =>
        new(id, DateTimeOffset.UtcNow, "block", "GET", "https", host, 443, "/upload", true, 403, ["policy/HostNotAllowed at host"]);

    [Fact]
    public void Egress_refusals_are_imported_once_from_where_the_last_sync_stopped_and_a_torn_or_damaged_line_loses_nothing_else()
    {
        var path = Path.Combine(_state, SidecarContract.EgressAuditFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var first = Refusal("e1");
        var redacted = Refusal("e2", "api.example.com") with { Decision = "redact", Status = 200, Reasons = ["token_patterns/aws-access-key-id at query:key"] };
        System.IO.File.WriteAllText(path, first.ToJsonLine() + "\n" + "{not json\n" + redacted.ToJsonLine()[..25]);
        Service.Sync();
        Service.Sync();
        var blocked = Assert.Single(Service.Audit("p1"), a => a.Event is "egress-blocked" or "egress-redacted");
        Assert.Equal("egress-blocked", blocked.Event);
        Assert.Equal("egress-proxy", blocked.Actor);
        Assert.Equal("block GET https://unlisted.example/upload?… → 403: policy/HostNotAllowed at host", blocked.Detail);

        // The writer finishes the torn line and appends more; a new process imports only what is new.
        System.IO.File.WriteAllText(path, first.ToJsonLine() + "\n" + "{not json\n" + redacted.ToJsonLine() + "\n" + Refusal("e3").ToJsonLine() + "\n");
        NewServices().Proposals.Sync();
        var events = Service.Audit("p1").Where(a => a.Event is "egress-blocked" or "egress-redacted").ToList();
        Assert.Equal(["egress-blocked", "egress-redacted", "egress-blocked"], events.Select(e => e.Event));
        Assert.Equal("redact GET https://api.example.com/upload?… → 200: token_patterns/aws-access-key-id at query:key", events[1].Detail);
        Assert.Equal(new System.IO.FileInfo(path).Length, Service.Store.ImportOffset("p1/" + SidecarContract.EgressAuditFile));
    }

    [Fact]
    public void A_new_egress_audit_file_shorter_than_the_stored_offset_is_read_from_its_start()
    {
        var path = Path.Combine(_state, SidecarContract.EgressAuditFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, Refusal("long-one", new string('a', 60) + ".example").ToJsonLine() + "\n");
        Service.Sync();
        System.IO.File.WriteAllText(path, Refusal("x").ToJsonLine() + "\n");
        Service.Sync();
        Assert.Equal(2, Service.Audit("p1").Count(a => a.Event == "egress-blocked"));
    }

    [Fact]
    public async Task Refusals_still_in_the_state_folder_reach_the_audit_log_when_the_bottle_is_removed()
    {
        var path = Path.Combine(_state, SidecarContract.EgressAuditFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, Refusal("gone").ToJsonLine() + "\n");
        await _services.Bottles.RemoveAsync("p1", force: true, CancellationToken.None);
        Assert.False(Directory.Exists(_state));
        Assert.Single(NewServices().Proposals.Audit("p1"), a => a.Event == "egress-blocked" && a.Detail.Contains("unlisted.example", StringComparison.Ordinal));
        Assert.Equal(0, Service.Store.ImportOffset("p1/" + SidecarContract.EgressAuditFile));
    }

    [Fact]
    public void Half_written_and_foreign_files_are_skipped_and_lose_nothing()
    {
        var dir = Path.Combine(_state, "proposals", "pending");
        var p = File();
        System.IO.File.WriteAllText(Path.Combine(dir, "p1-zzzz.json"), "{\"id\":\"p1-zzzz\",\"bott"); // torn write (never produced by the atomic writer)
        System.IO.File.WriteAllText(Path.Combine(dir, ".p1-tmp.json.tmp"), "{}");
        var other = Service.List(new ProposalQuery()).Single() with { Id = "elsewhere-0000000000001", BottleName = "elsewhere" };
        new ProposalExchange(_state).WritePending(other); // a file naming another bottle is not this bottle's to file
        Assert.Equal([p.Id], Service.List(new ProposalQuery()).Select(x => x.Id));
    }

    [Fact]
    public void Approve_merges_the_routes_records_before_and_after_and_delivers_the_decision()
    {
        var p = File(routes: "routes:\n  - host: new.example\n    matches:\n      - methods: [GET]\n  - host: api.example.com\n    matches:\n      - methods: [POST]\n        paths: [{type: exact, value: /v1/issues}]\n");
        var decided = Service.Approve(p.Id, "fine", null, "op@host");
        Assert.Equal(ProposalState.Approved, decided.State);
        Assert.Equal("op@host", decided.Decider);
        Assert.DoesNotContain("new.example", decided.RoutesBefore, StringComparison.Ordinal);
        Assert.Contains("new.example", decided.RoutesAfter, StringComparison.Ordinal);

        var live = RoutesFile.Load(RoutesPath);
        Assert.Equal(["api.example.com", "new.example"], live.Routes.Select(r => r.Host));
        Assert.Equal(new RouteAuth(AuthScheme.Bearer, "API_TOKEN"), live.Routes[0].Auth);
        var compiled = new BotBottle.Egress.CompiledEgressPolicy(live);
        Assert.True(compiled.Evaluate("GET", "api.example.com", "/v1/repos", "", []).Allowed);
        Assert.True(compiled.Evaluate("POST", "api.example.com", "/v1/issues", "", []).Allowed);
        Assert.False(compiled.Evaluate("POST", "api.example.com", "/v1/other", "", []).Allowed);

        Assert.Equal(new ProposalDecision(p.Id, ProposalState.Approved, "fine", "op@host", Delivered(p.Id)!.DecidedAt, null), Delivered(p.Id));
        Assert.Equal(["proposal-filed", "proposal-approved", "routes-changed"], Service.Audit("p1").Select(a => a.Event));
        Assert.Equal(routesOf(Service.LiveRoutes("p1")), routesOf(live));

        static string routesOf(EgressPolicy p) => RoutesFile.Serialize(p);
    }

    [Fact]
    public void A_modified_approval_stores_and_applies_the_operators_routes()
    {
        var p = File(routes: "routes:\n  - host: wide.example\n");
        var decided = Service.Approve(p.Id, null, "- host: wide.example\n  matches:\n    - methods: [GET]\n");
        Assert.Equal(ProposalState.Modified, decided.State);
        Assert.Contains("GET", decided.ApprovedPayload, StringComparison.Ordinal);
        var route = RoutesFile.Load(RoutesPath).Routes.Single(r => r.Host == "wide.example");
        Assert.Equal(["GET"], Assert.Single(route.Matches).Methods.ToArray());
        Assert.Equal(ProposalState.Modified, Delivered(p.Id)!.State);
    }

    [Fact]
    public void Invalid_routes_and_new_credentials_are_refused_and_change_nothing()
    {
        var p = File(routes: "routes:\n  - host: new.example\n    auth: {scheme: Bearer, token_ref: STOLEN}\n");
        var ex = Fails("ProposalInvalid", () => Service.Approve(p.Id, null, null));
        Assert.Contains("'STOLEN' is not a credential this bottle has", ex.Message, StringComparison.Ordinal);

        var q = File();
        var invalid = Fails("ProposalInvalid", () => Service.Approve(q.Id, null, "- host: x.example\n  matches:\n    - paths: [{type: regex, value: '(']}\n"));
        Assert.NotEmpty(Assert.IsType<ManifestException>(invalid.InnerException).Errors);
        Fails("ProposalInvalid", () => Service.Approve(q.Id, null, "- host: x.example\n  dlp: {outbound_on_match: block}\n"));

        Assert.All(Service.List(new ProposalQuery()), x => Assert.Equal(ProposalState.Pending, x.State));
        Assert.False(System.IO.File.Exists(RoutesPath));
        Assert.Null(Delivered(p.Id));
        Assert.DoesNotContain(Service.Audit("p1"), a => a.Event != "proposal-filed");
    }

    [Fact]
    public void A_proposal_may_name_a_credential_only_on_the_host_it_is_bound_to()
    {
        // The bottle's API_TOKEN is bound to api.example.com: it cannot be moved to mirror.example (issue 15 item 7).
        var moved = File(routes: "routes:\n  - host: mirror.example\n    auth: {scheme: Bearer, token_ref: API_TOKEN}\n");
        Fails("ProposalInvalid", () => Service.Approve(moved.Id, null, null));
        Assert.False(System.IO.File.Exists(RoutesPath));
        Assert.Equal(ProposalState.Pending, Service.Get(moved.Id).State);

        var same = File(routes: "routes:\n  - host: api.example.com\n    auth: {scheme: Bearer, token_ref: API_TOKEN}\n    allow_private: true\n");
        Service.Approve(same.Id, null, null);
        Assert.Equal(new RouteAuth(AuthScheme.Bearer, "API_TOKEN"), RoutesFile.Load(RoutesPath).Routes.Single(r => r.Host == "api.example.com").Auth);
    }

    [Fact]
    public void Deny_needs_a_reason_leaves_policy_alone_and_tells_the_filer()
    {
        var p = File();
        Fails("ReasonRequired", () => Service.Deny(p.Id, " "));
        var denied = Service.Deny(p.Id, "not for this task");
        Assert.Equal(ProposalState.Denied, denied.State);
        Assert.False(System.IO.File.Exists(RoutesPath));
        Assert.Equal("not for this task", Delivered(p.Id)!.Reason);
        Assert.Equal(ProposalState.Denied, Delivered(p.Id)!.State);
        Fails("ProposalNotPending", () => Service.Approve(p.Id, null, null));
    }

    [Fact]
    public void Token_and_gitleaks_allowances_need_a_reason_and_cannot_be_modified()
    {
        var p = TokenProposal();
        Fails("ReasonRequired", () => Service.Approve(p.Id, null, null));
        Fails("ProposalNotModifiable", () => Service.Approve(p.Id, "safe", "- host: api.example.com\n"));
        Assert.Equal(ProposalState.Pending, Service.Get(p.Id).State);
        var approved = Service.Approve(p.Id, "test fixture value", null);
        Assert.Equal(ProposalState.Approved, approved.State);
        Assert.Null(approved.RoutesAfter);
        Assert.False(System.IO.File.Exists(RoutesPath));
        Assert.Equal(ProposalState.Approved, Delivered(p.Id)!.State);
    }

    [Fact]
    public void An_expired_proposal_cannot_be_decided_and_is_audited()
    {
        var p = File();
        new ProposalExchange(_state).WriteExpired(p.Id, DateTimeOffset.UtcNow);
        Assert.Equal(ProposalState.Expired, Service.Get(p.Id).State);
        var ex = Fails("ProposalNotPending", () => Service.Approve(p.Id, null, null));
        Assert.Contains("expired", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Service.Audit("p1"), a => a.Event == "proposal-expired" && a.ProposalId == p.Id);
        Assert.Null(Delivered(p.Id));
    }

    [Fact]
    public void Unknown_ids_are_ProposalNotFound()
    {
        var ex = Fails("ProposalNotFound", () => Service.Get("p1-nope"));
        Assert.Equal(RecommendedAction.ListProposals, ex.Recommended); // each face words it (Get-BottleProposal, bot-bottle proposals)
        Assert.DoesNotContain("bot-bottle", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Get-BottleProposal", ex.Message, StringComparison.Ordinal);
        Fails("ProposalNotFound", () => Service.Approve("p1-nope", null, null));
        Fails("ProposalNotFound", () => Service.Deny("p1-nope", "x"));
    }

    [Fact]
    public void A_decision_recorded_but_not_applied_or_delivered_is_finished_exactly_once_by_the_next_operation()
    {
        var p = File();
        Service.Sync();

        // What a host process killed right after its commit leaves behind: the decision, nothing applied, nothing delivered.
        Service.Store.Decide(p.Id, ProposalState.Approved, "crashed@host", "ok", null, _ => (null, null));
        Assert.False(System.IO.File.Exists(RoutesPath));
        Assert.Null(Delivered(p.Id));

        var next = NewServices().Proposals;
        Assert.Equal(ProposalState.Approved, next.Get(p.Id).State);
        Assert.Contains("new.example", System.IO.File.ReadAllText(RoutesPath), StringComparison.Ordinal);
        Assert.Equal(ProposalState.Approved, Delivered(p.Id)!.State);
        Assert.Empty(next.Store.Unfinished());

        next.Sync();
        NewServices().Proposals.Sync();
        Assert.Single(next.Audit("p1"), a => a.Event == "routes-changed");
        Assert.Single(next.Audit("p1"), a => a.Event == "proposal-approved");
    }

    [Fact]
    public async Task Racing_deciders_produce_one_decision_and_ProposalNotPending_for_the_rest()
    {
        const int Deciders = 6;
        var proposals = Enumerable.Range(0, 8).Select(_ => File()).ToList();
        Service.Sync();
        foreach (var p in proposals)
        {
            using var start = new Barrier(Deciders);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, Deciders).Select(i => Task.Run(() =>
            {
                var service = NewServices().Proposals; // its own connection, like a separate process
                start.SignalAndWait();
                try
                {
                    return i % 2 == 0 ? service.Approve(p.Id, null, null, $"op{i}").State.ToString() : service.Deny(p.Id, "no", $"op{i}").State.ToString();
                }
                catch (BotBottleException ex)
                {
                    return ex.ErrorId;
                }
            })));

            Assert.Single(outcomes, o => o is "Approved" or "Denied");
            Assert.Equal(Deciders - 1, outcomes.Count(o => o == "ProposalNotPending"));
            var decisions = Service.Audit("p1").Where(a => a.ProposalId == p.Id && a.Event is "proposal-approved" or "proposal-denied").ToList();
            var decision = Assert.Single(decisions);
            Assert.Equal(decision.Event == "proposal-approved" ? ProposalState.Approved : ProposalState.Denied, Delivered(p.Id)!.State);
            Assert.Equal(decision.Actor, Service.Get(p.Id).Decider);
        }

        Assert.True(Service.Audit("p1").Count(a => a.Event == "routes-changed") <= 1); // every proposal adds the same host: merged once
    }

    [Fact]
    public async Task Parallel_approvals_of_different_hosts_lose_no_route()
    {
        var proposals = Enumerable.Range(0, 8).Select(i => File(routes: $"routes:\n  - host: h{i}.example\n")).ToList();
        Service.Sync();
        using var start = new Barrier(proposals.Count);
        await Task.WhenAll(proposals.Select(p => Task.Run(() =>
        {
            var service = NewServices().Proposals;
            start.SignalAndWait();
            service.Approve(p.Id, null, null);
        })));
        var hosts = RoutesFile.Load(RoutesPath).Routes.Select(r => r.Host).ToHashSet();
        Assert.All(Enumerable.Range(0, 8), i => Assert.Contains($"h{i}.example", hosts));
        Assert.Equal(8, Service.Audit("p1").Count(a => a.Event == "routes-changed"));
    }

    [Fact]
    public async Task WaitForNew_returns_only_a_proposal_filed_after_it_started()
    {
        var old = File();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        // The wait says when it has noted what exists; the proposal is filed only then (no sleep stands in for that).
        using var watching = new SemaphoreSlim(0);
        var wait = Service.WaitForNewAsync(new ProposalQuery { BottleName = "p*" }, TimeSpan.FromMilliseconds(50), cts.Token,
            progress: new SyncProgress(_ => watching.Release()));
        Assert.True(await watching.WaitAsync(TimeSpan.FromMinutes(5)), "the wait never reported that it is watching");
        var fresh = File();
        var got = await wait;
        Assert.Equal(fresh.Id, got.Id);
        Assert.NotEqual(old.Id, got.Id);
    }

    [Fact]
    public void Queries_filter_by_wildcard_bottle_state_kind_and_id()
    {
        var a = File();
        var t = TokenProposal();
        Service.Deny(a.Id, "no");
        Assert.Equal([a.Id, t.Id], Service.List(new ProposalQuery { BottleName = "p?" }).Select(p => p.Id));
        Assert.Empty(Service.List(new ProposalQuery { BottleName = "q*" }));
        Assert.Equal([t.Id], Service.List(new ProposalQuery { State = ProposalState.Pending }).Select(p => p.Id));
        Assert.Equal([t.Id], Service.List(new ProposalQuery { Kind = ProposalKind.EgressTokenAllow }).Select(p => p.Id));

        // Ids are p1-0000000000001 and p1-0000000000002: every query's whole result is compared, so a pattern that
        // matches more (or less) than its wildcards allow fails.
        Assert.Equal([a.Id], Service.List(new ProposalQuery { Id = a.Id }).Select(p => p.Id));
        Assert.Equal([a.Id, t.Id], Service.List(new ProposalQuery { Id = a.Id[..^2] + "*" }).Select(p => p.Id));
        Assert.Equal([a.Id], Service.List(new ProposalQuery { Id = "*" + a.Id[^1..] }).Select(p => p.Id));
        Assert.Equal([t.Id], Service.List(new ProposalQuery { Id = t.Id[..^1] + "?" , State = ProposalState.Pending }).Select(p => p.Id));
        Assert.Empty(Service.List(new ProposalQuery { Id = a.Id[..^1] })); // a prefix is not a match (anchored at the end)
        Assert.Empty(Service.List(new ProposalQuery { Id = a.Id[1..] })); // nor a suffix (anchored at the start)
        Assert.Empty(Service.List(new ProposalQuery { Id = a.Id + "?" }));
        Assert.Empty(Service.List(new ProposalQuery { BottleName = "p" }));
        Assert.Empty(Service.List(new ProposalQuery { BottleName = "?" }));
        Assert.Equal([a.Id, t.Id], Service.List(new ProposalQuery { BottleName = "P*" }).Select(p => p.Id)); // case-insensitive
    }

    [Fact]
    public async Task Waiting_with_a_timeout_ends_with_WaitTimeout_when_nothing_is_filed()
    {
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => Service.WaitForNewAsync(new ProposalQuery { BottleName = "p1" }, TimeSpan.FromMilliseconds(20), CancellationToken.None, TimeSpan.FromMilliseconds(100)));
        Assert.Equal("WaitTimeout", ex.ErrorId);
        Assert.Equal(BotBottleErrorCategory.OperationTimeout, ex.Category);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Service.WaitForNewAsync(new ProposalQuery { BottleName = "p1" }, TimeSpan.FromMilliseconds(20), cts.Token, TimeSpan.FromMinutes(5)));
    }
}

/// <summary>An <see cref="IProgress{T}"/> that calls back synchronously (Progress&lt;T&gt; posts to a context).</summary>
internal sealed class SyncProgress(Action<BotBottle.Operations.OperationProgress> report) : IProgress<BotBottle.Operations.OperationProgress>
{
    public void Report(BotBottle.Operations.OperationProgress value) => report(value);
}
