using System.Globalization;
using System.Text;
using BotBottle.Sidecar.Http;

namespace BotBottle.Sidecar.Egress;

/// <summary>Responses the proxy itself writes: refusals the agent can read and act on, and protocol errors.</summary>
internal static class Responses
{
    /// <summary>Header naming the decision: <c>block</c>, <c>supervise</c>.</summary>
    public const string DecisionHeader = "X-BotBottle-Decision";

    /// <summary>Header naming the reason code (<c>NoRoute</c>, <c>IpLiteral</c>, <c>Dlp</c>…).</summary>
    public const string ReasonHeader = "X-BotBottle-Reason";

    /// <summary>
    /// A 403 refusal. The body says what was refused and why, and how to ask for access (an <c>egress-allow</c>
    /// proposal through the supervise MCP server); the <see cref="DecisionHeader"/> and <see cref="ReasonHeader"/>
    /// headers say the same for programs.
    /// </summary>
    public static Task WriteRefusalAsync(Stream stream, string method, string target, string reason, string message,
        IReadOnlyList<(string Detector, string Rule, string Location, string Message)> details, bool close, CancellationToken ct, string decision = "block")
    {
        var sb = new StringBuilder();
        sb.Append("BotBottle egress refused ").Append(method).Append(' ').Append(target).Append(": ").Append(message).Append('\n');
        sb.Append("Reason: ").Append(reason).Append('\n');
        foreach (var d in details)
        {
            sb.Append("  - ").Append(d.Detector).Append('/').Append(d.Rule).Append(" at ").Append(d.Location).Append(": ").Append(d.Message).Append('\n');
        }

        sb.Append(reason is "Dlp"
            ? "If this data is safe to send (for example a test fixture), the operator can allow it; otherwise remove it from the request.\n"
            : "If your task needs this access, file an egress-allow proposal with the route you need and a justification, using the MCP tool 'egress-allow' on the supervise server at $BOT_BOTTLE_SUPERVISE_URL. The operator approves or denies it.\n");
        return WriteAsync(stream, 403, "Forbidden", "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(sb.ToString()),
            [(DecisionHeader, decision), (ReasonHeader, reason)], close, ct);
    }

    public static Task WriteErrorAsync(Stream stream, int status, string reasonPhrase, string message, bool close, CancellationToken ct) =>
        WriteAsync(stream, status, reasonPhrase, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes($"BotBottle egress proxy: {message}\n"), [(ReasonHeader, "ProxyError")], close, ct);

    public static async Task WriteAsync(Stream stream, int status, string reasonPhrase, string contentType, byte[] body, IEnumerable<(string Name, string Value)> headers, bool close, CancellationToken ct)
    {
        using var b = new HeadBuilder();
        b.Append("HTTP/1.1 ").Append(status).Append(" ").Line(reasonPhrase);
        b.Header("Content-Type", contentType);
        b.Header("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture));
        b.Header("Cache-Control", "no-store");
        foreach (var (n, v) in headers)
        {
            b.Header(n, v);
        }

        if (close)
        {
            b.Header("Connection", "close");
        }

        b.Crlf();
        try
        {
            await b.WriteToAsync(stream, ct).ConfigureAwait(false);
            await stream.WriteAsync(body, ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The client is gone.
        }
    }

    public static string Reason(int status) => status switch
    {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        417 => "Expectation Failed",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };
}
