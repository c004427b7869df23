namespace BotBottle.Policy;

/// <summary>One live route of a bottle, shaped for listing (<c>Get-BottleEgressRoute</c>, <c>bot-bottle routes</c>).</summary>
public sealed record BottleRoute
{
    /// <summary>The bottle.</summary>
    public required string BottleName { get; init; }

    /// <summary>The host.</summary>
    public required string Host { get; init; }

    /// <summary>The credential injected (<c>Bearer GITHUB_TOKEN</c>, <c>header x-api-key ANTHROPIC_API_KEY</c>), or <see langword="null"/>; names only, never values.</summary>
    public string? Auth { get; init; }

    /// <summary>What the route allows, e.g. <c>any request</c> or <c>GET /repos/*; POST /graphql</c>.</summary>
    public required string Allows { get; init; }

    /// <summary>DLP in short: <c>token_patterns,known_secrets → supervise</c>, or <c>off</c>.</summary>
    public required string Dlp { get; init; }

    /// <summary><c>git.fetch</c>.</summary>
    public bool GitFetch { get; init; }

    /// <summary><c>allow_private</c>.</summary>
    public bool AllowPrivate { get; init; }

    /// <summary>The route itself.</summary>
    public required EgressRoute Route { get; init; }

    /// <summary>The ports the route reaches: <c>443 (https), 80 (http)</c> by default, else the list.</summary>
    public string Ports => Route.PortsText;

    /// <summary>
    /// The whole route in one line, as every operator view shows a proposed or live route: host, ports, what it
    /// allows (methods, paths, header conditions), the credential it injects, <c>allow_private</c>, <c>git.fetch</c>
    /// and DLP. Names only, never a credential's value.
    /// </summary>
    public static string Describe(EgressRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var r = From(string.Empty, route);
        var parts = new List<string> { $"ports {r.Ports}", r.Allows };
        parts.Add(r.Auth is { } auth ? $"injects {auth}" : "no credential");
        if (r.AllowPrivate)
        {
            parts.Add("allow_private (may reach private addresses)");
        }

        if (r.GitFetch)
        {
            parts.Add("git fetch");
        }

        parts.Add($"dlp {r.Dlp}");
        return $"{route.Host} ({string.Join("; ", parts)})";
    }

    /// <summary>Builds the listing form of <paramref name="route"/>.</summary>
    public static BottleRoute From(string bottle, EgressRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var allows = route.Matches.IsDefaultOrEmpty
            ? "any request"
            : string.Join("; ", route.Matches.Select(m =>
                $"{(m.Methods.IsDefaultOrEmpty ? "any" : string.Join(",", m.Methods))} {(m.Paths.IsDefaultOrEmpty ? "*" : string.Join(",", m.Paths.Select(p => p.Type switch { PatternKind.Prefix => p.Value + "*", PatternKind.Regex => "~" + p.Value, _ => p.Value })))}"
                + (m.Headers.IsDefaultOrEmpty ? string.Empty : $" [{string.Join(", ", m.Headers.Select(h => h.Name))}]")));
        var dlp = route.Dlp.OutboundDetectors.IsDefaultOrEmpty
            ? "off"
            : $"{string.Join(",", route.Dlp.OutboundDetectors.Select(d => d == OutboundDetector.TokenPatterns ? "token_patterns" : "known_secrets"))} → {route.Dlp.OutboundOnMatch.ToString().ToLowerInvariant()}"
              + (route.Dlp.InboundDetectors.IsDefaultOrEmpty ? string.Empty : ", injection in");
        return new BottleRoute
        {
            BottleName = bottle,
            Host = route.Host,
            Auth = route.Auth?.ToString(),
            Allows = allows,
            Dlp = dlp,
            GitFetch = route.Git.Fetch,
            AllowPrivate = route.AllowPrivate,
            Route = route,
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"{Host}: {Allows}";
}
