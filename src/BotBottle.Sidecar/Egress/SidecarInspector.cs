namespace BotBottle.Sidecar.Egress;

/// <summary>Builds the content inspector the sidecar runs with.</summary>
internal static class SidecarInspector
{
    /// <summary>The inspector for a sidecar holding <paramref name="secrets"/>.</summary>
    public static IRequestInspector Create(IReadOnlyDictionary<string, string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return new PassThroughInspector();
    }

    /// <summary>Temporary: content inspection arrives with the DLP engine.</summary>
    private sealed class PassThroughInspector : IRequestInspector
    {
        public InspectionResult InspectRequest(InspectedRequest request, Policy.EgressRoute route) => InspectionResult.Clean;

        public InspectionResult InspectWebSocketMessage(string host, ReadOnlyMemory<byte> payload, Policy.EgressRoute route) => InspectionResult.Clean;

        public InspectionResult InspectResponse(string host, ReadOnlyMemory<byte> body, string? contentType, Policy.EgressRoute route) => InspectionResult.Clean;
    }
}
