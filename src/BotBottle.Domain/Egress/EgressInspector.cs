using System.Text.Json.Serialization;
using BotBottle.Dlp;
using BotBottle.Policy;
using BotBottle.Serialization;

namespace BotBottle.Egress;

/// <summary>The outcome of an egress decision, as the offline check prints it.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<EgressVerdictKind>))]
public enum EgressVerdictKind
{
    /// <summary>Forwarded unchanged.</summary>
    Allow,

    /// <summary>Refused with 403.</summary>
    Block,

    /// <summary>Forwarded with the matches replaced.</summary>
    Redact,

    /// <summary>Held for the operator (an <c>egress-token-allow</c> proposal).</summary>
    Supervise,
}

/// <summary>One reason behind a verdict.</summary>
/// <param name="Detector"><c>policy</c>, <c>token_patterns</c>, <c>known_secrets</c> or <c>injection</c>.</param>
/// <param name="Rule">The rule: an <see cref="EgressDenial"/> name for policy, a DLP rule id otherwise.</param>
/// <param name="Location">Where: <c>host</c>, <c>url</c>, <c>path</c>, <c>query:name</c>, <c>header:Name</c>, <c>body:$.json.path</c>…</param>
/// <param name="Message">Readable explanation (never the secret itself).</param>
public sealed record EgressReason(string Detector, string Rule, string Location, string Message)
{
    /// <summary>
    /// For DLP reasons, <see cref="DlpFinding.Validated"/>: false when the value has a credential's shape but fails
    /// the format's checksum or is a documented example (still a reason: sending it out is the event). True otherwise.
    /// </summary>
    public bool Validated { get; init; } = true;
}

/// <summary>A verdict with every reason; <see cref="Rewritten"/> is the request to forward for <see cref="EgressVerdictKind.Redact"/>.</summary>
public sealed record EgressVerdict(EgressVerdictKind Verdict, IReadOnlyList<EgressReason> Reasons)
{
    /// <summary>The redacted request (for <see cref="EgressVerdictKind.Redact"/>); not serialized.</summary>
    [JsonIgnore]
    public DlpRequest? Rewritten { get; init; }

    /// <summary>Fingerprints of the findings (for <see cref="EgressVerdictKind.Supervise"/>: what an approval lets through); not serialized.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Fingerprints { get; init; } = [];

    /// <summary>A clean allow.</summary>
    public static EgressVerdict Allowed { get; } = new(EgressVerdictKind.Allow, []);

    /// <inheritdoc />
    public override string ToString() => Reasons.Count == 0 ? Verdict.ToString().ToLowerInvariant() : $"{Verdict.ToString().ToLowerInvariant()}: {string.Join("; ", Reasons.Select(r => $"{r.Detector}/{r.Rule} at {r.Location}"))}";
}

/// <summary>
/// Content inspection for an allowed route — the same code in the sidecar's proxy and in the offline check
/// (<c>Test-BottleEgress</c>, <c>bot-bottle egress check</c>): outbound DLP with the route's detectors and
/// <c>outbound_on_match</c> action, and inbound injection scanning when the route asks for it.
/// Redaction replaces every finding, rescans, and blocks if anything is still found.
/// </summary>
public sealed class EgressInspector(DlpEngine dlp)
{
    /// <summary>The DLP engine (rules and the bottle's known secrets).</summary>
    public DlpEngine Dlp { get; } = dlp ?? throw new ArgumentNullException(nameof(dlp));

    /// <summary>Inspects a request the policy allowed on <paramref name="route"/>. Must run on the request as the agent sent it, before any credential is injected.</summary>
    /// <param name="request">The request as the agent sent it.</param>
    /// <param name="route">The route that allowed it.</param>
    /// <param name="allowed">
    /// Values the operator approved (<c>egress-token-allow</c>), as <see cref="ApprovalKey"/>s: a finding is ignored
    /// only when its fingerprint was approved for this route's host, and only on a route whose policy is
    /// <c>supervise</c> (an approval answers a held request; it never opens a <c>block</c> or <c>redact</c> route).
    /// </param>
    /// <remarks>
    /// Fails closed: if the engine throws on a request (a defect: the agent controls every byte it scans), the request
    /// is blocked with the reason <c>dlp/engine-error</c> (<see cref="EngineFailure"/>) instead of the exception
    /// reaching the proxy, which would drop the connection without a verdict or an audit record.
    /// </remarks>
    public EgressVerdict InspectRequest(DlpRequest request, EgressRoute route, IReadOnlySet<string>? allowed = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(route);
        try
        {
            return InspectRequestCore(request, route, allowed);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return EngineFailure("request", ex);
        }
    }

