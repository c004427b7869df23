namespace BotBottle.Egress;

/// <summary>
/// The HTTP methods egress forwards without a route naming them: the methods of the IANA "Hypertext Transfer Protocol
/// (HTTP) Method Registry" (https://www.iana.org/assignments/http-methods) — RFC 9110 §9.3's eight, PATCH (RFC 5789)
/// and the WebDAV/DeltaV/CalDAV/binding methods RFC 7237 §3 registered — except <c>PRI</c>, which only names the
/// HTTP/2 connection preface (RFC 9113 §3.4) and is never a request. Any other token is a method of the sender's own
/// making: its name reaches the upstream's request line, which the DLP engine does not read, so an agent could carry a
/// secret out as <c>curl -X &lt;secret&gt;</c> (red team, 5 December 2026). Such a method is refused unless a route's
/// <c>matches</c> names it (<see cref="EgressDenial.UnregisteredMethod"/>).
/// </summary>
public static class HttpMethods
{
    /// <summary>
    /// Whether <paramref name="method"/> is a registered method. Compared without regard to case: the policy judges
    /// methods upper-cased, as it matches them against routes (methods are case-sensitive on the wire, RFC 9110 §9.1,
    /// but no registered method differs from another only by case).
    /// </summary>
    /// <param name="method">The method as sent.</param>
    /// <returns><see langword="true"/> for a registered method.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> is null.</exception>
    public static bool IsRegistered(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Length is < 3 or > 17)
        {
            return false;
        }

        if (!method.AsSpan().ContainsAnyInRange('a', 'z'))
        {
            return IsRegisteredUpper(method); // as sent: no copy on the proxy's hot path
        }

        Span<char> upper = stackalloc char[17];
        int n = method.AsSpan().ToUpperInvariant(upper);
        return n == method.Length && IsRegisteredUpper(upper[..n]);
    }

    private static bool IsRegisteredUpper(ReadOnlySpan<char> method) => method switch
    {
        "GET" or "HEAD" or "POST" or "PUT" or "DELETE" or "CONNECT" or "OPTIONS" or "TRACE" or "PATCH" => true,
        "ACL" or "BASELINE-CONTROL" or "BIND" or "CHECKIN" or "CHECKOUT" or "COPY" or "LABEL" or "LINK" or "LOCK"
            or "MERGE" or "MKACTIVITY" or "MKCALENDAR" or "MKCOL" or "MKREDIRECTREF" or "MKWORKSPACE" or "MOVE"
            or "ORDERPATCH" or "PROPFIND" or "PROPPATCH" or "REBIND" or "REPORT" or "SEARCH" or "UNBIND"
            or "UNCHECKOUT" or "UNLINK" or "UNLOCK" or "UPDATE" or "UPDATEREDIRECTREF" or "VERSION-CONTROL" => true,
        _ => false,
    };

    /// <summary>
    /// The method as a log may show it: a registered method as sent; any other as <c>[unregistered, N chars]</c>, since
    /// a method of the sender's making can be the secret itself.
    /// </summary>
    /// <param name="method">The method as sent.</param>
    /// <returns>The text to log.</returns>
    public static string ForLog(string method) =>
        method is null ? string.Empty : IsRegistered(method) ? method : $"[unregistered, {method.Length} chars]";
}
