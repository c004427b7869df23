using System.Collections.Immutable;

namespace BotBottle.Policy;

/// <summary>
/// One egress allowlist entry for one host (PRODUCT.md §3.4). Immutable; the egress engine, the offline check, the
/// supervise plane and the manifest loader all share this model. A route with only <see cref="Host"/> allows every
/// method and path on that host.
/// </summary>
public sealed record EgressRoute
{
    /// <summary>
    /// Exact host name, lower-case, no port, no trailing dot; or a wildcard <c>*.example.com</c> covering every name under
    /// <c>example.com</c> (any depth, not the domain itself; see <see cref="Egress.CompiledEgressPolicy.FindRoute"/>).
    /// Matching is case-insensitive.
    /// </summary>
    public required string Host { get; init; }

    /// <summary>
    /// Destination ports this route allows (1–65535). Empty: the scheme's default port only — 443 for
    /// <c>https</c>, 80 for <c>http</c> (RFC 9110 §4.2). When listed, exactly these ports are allowed, for either scheme.
    /// </summary>
    public ImmutableArray<int> Ports { get; init; } = [];

    /// <summary>Credential the sidecar injects on this route (whatever the agent sent in that header is stripped); <see langword="null"/> for none.</summary>
    public RouteAuth? Auth { get; init; }

    /// <summary>When non-empty, a request must satisfy at least one entry. Empty: any request to the host.</summary>
    public ImmutableArray<RouteMatch> Matches { get; init; } = [];

    /// <summary>DLP settings for this route.</summary>
    public RouteDlp Dlp { get; init; } = RouteDlp.Default;

    /// <summary>Git over HTTPS on this host.</summary>
    public RouteGit Git { get; init; } = RouteGit.Default;

    /// <summary>
    /// <see langword="true"/>: the host may resolve to a private or loopback address (the operator's internal
    /// services, test upstreams). Cloud-metadata addresses stay refused regardless.
    /// </summary>
    public bool AllowPrivate { get; init; }

    /// <summary>The default port of <paramref name="scheme"/>: 443 for <c>https</c> (and <c>wss</c>), 80 otherwise (RFC 9110 §4.2.1–4.2.2).</summary>
    public static int DefaultPort(string scheme) => scheme is "https" or "wss" ? 443 : 80;

    /// <summary>Whether this route allows <paramref name="port"/> for <paramref name="scheme"/>: a listed port, or the scheme's default when none is listed.</summary>
    public bool AllowsPort(string scheme, int port) => Ports.IsDefaultOrEmpty ? port == DefaultPort(scheme) : Ports.Contains(port);

    /// <summary>The ports this route allows, as the operator reads them: <c>443/https, 80/http</c> by default, else the list.</summary>
    public string PortsText => Ports.IsDefaultOrEmpty ? "443 (https), 80 (http)" : string.Join(", ", Ports);

    /// <inheritdoc />
    public override string ToString() => Host;

    /// <inheritdoc />
    public bool Equals(EgressRoute? other) =>
        other is not null
        && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase)
        && Equals(Auth, other.Auth)
        && (Ports.IsDefaultOrEmpty ? other.Ports.IsDefaultOrEmpty : !other.Ports.IsDefaultOrEmpty && Ports.SequenceEqual(other.Ports))
        && Matches.SequenceEqual(other.Matches)
        && Dlp.Equals(other.Dlp)
        && Git.Equals(other.Git)
        && AllowPrivate == other.AllowPrivate;

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Host);
}

/// <summary>How the sidecar authenticates a route's requests upstream.</summary>
public enum AuthScheme
{
    /// <summary><c>Authorization: Bearer &lt;token&gt;</c> (RFC 6750 §2.1).</summary>
    Bearer,

    /// <summary><c>Authorization: token &lt;token&gt;</c> (GitHub's classic form).</summary>
    Token,

    /// <summary><c>Authorization: Basic base64(user ":" secret)</c> (RFC 7617 §2, UTF-8 per §2.1).</summary>
    Basic,

    /// <summary>The secret as the whole value of a named header (e.g. Anthropic's <c>x-api-key</c>).</summary>
    Header,
}

/// <summary>
/// The credential injected on a route. The sidecar removes every field the agent sent under
/// <see cref="HeaderName"/> or under one of the other <see cref="CredentialFields"/> (compared case-insensitively,
/// RFC 9110 §5.1) and adds one field carrying the real value.
/// </summary>
/// <param name="Scheme">How the credential is carried.</param>
/// <param name="TokenRef">
/// Name of the variable holding the token: a secret entry of the bottle's <c>env</c>, or a host environment
/// variable. Its value only ever reaches the sidecar.
/// </param>
public sealed record RouteAuth(AuthScheme Scheme, string TokenRef)
{
    /// <summary>The field name for <see cref="AuthScheme.Header"/> (an RFC 9110 §5.1 token, e.g. <c>x-api-key</c>); <see langword="null"/> for the other schemes.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The user-id for <see cref="AuthScheme.Basic"/> (no <c>:</c>, RFC 7617 §2), the secret being the password;
    /// <see langword="null"/> for the other schemes and when <see cref="Password"/> is given.
    /// </summary>
    public string? User { get; init; }

