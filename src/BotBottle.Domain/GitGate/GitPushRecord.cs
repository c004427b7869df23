using System.Text.Json;
using BotBottle.Serialization;

namespace BotBottle.GitGate;

/// <summary>The git gate's verdict on one push.</summary>
public static class GitPushVerdict
{
    /// <summary>Scanned clean (or every inline-allowed finding approved), forwarded upstream, accepted locally.</summary>
    public const string Accepted = "accepted";

    /// <summary>Refused by the scan, by the operator (denied / expired <c>gitleaks-allow</c>) or by the upstream; nothing changed upstream.</summary>
    public const string Rejected = "rejected";
}

/// <summary>
/// One push decision of a bottle's git gate, as the sidecar appends it (one JSON object per line) to
/// <c>audit/git-push.jsonl</c> in the bottle's state folder and the host imports it into the audit log as a
/// <c>git-push</c> entry (idempotent by <see cref="Id"/>). Carries ref names, object names, rule ids and redacted
/// excerpts; never a secret.
/// </summary>
/// <param name="Id">Unique id of the decision (the host imports each id once).</param>
/// <param name="At">When the gate decided (UTC).</param>
/// <param name="Repository">The <c>git-gate.repos</c> key.</param>
/// <param name="Refs">Each ref update: <c>refs/heads/main 1a2b3c4d5e6f→7a8b9c0d1e2f</c>, <c>(new)</c> or <c>(deleted)</c>.</param>
/// <param name="Commits">Full object names of the commits the push introduced (what was scanned).</param>
/// <param name="Verdict"><see cref="GitPushVerdict.Accepted"/> or <see cref="GitPushVerdict.Rejected"/>.</param>
/// <param name="Detail">Why: findings as <c>file:line rule</c>, proposal ids and decisions, or the upstream's refusal.</param>
public sealed record GitPushRecord(string Id, DateTimeOffset At, string Repository, IReadOnlyList<string> Refs, IReadOnlyList<string> Commits, string Verdict, string Detail)
{
    /// <summary>The audit event name: <c>git-push</c>.</summary>
    public const string AuditEvent = "git-push";

    /// <summary>The audit detail line: <c>repo: verdict refs …; N commit(s) scanned; detail</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string AuditDetail => $"{Repository}: {Verdict} {string.Join(", ", Refs)}; {Commits.Count} commit(s) scanned{(Commits.Count == 0 ? string.Empty : $" ({string.Join(" ", Commits.Take(20).Select(c => c.Length > 12 ? c[..12] : c))}{(Commits.Count > 20 ? " …" : string.Empty)})")}; {Detail}";

    /// <summary>One JSON line (no line feed inside).</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, CompactJsonContext.Default.GitPushRecord);

    /// <summary>Parses one line; <see langword="null"/> when it is not a complete record (e.g. a line still being written).</summary>
    public static GitPushRecord? TryParse(string line) => JsonLines.TryParse(line, CompactJsonContext.Default.GitPushRecord,
        r => r is { Id.Length: > 0, Repository: not null, Verdict: not null, Refs: not null, Commits: not null, Detail: not null });

    /// <inheritdoc />
    public override string ToString() => AuditDetail;
}

/// <summary>Source-generated JSON for the git gate's line-oriented files: camelCase, one line per object.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[System.Text.Json.Serialization.JsonSerializable(typeof(GitPushRecord))]
internal sealed partial class CompactJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