    /// <summary>
    /// The verdict for a scan the engine could not finish: <see cref="EgressVerdictKind.Block"/> with one reason,
    /// detector <c>dlp</c>, rule <c>engine-error</c>, naming the exception's type (never its message, which could quote
    /// the scanned bytes).
    /// </summary>
    /// <param name="location">What was being scanned: <c>request</c> or <c>response</c>.</param>
    /// <param name="ex">The exception.</param>
    public static EgressVerdict EngineFailure(string location, Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return new EgressVerdict(EgressVerdictKind.Block, [new EgressReason("dlp", "engine-error", location, $"the DLP engine failed on this {location} ({ex.GetType().Name}); blocked rather than let through unscanned")]);
    }

    private EgressVerdict InspectRequestCore(DlpRequest request, EgressRoute route, IReadOnlySet<string>? allowed)
    {
        if (route.Dlp.OutboundOnMatch != DlpAction.Supervise)
        {
            allowed = null;
        }

        var detectors = route.Dlp.OutboundDetectors.ToDlpDetectors();
        if (detectors == DlpDetectors.None)
        {
            return EgressVerdict.Allowed;
        }

        var report = WithoutReplacedAuthorization(Dlp.ScanRequest(request, detectors), route);
        if (report.HasFindings && allowed is { Count: > 0 })
        {
            report = new DlpReport([.. report.Findings.Where(f => !allowed.Contains(ApprovalKey(route.Host, DlpFingerprint.Of(request, f))))]);
        }

        if (!report.HasFindings)
        {
            return EgressVerdict.Allowed;
        }

        var reasons = Reasons(report);
        switch (route.Dlp.OutboundOnMatch)
        {
            case DlpAction.Block:
                return new EgressVerdict(EgressVerdictKind.Block, reasons);
            case DlpAction.Supervise:
                return new EgressVerdict(EgressVerdictKind.Supervise, reasons) { Fingerprints = [.. report.Findings.Select(f => DlpFingerprint.Of(request, f)).Distinct()] };
            default:
                if (report.Findings.Any(f => f.Location.Kind == DlpLocationKind.Host))
                {
                    // A host name cannot be redacted and still mean anything.
                    return new EgressVerdict(EgressVerdictKind.Block, reasons);
                }

                var redacted = Dlp.Redact(request, report);
                var again = WithoutReplacedAuthorization(Dlp.ScanRequest(redacted, detectors), route);
                if (again.HasFindings && allowed is { Count: > 0 })
                {
                    again = new DlpReport([.. again.Findings.Where(f => !allowed.Contains(ApprovalKey(route.Host, DlpFingerprint.Of(redacted, f))))]);
                }

                return again.HasFindings
                    ? new EgressVerdict(EgressVerdictKind.Block, [.. reasons, .. Reasons(again).Select(r => r with { Message = "still present after redaction: " + r.Message })])
                    : new EgressVerdict(EgressVerdictKind.Redact, reasons) { Rewritten = redacted };
        }
    }

    /// <summary>
    /// The key an approved value is kept under: the route's host (lower-case) and the value's fingerprint, so an
    /// approval made for one host never lets the value through to another.
    /// </summary>
    /// <param name="host">The route's host.</param>
    /// <param name="fingerprint">The <see cref="DlpFingerprint"/> of the value.</param>
    public static string ApprovalKey(string host, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(fingerprint);
        return HostName.Normalize(host) + " " + fingerprint;
    }

