using BotBottle.Dlp;
using BotBottle.Egress;
using BotBottle.Policy;

namespace BotBottle.Sidecar.Egress;

/// <summary>Builds the content inspector the sidecar runs with: DLP over the built-in rules and the bottle's secrets.</summary>
internal static class SidecarInspector
{
    /// <summary>The inspector for a sidecar holding <paramref name="secrets"/> (they are the bottle's known secrets); values in <paramref name="allowed"/> were approved by the operator.</summary>
    public static IRequestInspector Create(IReadOnlyDictionary<string, string> secrets, IReadOnlySet<string>? allowed = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var dlp = DlpEngine.Create(secrets.Select(kv => new KnownSecret(kv.Key, kv.Value)));
        return new DlpRequestInspector(new EgressInspector(dlp), allowed);
    }

    /// <summary>Adapts <see cref="EgressInspector"/> (shared with the offline check) to the proxy.</summary>
    private sealed class DlpRequestInspector(EgressInspector inspector, IReadOnlySet<string>? allowed) : IRequestInspector
    {
        public InspectionResult InspectRequest(InspectedRequest request, EgressRoute route)
        {
            var v = inspector.InspectRequest(new DlpRequest
            {
                Method = request.Method,
                Host = request.Host,
                PathAndQuery = request.PathAndQuery,
                Headers = request.Headers,
                Body = request.Body,
                ContentType = request.ContentType,
            }, route, allowed);
            return Convert(v, v.Rewritten is { } r ? new InspectedRequest(r.Method, request.Host, r.PathAndQuery, r.Headers, r.Body, r.ContentType) : null);
        }

        public InspectionResult InspectWebSocketMessage(string host, ReadOnlyMemory<byte> payload, EgressRoute route) =>
            Convert(inspector.InspectMessage(host, payload, route), null);

        public InspectionResult InspectResponse(string host, ReadOnlyMemory<byte> body, string? contentType, EgressRoute route) =>
            Convert(inspector.InspectResponse(body, contentType, route), null);

        public IReadOnlyList<(string Detector, string Rule, string Location, string Message)> InspectRefusedTarget(string host, string path) =>
            [.. inspector.InspectRefusedTarget(host, path).Select(r => (r.Detector, r.Rule, r.Location, r.Message))];

        private static InspectionResult Convert(EgressVerdict v, InspectedRequest? rewritten) =>
            v.Reasons.Count == 0 && v.Verdict == EgressVerdictKind.Allow
                ? InspectionResult.Clean
                : new InspectionResult(
                    v.Verdict switch
                    {
                        EgressVerdictKind.Block => InspectionVerdict.Block,
                        EgressVerdictKind.Redact => InspectionVerdict.Redact,
                        EgressVerdictKind.Supervise => InspectionVerdict.Supervise,
                        _ => InspectionVerdict.Allow,
                    },
                    [.. v.Reasons.Select(r => (r.Detector, r.Rule, r.Location, r.Message))],
                    rewritten)
                { Fingerprints = v.Fingerprints };
    }
}