    /// <summary>
    /// For <see cref="AuthScheme.Basic"/> when the service takes the secret as the user-id: the fixed password sent
    /// after it, often empty (Stripe API reference, "Authentication": "Provide your API key as the basic auth username
    /// value. You do not need to provide a password"; Chargebee: the API key as the user name, empty password) or
    /// <c>X</c> (Freshdesk). Not a secret: the service documents it. <see langword="null"/> when <see cref="User"/> is
    /// given and for the other schemes.
    /// </summary>
    public string? Password { get; init; }

    /// <summary>The header the credential travels in: <see cref="Name"/> for <see cref="AuthScheme.Header"/>, <c>Authorization</c> otherwise.</summary>
    public string HeaderName => Scheme == AuthScheme.Header && Name is { } n ? n : "Authorization";

    /// <summary>
    /// Request fields that carry an API credential at well-known services, dropped from the agent's request on every
    /// route that injects one, whatever <see cref="HeaderName"/> is: otherwise an agent handed someone else's key could
    /// send it next to the injected one and make the service act for that account (an upload to an account the
    /// operator does not own). <c>Authorization</c> (RFC 9110 §11.6.2), <c>Proxy-Authorization</c> (§11.7.2, never
    /// meant for the origin), <c>x-api-key</c> (Anthropic API, "Authentication"), <c>api-key</c> (Azure OpenAI REST
    /// reference), <c>x-goog-api-key</c> (Google Cloud, "Use API keys"), <c>PRIVATE-TOKEN</c> and <c>JOB-TOKEN</c>
    /// (GitLab REST API, "Authentication"), <c>X-Auth-Token</c> (OpenStack Identity API v3). Credentials in the query
    /// (<c>?key=</c>, <c>?access_token=</c>) are not removed: on another service those names mean something else.
    /// </summary>
    public static IReadOnlyList<string> CredentialFields { get; } =
        ["Authorization", "Proxy-Authorization", "x-api-key", "api-key", "x-goog-api-key", "PRIVATE-TOKEN", "JOB-TOKEN", "X-Auth-Token"];

