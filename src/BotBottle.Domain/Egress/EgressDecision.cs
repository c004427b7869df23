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

    /// <summary>
    /// The request's <c>Host</c> header names another authority than its target (the absolute-form URL, or the
    /// CONNECT tunnel), or the request carries more than one <c>Host</c> header (RFC 9112 §3.2): no domain fronting.
    /// </summary>
    HostMismatch,

    /// <summary>The destination port is not one the route allows (443 for https and 80 for http unless the route lists <c>ports</c>).</summary>
    PortNotAllowed,

    /// <summary>
    /// The path cannot be matched safely against the route's path rules: an encoded <c>/</c> or <c>\</c>, a
    /// malformed or NUL escape, or a dot segment with parameters (<c>..;</c>).
    /// </summary>
    InvalidPath,

    /// <summary>
    /// The route injects a credential (<c>auth</c>) and the request is plain <c>http://</c>: the sidecar never sends a
    /// credential in clear text, so such a request is refused before anything is sent. Use <c>https://</c>.
    /// </summary>
    CredentialNeedsTls,

    /// <summary>
    /// A <c>TRACE</c> (or IIS's <c>TRACK</c>) on a route that injects a credential, sent as the method or named by a
    /// method-override header: the server answers with the request as it received it (RFC 9110 §9.3.8), which would hand
    /// the injected credential to the agent. RFC 9110 §9.3.8 asks clients not to send credentials in a TRACE; the
    /// sidecar refuses the request instead of sending it without one.
    /// </summary>
    TraceWithCredential,

    /// <summary>
    /// A DNS-over-HTTPS query (RFC 8484: a <c>dns</c> query parameter holding a DNS message, or an
    /// <c>application/dns-message</c> body or <c>Accept</c>; the JSON APIs' <c>application/dns-json</c> and
    /// <c>/resolve?name=</c> / <c>/dns-query?name=</c>): always refused, whatever the route (PRODUCT.md §1.1), because a
    /// resolver outside the bottle is a channel for data (the query names) and for bypassing policy decisions made on names.
    /// </summary>
    DnsOverHttps,

    /// <summary>
    /// The upstream's TLS certificate failed validation (an untrusted issuer, or a certificate that does not name the
    /// host): nothing, and no credential, is sent to it.
    /// </summary>
    UpstreamNotTrusted,

    /// <summary>
    /// The method (as sent, or named by a method-override header) is not in the IANA HTTP Method Registry
    /// (<see cref="HttpMethods"/>) and no <c>matches</c> entry of the route names it: the method's name is a channel for
    /// data the DLP engine does not read. Refused before anything is sent; the log shows such a method only by its length.
    /// </summary>
    UnregisteredMethod,
}

