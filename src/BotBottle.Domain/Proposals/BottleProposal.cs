using System.Text.Json;
using System.Text.Json.Serialization;
using BotBottle.Serialization;

namespace BotBottle.Proposals;

/// <summary>What a proposal asks for (PRODUCT.md §7). Wire names are kebab-case: <c>egress-allow</c>, …</summary>
[JsonConverter(typeof(ProposalKindConverter))]
public enum ProposalKind
{
    /// <summary>The agent asks for routes (a new host, or more of a host), through the MCP tool.</summary>
    EgressAllow,

    /// <summary>The sidecar holds a request whose DLP finding the operator may approve as safe for the life of the bottle.</summary>
    EgressTokenAllow,

    /// <summary>The git gate holds a push whose flagged line carries an inline allow marker and still needs a human yes.</summary>
    GitleaksAllow,
}

/// <summary>Where a proposal is in its life. Only <see cref="Pending"/> can change, exactly once.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<ProposalState>))]
public enum ProposalState
{
    /// <summary>Waiting for the operator.</summary>
    Pending,

    /// <summary>Approved as filed.</summary>
    Approved,

    /// <summary>Approved with a payload the operator changed.</summary>
    Modified,

    /// <summary>Refused, with a reason.</summary>
    Denied,

    /// <summary>Nobody decided before the filer stopped waiting; the request or push it held was refused.</summary>
    Expired,
}

/// <summary>
/// A request for the operator to change policy, with its whole history: what was asked and why, when, who decided
/// what and why, and — for egress kinds — the route table before and after. Stored durably in the host's SQLite
/// database; decided proposals stay queryable (audit).
/// </summary>
public sealed record BottleProposal
{
    /// <summary>Unique id: <c>&lt;slug&gt;-&lt;13 base36&gt;</c>, time-ordered.</summary>
    public required string Id { get; init; }

    /// <summary>The bottle (slug).</summary>
    public required string BottleName { get; init; }

    /// <summary>The kind.</summary>
    public required ProposalKind Kind { get; init; }

    /// <summary>The state.</summary>
    public ProposalState State { get; init; } = ProposalState.Pending;

    /// <summary>The request, JSON: for <c>egress-allow</c> <c>{"routes": "&lt;routes YAML&gt;"}</c>; for the held kinds what was held (never the secret itself, only a redacted excerpt and a fingerprint).</summary>
    public required string Payload { get; init; }

    /// <summary>One line saying what is asked, e.g. <c>allow api.example.com (GET /v1/…)</c>.</summary>
    public required string Summary { get; init; }

    /// <summary>Why the filer needs it.</summary>
    public required string Justification { get; init; }

    /// <summary>When it was filed (UTC).</summary>
    public required DateTimeOffset FiledAt { get; init; }

    /// <summary>When it was decided (UTC).</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Who decided (user@host).</summary>
    public string? Decider { get; init; }

    /// <summary>The decider's reason.</summary>
    public string? Reason { get; init; }

    /// <summary>For <see cref="ProposalState.Modified"/>: the payload as approved.</summary>
    public string? ApprovedPayload { get; init; }

    /// <summary>For egress kinds: the bottle's routes (YAML) before the decision took effect.</summary>
    public string? RoutesBefore { get; init; }

    /// <summary>For egress kinds: the routes (YAML) after it.</summary>
    public string? RoutesAfter { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Id} {ProposalKindConverter.Name(Kind)} {State.ToString().ToLowerInvariant()}: {Summary}";
}

/// <summary>What the host writes back for the sidecar: <c>proposals/decisions/&lt;id&gt;.json</c>.</summary>
/// <param name="Id">Proposal id.</param>
/// <param name="State">Approved, Modified, Denied (or Expired when the host saw the expiry first).</param>
/// <param name="Reason">The decider's reason (the agent reads it as <c>notes</c>).</param>
/// <param name="Decider">Who decided.</param>
/// <param name="DecidedAt">When.</param>
/// <param name="ApprovedPayload">For Modified: the payload as approved.</param>
public sealed record ProposalDecision(string Id, ProposalState State, string? Reason, string? Decider, DateTimeOffset DecidedAt, string? ApprovedPayload);

/// <summary>The <c>egress-allow</c> payload.</summary>
/// <param name="Routes">Proposed routes as a routes file (YAML with a <c>routes:</c> list).</param>
public sealed record EgressAllowPayload(string Routes);

/// <summary>The <c>egress-token-allow</c> payload: what the sidecar held (never the value itself). <paramref name="Fingerprints"/> let an approval match the same values again.</summary>
/// <param name="Host">Destination host.</param>
/// <param name="Method">Request method.</param>
/// <param name="Path">Request path (without the query).</param>
/// <param name="Findings">Each finding: detector/rule at location, with a redacted excerpt.</param>
/// <param name="Fingerprints">SHA-256 fingerprints of the matched values (see <c>DlpFingerprint</c>).</param>
public sealed record TokenAllowPayload(string Host, string Method, string Path, IReadOnlyList<string> Findings, IReadOnlyList<string> Fingerprints);

/// <summary>The <c>gitleaks-allow</c> payload: the flagged line of a held push.</summary>
public sealed record GitleaksAllowPayload(string Repository, string Ref, string Commit, string File, int Line, string Rule, string Excerpt, string Fingerprint);

/// <summary>Kebab-case names for <see cref="ProposalKind"/>.</summary>
public sealed class ProposalKindConverter : JsonConverter<ProposalKind>
{
    /// <summary>The wire name of a kind.</summary>
    public static string Name(ProposalKind kind) => kind switch
    {
        ProposalKind.EgressAllow => "egress-allow",
        ProposalKind.EgressTokenAllow => "egress-token-allow",
        _ => "gitleaks-allow",
    };

    /// <summary>Parses a wire name (case-insensitive; PascalCase accepted too).</summary>
    public static bool TryParse(string? text, out ProposalKind kind)
    {
        switch (text?.Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant())
        {
            case "egressallow": kind = ProposalKind.EgressAllow; return true;
            case "egresstokenallow": kind = ProposalKind.EgressTokenAllow; return true;
            case "gitleaksallow": kind = ProposalKind.GitleaksAllow; return true;
            default: kind = default; return false;
        }
    }

    /// <inheritdoc />
    public override ProposalKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TryParse(reader.GetString(), out var k) ? k : throw new JsonException($"'{reader.GetString()}' is not a proposal kind");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ProposalKind value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Name(value));
    }
}
