using BotBottle.Policy;

namespace BotBottle.Egress;

/// <summary>Why egress policy refused a request. Stable names, printed as the <c>rule</c> of a policy reason.</summary>
public enum EgressDenial
{
    /// <summary>No route lists the host.</summary>
    NoRoute,

    /// <summary>The host has a route but the request satisfies none of its <c>matches</c> entries.</summary>
    NoMatch,

    /// <summary>The host is an IP literal; egress is by name only.</summary>
    IpLiteral,

    /// <summary>The host is not a valid DNS name.</summary>
    InvalidHost,

    /// <summary>A git push over HTTPS (<c>git-receive-pack</c>): always refused; pushes go through the git gate.</summary>
    GitPush,

    /// <summary>A git clone/fetch over HTTPS on a route without <c>git.fetch: true</c>.</summary>
    GitFetchNotAllowed,

    /// <summary>The name resolved to a private, loopback, link-local, metadata or reserved address.</summary>
    ForbiddenAddress,

    /// <summary>The name did not resolve.</summary>
    ResolutionFailed,

    /// <summary>The Host header of a request inside a CONNECT tunnel names a different host than the tunnel.</summary>
    HostMismatch,
}

/// <summary>The policy verdict on a request line and headers (before DLP).</summary>
public sealed record EgressDecision
{
    private EgressDecision(EgressRoute? route, EgressDenial? denial, string message)
    {
        Route = route;
        Denial = denial;
        Message = message;
    }

    /// <summary>The route that allows the request, when allowed.</summary>
    public EgressRoute? Route { get; }

    /// <summary>Why it was refused, when refused.</summary>
    public EgressDenial? Denial { get; }

    /// <summary><see langword="true"/> when a route allows the request.</summary>
    public bool Allowed => Denial is null;

    /// <summary>Human-readable explanation, safe to show the agent (no secret values).</summary>
    public string Message { get; }

    /// <summary>An allow decision.</summary>
    public static EgressDecision Allow(EgressRoute route) => new(route ?? throw new ArgumentNullException(nameof(route)), null, $"allowed by the route for {route.Host}");

    /// <summary>A refusal.</summary>
    public static EgressDecision Deny(EgressDenial denial, string message, EgressRoute? route = null) => new(route, denial, message);

    /// <inheritdoc />
    public override string ToString() => Allowed ? Message : $"{Denial}: {Message}";
}
