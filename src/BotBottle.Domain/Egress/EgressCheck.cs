using System.Globalization;
using System.Text;
using BotBottle.Dlp;
using BotBottle.Errors;
using BotBottle.Policy;

namespace BotBottle.Egress;

/// <summary>A request to evaluate offline.</summary>
public sealed record EgressCheckRequest
{
    /// <summary>HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>Absolute <c>http://</c> or <c>https://</c> URL.</summary>
    public required string Url { get; init; }

    /// <summary>Header lines as name/value pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The body bytes.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }
}

/// <summary>
/// The offline egress check (PRODUCT.md §8.3): one request against a policy with the same engine the sidecar runs —
/// <see cref="CompiledEgressPolicy.Evaluate(EgressRequest)"/> (host checks, routes, ports, the <c>Host</c> header,
/// path normalisation, git over HTTPS, <c>matches</c> with method overrides), then DLP with the route's detectors
/// and action on the request as the proxy would forward it. It does
/// not resolve names (it is offline), so address checks (private, metadata) are the sidecar's alone.
/// </summary>
public static class EgressCheck
{
    /// <summary>The proxy's default limit on a decoded request body (bytes); the check refuses past it as the proxy does.</summary>
    public const long MaxDecodedBodyBytes = 32L * 1024 * 1024;

    /// <summary>Evaluates <paramref name="request"/>.</summary>
    /// <exception cref="BotBottleException"><c>InvalidRequest</c> for a URL that is not absolute http(s), or a bad method or header.</exception>
    public static EgressVerdict Evaluate(CompiledEgressPolicy policy, EgressInspector inspector, EgressCheckRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(inspector);
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Method) || !request.Method.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
        {
            throw Invalid($"'{request.Method}' is not an HTTP method.");
        }

        foreach (var (name, value) in request.Headers)
        {
            if (string.IsNullOrEmpty(name) || name.Any(c => c <= ' ' || c == ':' || c >= 0x7f) || value.Any(c => c is '\r' or '\n' or '\0'))
            {
                throw Invalid($"the header '{name}' is not a valid header line.");
            }
        }

        var (scheme, host, port, pathAndQuery, userInfo, fragment) = ParseUrl(request.Url);
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        var query = q < 0 ? string.Empty : pathAndQuery[(q + 1)..];
        var decision = policy.Evaluate(new EgressRequest(request.Method.ToUpperInvariant(), scheme, host, port, path, query, EgressRequest.ForwardedFields(request.Headers)));
        if (!decision.Allowed)
        {
            var location = decision.Denial switch
            {
                EgressDenial.NoMatch or EgressDenial.GitPush or EgressDenial.GitFetchNotAllowed or EgressDenial.InvalidPath or EgressDenial.CredentialNeedsTls or EgressDenial.TraceWithCredential or EgressDenial.DnsOverHttps => "url",
                EgressDenial.HostMismatch => "header:Host",
                EgressDenial.UnregisteredMethod => "method",
                EgressDenial.PortNotAllowed => "port",
                _ => "host",
            };
            return new EgressVerdict(EgressVerdictKind.Block, [new EgressReason("policy", decision.Denial!.Value.ToString(), location, decision.Message)]);
        }

        var headers = request.Headers;
        if (userInfo.Length > 0)
        {
            // Credentials in the URL: the token rules see the URL as written (url-credentials), and the client would
            // send them as Basic auth, so DLP sees that header too (known secrets inside it).
            var urlFindings = new List<DlpFinding>();
            inspector.Dlp.Scan(request.Url, new DlpLocation(DlpLocationKind.Path), DlpDetectors.TokenPatterns, urlFindings);
            if (urlFindings.Count > 0 && decision.Route!.Dlp.OutboundDetectors.Contains(OutboundDetector.TokenPatterns))
            {
                return new EgressVerdict(EgressVerdictKind.Block, [.. urlFindings.Select(f => new EgressReason(f.Detector, f.RuleId, "url", f.Message))]);
            }

            headers = [.. headers, new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(userInfo))))];
        }

        var body = request.Body;
        if (ContentCodings.Of(headers) is { } codings && body.Length > 0)
        {
            var problem = ContentCodings.TryDecode(body, codings, MaxDecodedBodyBytes, out var decoded, out var codingError);
            if (problem != ContentCodingProblem.None)
            {
                return new EgressVerdict(EgressVerdictKind.Block, [new EgressReason("policy", problem == ContentCodingProblem.TooLarge ? "BodyTooLarge" : "UnsupportedContentEncoding", "header:Content-Encoding",
                    problem == ContentCodingProblem.TooLarge ? $"the body decodes to more than {MaxDecodedBodyBytes} bytes (the proxy answers 413)" : $"'{codings}' cannot be undone for inspection ({codingError}; the proxy answers 415)")]);
            }

            body = decoded;
            headers = ContentCodings.Without(headers);
        }

        var contentType = headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        var dlpRequest = new DlpRequest
        {
            Method = request.Method.ToUpperInvariant(),
            Host = port == (scheme == "https" ? 443 : 80) ? host : $"{host}:{port.ToString(CultureInfo.InvariantCulture)}",
            // What the proxy forwards; a fragment is not part of the request target a conforming client sends (RFC 9110
            // §4.2.4), but a client that writes the URL as given into the request line sends it, so DLP reads it too.
            PathAndQuery = decision.Path + (q < 0 ? string.Empty : "?" + query) + fragment,
            Headers = headers,
            Body = body,
            ContentType = contentType,
        };
        return inspector.InspectRequest(dlpRequest, decision.Route!);
    }

    private static (string Scheme, string Host, int Port, string PathAndQuery, string UserInfo, string Fragment) ParseUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid($"'{url}' is not an absolute http:// or https:// URL.");
        }

        // Keep the path and query exactly as written (Uri would unescape some characters).
        var afterScheme = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var slash = afterScheme.IndexOfAny(['/', '?', '#']);
        var rest = slash < 0 ? "/" : afterScheme[slash..];
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        var fragment = string.Empty;
        if (hash >= 0)
        {
            fragment = rest[hash..];
            rest = rest[..hash];
        }

        if (rest.StartsWith('?'))
        {
            rest = "/" + rest;
        }

        return (uri.Scheme, uri.IdnHost.Trim('[', ']'), uri.Port, rest, uri.UserInfo, fragment);
    }

    private static BotBottleException Invalid(string message) =>
        new("InvalidRequest", BotBottleErrorCategory.InvalidArgument, "The request to check is invalid: " + message);
}