    /// <summary>
    /// The findings of every detector (the built-in rules and the bottle's known secrets, whatever the route says) in a
    /// refused request's host and path, for the records that keep them: the policy refused the request before any
    /// content scan, and nothing was sent, but its host and path still go to the operator's egress log and audit trail,
    /// where a secret must not land in clear (<c>curl https://unlisted.example/&lt;token&gt;</c>).
    /// </summary>
    /// <param name="host">The host as the request named it.</param>
    /// <param name="path">The path as logged (no query).</param>
    /// <returns>
    /// One reason per finding, location <c>host</c> or <c>path</c> (the query is never logged, so it is not scanned);
    /// empty when neither holds anything. When the engine fails, one <c>dlp/engine-error</c> reason at <c>host</c> and
    /// one at <c>path</c>, so the caller leaves both out (fails closed).
    /// </returns>
    public IReadOnlyList<EgressReason> InspectRefusedTarget(string host, string path)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var report = Dlp.ScanRequest(new DlpRequest { Method = "GET", Host = host, PathAndQuery = path }, DlpDetectors.All);
            return report.HasFindings ? Reasons(report) : [];
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var failed = EngineFailure("host", ex).Reasons[0];
            return [failed, failed with { Location = "path" }];
        }
    }

    /// <summary>Inspects one outbound WebSocket message payload as a body (redaction is not possible inside a framed stream: any finding blocks unless the route allows it).</summary>
    public EgressVerdict InspectMessage(string host, ReadOnlyMemory<byte> payload, EgressRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var v = InspectRequest(new DlpRequest { Method = "WS", Host = host, PathAndQuery = "/", Body = payload }, route);
        return v.Verdict == EgressVerdictKind.Redact ? v with { Verdict = EgressVerdictKind.Block, Rewritten = null } : v;
    }

    /// <summary>Scans a response body for prompt injection when the route asks for it: high confidence blocks, medium is reported with an allow.</summary>
    public EgressVerdict InspectResponse(ReadOnlyMemory<byte> body, string? contentType, EgressRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (!route.Dlp.InboundDetectors.Contains(InboundDetector.Injection))
        {
            return EgressVerdict.Allowed;
        }

        InjectionReport report;
        try
        {
            report = Dlp.ScanResponse(body.Span, contentType);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return EngineFailure("response", ex);
        }

        var reasons = report.Findings.Select(f => new EgressReason("injection", f.RuleId, "response", $"{f.Confidence.ToString().ToLowerInvariant()} confidence: {f.Message}")).ToList();
        return report.Confidence == InjectionConfidence.High ? new EgressVerdict(EgressVerdictKind.Block, reasons) : new EgressVerdict(EgressVerdictKind.Allow, reasons);
    }

    /// <summary>
    /// Drops <c>authorization-credential</c> findings in the header the route's <c>auth</c> replaces: the sidecar removes
    /// every field the agent sent under <see cref="RouteAuth.HeaderName"/> and adds its own, so the agent's value never
    /// leaves. Every other finding there (a known secret, a token format) still counts.
    /// </summary>
    private static DlpReport WithoutReplacedAuthorization(DlpReport report, EgressRoute route)
    {
        if (!report.HasFindings || route.Auth is not { } auth)
        {
            return report;
        }

        string replaced = auth.HeaderName;
        bool Moot(DlpFinding f) => f.RuleId == BuiltInRules.AuthorizationCredentialId && f.Location.Kind == DlpLocationKind.Header
            && string.Equals(f.Location.Name, replaced, StringComparison.OrdinalIgnoreCase);
        return report.Findings.Any(Moot) ? new DlpReport([.. report.Findings.Where(f => !Moot(f))]) : report;
    }

    private static List<EgressReason> Reasons(DlpReport report) =>
        [.. report.Findings.Select(f => new EgressReason(f.Detector, f.RuleId, f.Location.ToString(), WithChain(f)) { Validated = f.Validated })];

    /// <summary>The finding's message with its layer chain named once: findings' own messages already end in "(chain-encoded)".</summary>
    private static string WithChain(DlpFinding f) =>
        f.Encoding is { Length: > 0 } e && e != DlpEncodings.Plain && !f.Message.Contains("(" + e + "-encoded)", StringComparison.Ordinal) ? $"{f.Message} ({e})" : f.Message;
}
