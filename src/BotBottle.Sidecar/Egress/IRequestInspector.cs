using BotBottle.Policy;

namespace BotBottle.Sidecar.Egress;

/// <summary>The outcome of inspecting a request's content (DLP) on an allowed route.</summary>
internal enum InspectionVerdict
{
    Allow,
    Block,
    Redact,
    Supervise,
}

/// <summary>A request as the inspector sees it (after the policy allowed its line and headers).</summary>
internal sealed record InspectedRequest(string Method, string Host, string PathAndQuery, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body, string? ContentType);

/// <summary>Inspection result; for <see cref="InspectionVerdict.Redact"/> the rewritten request to forward.</summary>
internal sealed record InspectionResult(InspectionVerdict Verdict, IReadOnlyList<(string Detector, string Rule, string Location, string Message)> Reasons, InspectedRequest? Rewritten = null)
{
    /// <summary>For <see cref="InspectionVerdict.Supervise"/>: fingerprints an approval lets through.</summary>
    public IReadOnlyList<string> Fingerprints { get; init; } = [];

    public static InspectionResult Clean { get; } = new(InspectionVerdict.Allow, []);
}

/// <summary>Holds a request whose route says <c>supervise</c> until the operator decides.</summary>
internal interface IRequestSupervisor
{
    /// <summary>Files an <c>egress-token-allow</c> proposal for the held request and waits; <see langword="true"/> when approved (its values are then allowed for the life of the bottle).</summary>
    Task<(bool Approved, string Notes)> HoldAsync(InspectedRequest request, InspectionResult inspection, CancellationToken cancellationToken);
}

/// <summary>Content inspection (outbound DLP, inbound injection scanning) applied by the proxy.</summary>
internal interface IRequestInspector
{
    /// <summary>Inspects an outbound request on <paramref name="route"/>.</summary>
    InspectionResult InspectRequest(InspectedRequest request, EgressRoute route);

    /// <summary>Inspects one outbound WebSocket message payload.</summary>
    InspectionResult InspectWebSocketMessage(string host, ReadOnlyMemory<byte> payload, EgressRoute route);

    /// <summary>Inspects a response body on a route with inbound detectors.</summary>
    InspectionResult InspectResponse(string host, ReadOnlyMemory<byte> body, string? contentType, EgressRoute route);

    /// <summary>
    /// Every detector's findings in a refused request's host and path (<c>(detector, rule, "host" | "path", message)</c>),
    /// so the egress log can leave a secret out of the refusal it records; see <c>EgressInspector.InspectRefusedTarget</c>.
    /// </summary>
    IReadOnlyList<(string Detector, string Rule, string Location, string Message)> InspectRefusedTarget(string host, string path);
}