    /// <summary>
    /// Whether a request field named <paramref name="fieldName"/> is dropped on this route: <see cref="HeaderName"/> or
    /// one of <see cref="CredentialFields"/>, in any letter case (RFC 9110 §5.1).
    /// </summary>
    /// <param name="fieldName">A field name as the agent sent it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="fieldName"/> is <see langword="null"/>.</exception>
    public bool DropsField(string fieldName)
    {
        ArgumentNullException.ThrowIfNull(fieldName);
        if (fieldName.Equals(HeaderName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var carrier in CredentialFields)
        {
            if (fieldName.Equals(carrier, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The scheme as the manifest spells it: <c>Bearer</c>, <c>token</c>, <c>basic</c> or <c>header</c>.</summary>
    public string SchemeText => Scheme switch
    {
        AuthScheme.Bearer => "Bearer",
        AuthScheme.Token => "token",
        AuthScheme.Basic => "basic",
        _ => "header",
    };

    /// <summary>The header value that carries <paramref name="secret"/> in this scheme.</summary>
    public string HeaderValue(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Scheme switch
        {
            AuthScheme.Bearer => "Bearer " + secret,
            AuthScheme.Token => "token " + secret,
            AuthScheme.Basic => "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
                Password is { } password ? secret + ":" + password : (User ?? string.Empty) + ":" + secret)),
            _ => secret,
        };
    }

    /// <summary>The credential in one line, names only: <c>Bearer GITHUB_TOKEN</c>, <c>basic ci:REGISTRY_PASSWORD</c>, <c>basic STRIPE_KEY:</c> (the secret as the user-id), <c>header x-api-key ANTHROPIC_API_KEY</c>.</summary>
    public override string ToString() => Scheme switch
    {
        AuthScheme.Basic when Password is { } password => $"basic {TokenRef}:{password}",
        AuthScheme.Basic => $"basic {User}:{TokenRef}",
        AuthScheme.Header => $"header {Name} {TokenRef}",
        _ => $"{SchemeText} {TokenRef}",
    };
}

/// <summary>How a <see cref="ValuePattern"/> compares (named to avoid clashing with <c>System.IO.MatchType</c>).</summary>
public enum PatternKind
{
    /// <summary>Whole-value equality (ordinal).</summary>
    Exact,

    /// <summary>The value starts with the pattern (ordinal).</summary>
    Prefix,

    /// <summary>.NET regular expression, evaluated with <c>RegexOptions.NonBacktracking</c> (linear time; no ReDoS).</summary>
    Regex,
}

/// <summary>A comparison of one string (a path, a header value) against a pattern.</summary>
/// <param name="Type">How to compare.</param>
/// <param name="Value">The pattern.</param>
public sealed record ValuePattern(PatternKind Type, string Value);

/// <summary>A header condition: the header must be present and one of its values must satisfy <paramref name="Value"/>.</summary>
/// <param name="Name">Header name (case-insensitive).</param>
/// <param name="Value">Condition on the value.</param>
public sealed record HeaderMatch(string Name, ValuePattern Value);

/// <summary>
/// One <c>matches</c> entry. Every non-empty part must hold: the path satisfies one of <see cref="Paths"/>, the
/// method is one of <see cref="Methods"/>, and every <see cref="Headers"/> condition holds.
/// </summary>
public sealed record RouteMatch
{
    /// <summary>Path conditions (any one); empty: any path. Paths are compared without the query string.</summary>
    public ImmutableArray<ValuePattern> Paths { get; init; } = [];

    /// <summary>Upper-case methods (any one); empty: any method.</summary>
    public ImmutableArray<string> Methods { get; init; } = [];

    /// <summary>Header conditions (all must hold).</summary>
    public ImmutableArray<HeaderMatch> Headers { get; init; } = [];

    /// <inheritdoc />
    public bool Equals(RouteMatch? other) =>
        other is not null && Paths.SequenceEqual(other.Paths) && Methods.SequenceEqual(other.Methods) && Headers.SequenceEqual(other.Headers);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Paths.Length, Methods.Length, Headers.Length);
}

/// <summary>Outbound DLP detectors (PRODUCT.md §3.4 <c>dlp.outbound_detectors</c>).</summary>
public enum OutboundDetector
{
    /// <summary>Credential formats in wide use (cloud keys, forge tokens, …) and payment card numbers.</summary>
    TokenPatterns,

    /// <summary>The bottle's own secrets, plain and encoded.</summary>
    KnownSecrets,
}

/// <summary>Inbound (response) detectors (<c>dlp.inbound_detectors</c>).</summary>
public enum InboundDetector
{
    /// <summary>Prompt-injection phrasing in responses.</summary>
    Injection,
}

/// <summary>What happens when outbound DLP finds something (<c>dlp.outbound_on_match</c>).</summary>
public enum DlpAction
{
    /// <summary>Refuse the request with 403.</summary>
    Block,

    /// <summary>Replace each match, rescan, and forward.</summary>
    Redact,

    /// <summary>Hold the request and file an <c>egress-token-allow</c> proposal for the operator.</summary>
    Supervise,
}

/// <summary>A route's DLP settings.</summary>
public sealed record RouteDlp
{
    /// <summary>All outbound detectors, no inbound detectors, supervise on match: the default for a route.</summary>
    public static RouteDlp Default { get; } = new();

    /// <summary>Outbound detectors in force; empty when the manifest says <c>outbound_detectors: false</c>.</summary>
    public ImmutableArray<OutboundDetector> OutboundDetectors { get; init; } = [OutboundDetector.TokenPatterns, OutboundDetector.KnownSecrets];

    /// <summary>Inbound detectors in force; empty by default.</summary>
    public ImmutableArray<InboundDetector> InboundDetectors { get; init; } = [];

    /// <summary>Action on an outbound finding. Default <see cref="DlpAction.Supervise"/>; provider model-API routes use <see cref="DlpAction.Redact"/>.</summary>
    public DlpAction OutboundOnMatch { get; init; } = DlpAction.Supervise;

    /// <inheritdoc />
    public bool Equals(RouteDlp? other) =>
        other is not null && OutboundDetectors.SequenceEqual(other.OutboundDetectors) && InboundDetectors.SequenceEqual(other.InboundDetectors) && OutboundOnMatch == other.OutboundOnMatch;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(OutboundDetectors.Length, InboundDetectors.Length, OutboundOnMatch);
}

/// <summary>A route's git-over-HTTPS settings.</summary>
/// <param name="Fetch"><see langword="true"/>: clone/fetch (<c>git-upload-pack</c>) is allowed. Push (<c>git-receive-pack</c>) over HTTPS is always refused.</param>
public sealed record RouteGit(bool Fetch)
{
    /// <summary>Fetch not allowed.</summary>
    public static RouteGit Default { get; } = new(false);
}

/// <summary>How much the egress proxy logs (<c>egress.log</c>).</summary>
public enum EgressLogLevel
{
    /// <summary>0: nothing.</summary>
    Off = 0,

    /// <summary>1: blocked requests.</summary>
    Blocked = 1,

    /// <summary>2: every request and response (after auth injection, secrets redacted).</summary>
    All = 2,
}

/// <summary>A complete egress policy: the route table and the log level. The content of a routes file.</summary>
/// <param name="Routes">Routes, at most one per host.</param>
/// <param name="Log">Log level.</param>
public sealed record EgressPolicy(ImmutableArray<EgressRoute> Routes, EgressLogLevel Log = EgressLogLevel.Blocked)
{
    /// <summary>The policy that allows nothing.</summary>
    public static EgressPolicy DenyAll { get; } = new([]);

    /// <inheritdoc />
    public bool Equals(EgressPolicy? other) => other is not null && Log == other.Log && Routes.SequenceEqual(other.Routes);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Routes.Length, Log);
}
