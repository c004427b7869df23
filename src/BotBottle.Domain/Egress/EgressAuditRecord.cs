using System.Text.Json;
using BotBottle.Serialization;

namespace BotBottle.Egress;

/// <summary>
/// One request the egress proxy refused or rewrote, as the sidecar appends it (one JSON object per line) to
/// <c>audit/egress.jsonl</c> in the bottle's state folder (<see cref="Backends.SidecarContract.EgressAuditFile"/>) and
/// the host imports it into the audit log (idempotent by <see cref="Id"/>): <c>egress-blocked</c> for a
/// <c>block</c> or <c>supervise</c> refusal, <c>egress-redacted</c> for a request forwarded with findings redacted.
/// Carries the method, host, port, the path without its query (already redacted where DLP found something in it)
/// and each reason's detector, rule id and location; never a header value, a query string, a body or a secret.
/// The file is written whatever <c>egress.log</c> says: that level governs the container log, not the audit.
/// </summary>
/// <param name="Id">Unique id of the record (the host imports each id once).</param>
/// <param name="At">When the proxy decided (UTC).</param>
/// <param name="Decision"><c>block</c>, <c>supervise</c> or <c>redact</c>.</param>
/// <param name="Method">HTTP method, <c>CONNECT</c>, or <c>WS</c> for a WebSocket message.</param>
/// <param name="Scheme"><c>http</c>, <c>https</c> or <c>wss</c>.</param>
/// <param name="Host">The requested host (as the agent named it).</param>
/// <param name="Port">The requested port; 0 when not known.</param>
/// <param name="Path">The path without the query, redacted where DLP found something in it.</param>
/// <param name="HasQuery">Whether the request had a query string (never recorded itself).</param>
/// <param name="Status">The status the agent got (403, or 1008 for a closed WebSocket); the upstream's status for <c>redact</c>.</param>
/// <param name="Reasons">Each reason as <c>detector/rule at location</c>.</param>
public sealed record EgressAuditRecord(string Id, DateTimeOffset At, string Decision, string Method, string Scheme, string Host, int Port, string Path, bool HasQuery, int Status, IReadOnlyList<string> Reasons)
{
    /// <summary>The audit event of a refusal (<c>block</c>, <c>supervise</c>): <c>egress-blocked</c>.</summary>
    public const string BlockedEvent = "egress-blocked";

    /// <summary>The audit event of a redacted request: <c>egress-redacted</c>.</summary>
    public const string RedactedEvent = "egress-redacted";

    /// <summary>The audit event name for this record's <see cref="Decision"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string AuditEvent => Decision == "redact" ? RedactedEvent : BlockedEvent;

    /// <summary>The audit detail line: <c>block GET https://host:port/path?… → 403: detector/rule at location; …</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string AuditDetail
    {
        get
        {
            var port = Port == 0 || (Port == 443 && Scheme is "https" or "wss") || (Port == 80 && Scheme == "http") ? string.Empty : $":{Port}";
            var target = Method == "CONNECT" ? $"{Host}:{Port}" : $"{Scheme}://{Host}{port}{Path}{(HasQuery ? "?…" : string.Empty)}";
            return $"{Decision} {Method} {target} → {Status}{(Reasons.Count == 0 ? string.Empty : ": " + string.Join("; ", Reasons))}";
        }
    }

    /// <summary>One JSON line (no line feed inside).</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, EgressAuditJsonContext.Default.EgressAuditRecord);

    /// <summary>Parses one line; <see langword="null"/> when it is not a complete record (e.g. a line still being written, or a damaged one).</summary>
    public static EgressAuditRecord? TryParse(string line) => JsonLines.TryParse(line, EgressAuditJsonContext.Default.EgressAuditRecord,
        r => r is { Id.Length: > 0, Decision: not null, Method: not null, Scheme: not null, Host: not null, Path: not null, Reasons: not null });

    /// <inheritdoc />
    public override string ToString() => AuditDetail;
}

/// <summary>Source-generated JSON for <see cref="EgressAuditRecord"/> lines: camelCase, one line per object.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[System.Text.Json.Serialization.JsonSerializable(typeof(EgressAuditRecord))]
internal sealed partial class EgressAuditJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
