using System.Collections.Immutable;
using BotBottle.Egress;
using BotBottle.Instances;
using BotBottle.Policy;
using BotBottle.Proposals;
using FsCheck;
using FsCheck.Fluent;

namespace BotBottle.Tests.Proposals;

/// <summary>The merge rules of an approved egress-allow, example by example and as properties over random route tables.</summary>
public class RouteMergeTests
{
    private static readonly RouteAuth OperatorAuth = new(AuthScheme.Bearer, "API_TOKEN");

    private static EgressRoute Route(string host, params RouteMatch[] matches) => new() { Host = host, Matches = [.. matches] };

    private static RouteMatch Get(string prefix) => new() { Methods = ["GET"], Paths = [new ValuePattern(PatternKind.Prefix, prefix)] };

    private static RouteMatch Post(string exact) => new() { Methods = ["POST"], Paths = [new ValuePattern(PatternKind.Exact, exact)] };

    [Fact]
    public void A_new_host_is_appended_as_proposed()
    {
        var live = new EgressPolicy([Route("a.example")]);
        var merged = RouteMerge.Merge(live, [Route("b.example", Get("/v1/"))]);
        Assert.Equal(["a.example", "b.example"], merged.Routes.Select(r => r.Host));
        Assert.Equal(Get("/v1/"), Assert.Single(merged.Routes[1].Matches));
    }

    [Fact]
    public void An_existing_host_gains_the_proposed_matches_and_keeps_the_operators_auth_and_dlp()
    {
        var dlp = new RouteDlp { OutboundOnMatch = DlpAction.Block };
        var live = new EgressPolicy([Route("api.example", Get("/v1/")) with { Auth = OperatorAuth, Dlp = dlp }]);
        var merged = RouteMerge.Merge(live, [Route("API.example", Post("/v1/issues"), Get("/v1/")) with { AllowPrivate = true, Git = new RouteGit(true) }]);
        var r = Assert.Single(merged.Routes);
        Assert.Equal("api.example", r.Host);
        Assert.True(r.Matches.SequenceEqual([Get("/v1/"), Post("/v1/issues")]), "the proposed POST match is added after the existing GET, once");
        Assert.Same(OperatorAuth, r.Auth);
        Assert.Same(dlp, r.Dlp);
        Assert.True(r.AllowPrivate);
        Assert.True(r.Git.Fetch);
    }

    [Fact]
    public void An_allow_everything_side_makes_the_host_allow_everything()
    {
        var live = new EgressPolicy([Route("api.example", Get("/v1/")) with { Auth = OperatorAuth }]);
        var r = Assert.Single(RouteMerge.Merge(live, [Route("api.example")]).Routes);
        Assert.True(r.Matches.IsEmpty);
        Assert.Same(OperatorAuth, r.Auth);
    }

    [Fact]
    public async Task A_proposal_can_not_set_dlp_or_introduce_a_credential()
    {
        using var home = new Manifest.TestHome();
        home.Bottle("b", "env:\n  API_TOKEN: \"?\"\n  LANG: C.UTF-8\negress:\n  routes:\n    - host: api.example\n");
        home.Agent("a", "bottle: b\n");
        var secrets = new BotBottle.Planning.DictionarySecretSource(new Dictionary<string, BotBottle.Planning.SecretValue> { ["API_TOKEN"] = new("tok-0123456789") });
        var plan = (await home.Preparer().PrepareAsync(new PrepareRequest { Agent = "a" }, secrets, dryRun: true)).Plan;
        var live = plan.Bottle.Egress;
        var problems = RouteMerge.Problems(
        [
            Route("x.example") with { Dlp = new RouteDlp { OutboundOnMatch = DlpAction.Redact } },
            Route("y.example") with { Auth = new RouteAuth(AuthScheme.Bearer, "STOLEN") },
            Route("z.example") with { Auth = new RouteAuth(AuthScheme.Token, "LANG") },
            Route("ok.example") with { Auth = OperatorAuth },
        ], live, plan);
        Assert.Equal(4, problems.Count);
        Assert.Contains("x.example: dlp settings are the operator's", problems[0], StringComparison.Ordinal);
        Assert.Contains("'STOLEN' is not a credential this bottle has", problems[1], StringComparison.Ordinal);
        Assert.Contains("'LANG' is not a credential", problems[2], StringComparison.Ordinal); // a literal env value is not a secret
        Assert.Contains("ok.example: a proposal cannot attach the credential 'API_TOKEN' to a host it is not bound to", problems[3], StringComparison.Ordinal);
        Assert.Single(RouteMerge.Problems([], live, plan));
    }

