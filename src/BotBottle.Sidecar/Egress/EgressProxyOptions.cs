using System.Net;

namespace BotBottle.Sidecar.Egress;

/// <summary>Settings of the egress proxy. Sizes in bytes, times as <see cref="TimeSpan"/>.</summary>
internal sealed record EgressProxyOptions
{
    /// <summary>Addresses to listen on (the bottle-internal address of the sidecar).</summary>
    public required IReadOnlyList<IPEndPoint> Listen { get; init; }

    /// <summary>Folder with the bottle CA (<c>ca.crt</c>, <c>ca.key</c>).</summary>
    public required string CaDirectory { get; init; }

    /// <summary>PEM bundles of extra CAs trusted for upstream TLS, on top of the system store (corporate proxies, test upstreams).</summary>
    public IReadOnlyList<string> UpstreamCaFiles { get; init; } = [];

    /// <summary>Static name → address overrides (like curl's <c>--resolve</c>); checked before DNS. The address policy still applies.</summary>
    public IReadOnlyDictionary<string, IPAddress[]> ResolveOverrides { get; init; } = new Dictionary<string, IPAddress[]>();

    /// <summary>Values for <c>auth.token_ref</c> names and the bottle's known secrets, by name.</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>Client connections served at once; more are answered 503 and closed.</summary>
    public int MaxConnections { get; init; } = 512;

    /// <summary>Largest request or response head.</summary>
    public int MaxHeadBytes { get; init; } = 64 * 1024;

    /// <summary>Largest request body the proxy buffers for inspection; bigger ones get 413.</summary>
    public long MaxBodyBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest request body after its content codings are undone (DLP scans the decoded body); bigger ones get 413.</summary>
    public long MaxDecodedBodyBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// Request-body bytes all connections together may hold at once (declared lengths count as soon as a request is
    /// allowed); a request that would exceed it gets 503, so a flood fails the agent's own requests instead of
    /// exhausting the sidecar's memory.
    /// </summary>
    public long BodyBudgetBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest response body buffered for inbound (injection) scanning; bigger ones are refused on routes that scan responses.</summary>
    public long MaxInspectedResponseBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Time a client has to send a complete request head (slowloris guard).</summary>
    public TimeSpan HeadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest silence on a client connection between requests, or within a body.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Upstream TCP+TLS connect limit.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait for an upstream's response head (model APIs can think for minutes).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Idle upstream connections are closed after this long.</summary>
    public TimeSpan UpstreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Idle upstream connections kept per host:port.</summary>
    public int MaxIdlePerUpstream { get; init; } = 32;
}