/// <summary>
/// The parts of a request the egress policy judges (PRODUCT.md §3.4, §6.1), the same for the proxy and the offline check.
/// </summary>
/// <param name="Method">Request method, as sent.</param>
/// <param name="Scheme"><c>https</c> or <c>http</c>.</param>
/// <param name="Host">The target's host (no port), as sent.</param>
/// <param name="Port">The target's port (the scheme's default when the target names none).</param>
/// <param name="Path">The target's path without the query, as sent (percent-encoded).</param>
/// <param name="Query">The query without <c>?</c>, or empty.</param>
/// <param name="Headers">Request header fields in wire order (names may repeat).</param>
public sealed record EgressRequest(string Method, string Scheme, string Host, int Port, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>
    /// Header fields that ask a server to treat the request as another method (Google, Microsoft and Rails
    /// conventions); the policy judges a request carrying them as every method they name.
    /// </summary>
    public static readonly IReadOnlyList<string> MethodOverrideHeaders = ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];

    /// <summary>
    /// Hop-by-hop fields the proxy never forwards (RFC 9110 §7.6.1, with <c>Proxy-Connection</c>,
    /// <c>Proxy-Authorization</c> and <c>Proxy-Authenticate</c>), besides the names a <c>Connection</c> field lists.
    /// <c>Connection</c> and <c>Upgrade</c> are not among them: the proxy writes them again on a WebSocket upgrade, the
    /// only upgrade it forwards (any other is refused).
    /// </summary>
    public static readonly IReadOnlyList<string> HopByHopFields = ["Proxy-Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Proxy-Authorization", "Proxy-Authenticate"];

    /// <summary>
    /// Whether <paramref name="name"/> is one of <see cref="HopByHopFields"/>, in any letter case. The names have seven
    /// different lengths, so a field is compared with at most one of them (the proxy asks this for every field of
    /// every request, twice: once for the policy and once when it writes the upstream head).
    /// </summary>
    /// <param name="name">A header field name.</param>
    /// <returns><see langword="true"/> for a hop-by-hop field of that list (not for <c>Connection</c>, <c>Upgrade</c> or names a <c>Connection</c> field lists).</returns>
    public static bool IsHopByHopField(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var candidate = name.Length switch
        {
            2 => "TE",
            7 => "Trailer",
            10 => "Keep-Alive",
            16 => "Proxy-Connection",
            17 => "Transfer-Encoding",
            18 => "Proxy-Authenticate",
            19 => "Proxy-Authorization",
            _ => null,
        };
        return candidate is not null && candidate.Equals(name, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The fields of <paramref name="headers"/> that the proxy forwards, which are the ones the policy judges: without the
    /// <see cref="HopByHopFields"/> and without every field a <c>Connection</c> (or <c>Proxy-Connection</c>) field names
    /// (comma-separated, any letter case; <c>Upgrade</c> excepted, see <see cref="HopByHopFields"/>). A route's header
    /// condition must hold for what the upstream receives, not for a field the proxy drops after the decision.
    /// </summary>
    /// <param name="headers">Request header fields in wire order.</param>
    /// <returns><paramref name="headers"/> itself when it holds no field to leave out (no copy), else a filtered copy.</returns>
    public static IReadOnlyList<KeyValuePair<string, string>> ForwardedFields(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        // One walk finds both the names a Connection field lists and whether any listed hop-by-hop field is present; a
        // second walk (the copy) happens only when something is left out.
        List<string>? named = null;
        var dropsListed = false;
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            dropsListed |= IsHopByHopField(name);
            if ((name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase))
                && !value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) && !value.Equals("close", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var token in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!token.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
                    {
                        (named ??= []).Add(token);
                    }
                }
            }
        }

        if (!dropsListed && named is null)
        {
            return headers;
        }

        for (var i = 0; i < headers.Count; i++)
        {
            if (Dropped(headers[i].Key, named))
            {
                return [.. headers.Where(h => !Dropped(h.Key, named))];
            }
        }

        return headers;

        static bool Dropped(string name, List<string>? named) => IsHopByHopField(name) || (named is not null && IsListed(named, name));

        static bool IsListed(List<string> names, string name)
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i].Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>The policy verdict on a request line and headers (before DLP).</summary>
public sealed record EgressDecision
{
    private EgressDecision(EgressRoute? route, EgressDenial? denial, string? message, string? path = null)
    {
        Route = route;
        Denial = denial;
        _message = message;
        Path = path;
    }

    /// <summary>The refusal's message; <see langword="null"/> for an allow, whose message is built only when read (not per request).</summary>
    private readonly string? _message;

    /// <summary>For an allowed request: the normalised path the rules matched (RFC 3986 §5.2.4), which is what the proxy forwards.</summary>
    public string? Path { get; }

    /// <summary>The route that allows the request, when allowed.</summary>
    public EgressRoute? Route { get; }

    /// <summary>Why it was refused, when refused.</summary>
    public EgressDenial? Denial { get; }

    /// <summary><see langword="true"/> when a route allows the request.</summary>
    public bool Allowed => Denial is null;

    /// <summary>Human-readable explanation, safe to show the agent (no secret values).</summary>
    public string Message => _message ?? $"allowed by the route for {Route!.Host}";

    /// <summary>An allow decision.</summary>
    /// <param name="route">The route that allows it.</param>
    /// <param name="path">The normalised path to forward (see <see cref="Path"/>).</param>
    public static EgressDecision Allow(EgressRoute route, string? path = null) => new(route ?? throw new ArgumentNullException(nameof(route)), null, null, path);

    /// <summary>A refusal.</summary>
    public static EgressDecision Deny(EgressDenial denial, string message, EgressRoute? route = null) => new(route, denial, message);

    /// <inheritdoc />
    public override string ToString() => Allowed ? Message : $"{Denial}: {Message}";
}
