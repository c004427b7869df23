using System.Collections.Immutable;
using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Policy;

namespace BotBottle.Proposals;

/// <summary>
/// How an approved <c>egress-allow</c> changes a bottle's live routes. The rules, in full:
/// <list type="number">
/// <item>A proposed host that has no route is appended as proposed.</item>
/// <item>For a host that already has a route, the proposal can only widen what the route allows: its
/// <c>matches</c> entries are added to the route's (and if either side allows every request, the result does);
/// <c>ports</c> are united; <c>git.fetch</c> and <c>allow_private</c> are OR-ed. Everything else stays the operator's: the route's
/// <c>auth</c> and its <c>dlp</c> settings are kept as they are.</item>
/// <item>A proposal never sets <c>dlp</c> (DLP is the operator's; approve with a modified route to change it), and a
/// proposed <c>auth.token_ref</c> must name a credential the bottle already has (a secret <c>env</c> entry, or a
/// <c>token_ref</c> an existing route already uses) — a proposal can never introduce a credential — and only on a
/// host that credential is already bound to: a proposal can never attach an existing credential to another host.</item>
/// <item>Merging is deterministic and idempotent: merging the same routes twice changes nothing the second time,
/// which is what lets a decision interrupted by a crash be re-applied safely.</item>
/// </list>
/// </summary>
public static class RouteMerge
{
    /// <summary>Checks a proposal's routes against the rules above; returns every problem (empty when acceptable).</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<EgressRoute> proposed, EgressPolicy live, BottlePlan plan)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(plan);
        var problems = new List<string>();
        if (proposed.Count == 0)
        {
            problems.Add("routes is empty: propose at least one route");
        }

        var credentials = plan.Bottle.Env.Where(e => e.Kind == EnvValueKind.Secret).Select(e => e.Name)
            .Concat(live.Routes.Select(r => r.Auth?.TokenRef).OfType<string>())
            .Concat(plan.Bottle.Egress.Routes.Select(r => r.Auth?.TokenRef).OfType<string>())
            .ToHashSet(StringComparer.Ordinal);
        foreach (var r in proposed)
        {
            if (!r.Dlp.Equals(RouteDlp.Default))
            {
                problems.Add($"route {r.Host}: dlp settings are the operator's and cannot be proposed; leave dlp out");
            }

            if (r.Auth is { } auth && !credentials.Contains(auth.TokenRef))
            {
                problems.Add($"route {r.Host}: auth.token_ref '{auth.TokenRef}' is not a credential this bottle has; a proposal cannot introduce one");
            }
            else if (r.Auth is { } bound && !BoundHosts(bound.TokenRef, live, plan).Contains(r.Host))
            {
                var hosts = BoundHosts(bound.TokenRef, live, plan);
                problems.Add($"route {r.Host}: a proposal cannot attach the credential '{bound.TokenRef}' to a host it is not bound to" +
                    (hosts.Count == 0 ? " (it is bound to no route)" : $" (it is bound to {string.Join(", ", hosts.Order(StringComparer.Ordinal))})") + "; leave auth out, or the operator adds it to the manifest");
            }
        }

        return problems;
    }

    /// <summary>The hosts whose live or manifest route already injects <paramref name="tokenRef"/>.</summary>
    private static HashSet<string> BoundHosts(string tokenRef, EgressPolicy live, BottlePlan plan) =>
        live.Routes.Concat(plan.Bottle.Egress.Routes).Where(x => x.Auth?.TokenRef == tokenRef).Select(x => x.Host).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Merges <paramref name="proposed"/> into <paramref name="live"/> by the rules above.</summary>
    public static EgressPolicy Merge(EgressPolicy live, IReadOnlyList<EgressRoute> proposed)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(proposed);
        var routes = live.Routes.ToList();
        foreach (var p in proposed)
        {
            var i = routes.FindIndex(r => r.Host.Equals(p.Host, StringComparison.OrdinalIgnoreCase));
            if (i < 0)
            {
                routes.Add(p);
                continue;
            }

            var existing = routes[i];
            ImmutableArray<RouteMatch> matches;
            if (existing.Matches.IsDefaultOrEmpty || p.Matches.IsDefaultOrEmpty)
            {
                matches = [];
            }
            else
            {
                var combined = existing.Matches.ToList();
                foreach (var m in p.Matches)
                {
                    if (!combined.Contains(m))
                    {
                        combined.Add(m);
                    }
                }

                matches = [.. combined];
            }

            routes[i] = existing with
            {
                Ports = MergePorts(existing, p),
                Matches = matches,
                Git = new RouteGit(existing.Git.Fetch || p.Git.Fetch),
                AllowPrivate = existing.AllowPrivate || p.AllowPrivate,
            };
        }

        return live with { Routes = [.. routes] };
    }

    /// <summary>Widens the ports: the union of what each side reaches (a route without <c>ports</c> reaches 443 and 80).</summary>
    private static ImmutableArray<int> MergePorts(EgressRoute existing, EgressRoute proposed)
    {
        if (proposed.Ports.IsDefaultOrEmpty && existing.Ports.IsDefaultOrEmpty)
        {
            return [];
        }

        IEnumerable<int> Effective(EgressRoute r) => r.Ports.IsDefaultOrEmpty ? [443, 80] : r.Ports;
        return [.. Effective(existing).Concat(Effective(proposed)).Distinct()];
    }

    /// <summary>
    /// Parses proposed routes with the manifest's own validator. Accepted shapes: a routes file
    /// (<c>routes:</c> map), a bare YAML list of routes (<c>- host: …</c>), or a JSON array (JSON is YAML).
    /// </summary>
    /// <exception cref="ManifestException">The routes are invalid; every located error is in it.</exception>
    public static IReadOnlyList<EgressRoute> ParseProposed(string routesText, string source) => RoutesFile.Parse(NormalizeRoutesText(routesText), source).Routes;

    /// <summary>Turns any accepted shape of proposed routes (see <see cref="ParseProposed"/>) into routes-file YAML.</summary>
    public static string NormalizeRoutesText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.StartsWith('['))
        {
            return "routes: " + t;
        }

        if (t.StartsWith('-'))
        {
            // A bare YAML list: indent it under routes.
            return "routes:\n" + string.Concat(t.Split('\n').Select(line => "  " + line.TrimEnd('\r') + "\n"));
        }

        return t; // a routes file (or something the parser will explain)
    }

    /// <summary>Throws <c>ProposalInvalid</c> with every problem when there are any.</summary>
    public static void ThrowIfProblems(IReadOnlyList<string> problems, string id)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count > 0)
        {
            throw new BotBottleException("ProposalInvalid", BotBottleErrorCategory.InvalidArgument, $"The routes cannot be applied: {string.Join("; ", problems)}.") { TargetObject = id };
        }
    }
}