    [Fact]
    public async Task A_proposal_cannot_move_an_existing_credential_to_another_host()
    {
        // Issue 15 item 7: the credential exists (so "is it a credential this bottle has" passes), but the manifest
        // binds it to api.anthropic.com only.
        using var home = new Manifest.TestHome();
        home.Bottle("b", "env:\n  ANTHROPIC_API_KEY: \"?\"\negress:\n  routes:\n    - host: api.anthropic.com\n      auth: {scheme: Bearer, token_ref: ANTHROPIC_API_KEY}\n");
        home.Agent("a", "bottle: b\n");
        var secrets = new BotBottle.Planning.DictionarySecretSource(new Dictionary<string, BotBottle.Planning.SecretValue> { ["ANTHROPIC_API_KEY"] = new("sk-ant-0123456789") });
        var plan = (await home.Preparer().PrepareAsync(new PrepareRequest { Agent = "a" }, secrets, dryRun: true)).Plan;
        var moved = RouteMerge.ParseProposed("""[{"host":"docs.attacker.example","auth":{"scheme":"bearer","token_ref":"ANTHROPIC_API_KEY"}}]""", "p");
        var problem = Assert.Single(RouteMerge.Problems(moved, plan.Bottle.Egress, plan));
        Assert.Contains("cannot attach the credential 'ANTHROPIC_API_KEY'", problem, StringComparison.Ordinal);
        Assert.Contains("bound to api.anthropic.com", problem, StringComparison.Ordinal);

        // Control: the same credential on the host it is bound to is fine (the merge keeps the operator's auth).
        var same = RouteMerge.ParseProposed("""[{"host":"api.anthropic.com","auth":{"scheme":"bearer","token_ref":"ANTHROPIC_API_KEY"},"matches":[{"methods":["GET"]}]}]""", "p");
        Assert.Empty(RouteMerge.Problems(same, plan.Bottle.Egress, plan));

        // Every operator view shows the whole route, the credential included.
        var d = BottleRoute.Describe(moved[0]);
        Assert.Contains("docs.attacker.example", d, StringComparison.Ordinal);
        Assert.Contains("injects Bearer ANTHROPIC_API_KEY", d, StringComparison.Ordinal);
        Assert.Contains("ports 443 (https), 80 (http)", d, StringComparison.Ordinal);
        Assert.Contains("any request", d, StringComparison.Ordinal);
        Assert.Contains("allow_private", BottleRoute.Describe(moved[0] with { AllowPrivate = true }), StringComparison.Ordinal);
    }

    [Fact]
    public void Ports_widen_to_the_union_of_what_each_side_reaches()
    {
        var live = new EgressPolicy([Route("a.example") with { Ports = [8443] }, Route("b.example")]);
        var merged = RouteMerge.Merge(live, [Route("a.example") with { Ports = [9443] }, Route("b.example") with { Ports = [8080] }]);
        Assert.Equal([8443, 9443], merged.Routes[0].Ports.ToArray());
        Assert.Equal([443, 80, 8080], merged.Routes[1].Ports.ToArray());
        Assert.Empty(RouteMerge.Merge(new EgressPolicy([Route("c.example")]), [Route("c.example")]).Routes[0].Ports);
    }

    // ---- properties ----------------------------------------------------------------------------------------

    private static readonly string[] Hosts = ["a.example", "b.example", "c.example"];
    private static readonly RouteMatch[] MatchPool = [Get("/v1/"), Get("/v2/"), Post("/v1/x"), new() { Methods = ["DELETE"] }, new() { Paths = [new ValuePattern(PatternKind.Regex, "^/r/[0-9]+$")] }];
    private static readonly (string Method, string Path)[] Requests = [("GET", "/v1/a"), ("GET", "/v2/b"), ("POST", "/v1/x"), ("POST", "/v1/y"), ("DELETE", "/z"), ("PUT", "/r/12"), ("GET", "/")];

    private static Gen<EgressRoute> RouteGen(bool withAuth) =>
        from host in Gen.Elements(Hosts)
        from n in Gen.Choose(0, 3)
        from picks in Gen.Elements(MatchPool).ArrayOf(n)
        from priv in Gen.Elements(true, false)
        from auth in Gen.Elements(withAuth, false)
        select new EgressRoute { Host = host, Matches = [.. picks.Distinct()], AllowPrivate = priv, Auth = auth ? OperatorAuth : null };

    private static Gen<ImmutableArray<EgressRoute>> TableGen(bool withAuth) =>
        Gen.Choose(0, 3).SelectMany(n => RouteGen(withAuth).ArrayOf(n)).Select(rs => rs.DistinctBy(r => r.Host).ToImmutableArray());

    private static bool Allowed(EgressPolicy p, string host, (string Method, string Path) req) =>
        new CompiledEgressPolicy(p).Evaluate(req.Method, host, req.Path, string.Empty, []).Allowed;

    [Fact]
    public void Merging_never_removes_access_never_grants_more_than_was_approved_keeps_auth_and_is_idempotent()
    {
        var cases = TableGen(withAuth: true).Zip(TableGen(withAuth: false)).ToArbitrary();
        Prop.ForAll(cases, t =>
        {
            var live = new EgressPolicy(t.Item1);
            var proposed = t.Item2;
            var merged = RouteMerge.Merge(live, proposed);
            var proposedPolicy = new EgressPolicy(proposed);
            foreach (var host in Hosts)
            {
                foreach (var req in Requests)
                {
                    var before = Allowed(live, host, req);
                    var after = Allowed(merged, host, req);
                    if (before && !after)
                    {
                        return false; // an approval took access away
                    }

                    if (after && !before && !Allowed(proposedPolicy, host, req))
                    {
                        return false; // more than the operator approved
                    }
                }

                if (live.Routes.FirstOrDefault(r => r.Host == host) is { } existing && merged.Routes.Single(r => r.Host == host).Auth != existing.Auth)
                {
                    return false; // a proposal replaced the operator's auth
                }
            }

            return RouteMerge.Merge(merged, proposed).Equals(merged);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
