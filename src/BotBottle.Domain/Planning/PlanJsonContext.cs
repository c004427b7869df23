using System.Text.Json.Serialization;
using BotBottle.Policy;
using BotBottle.Serialization;

namespace BotBottle.Planning;

/// <summary>
/// Source-generated JSON metadata for the files a bottle's state folder holds about its plan: <c>plan.json</c>
/// (<see cref="BottlePlan"/>, read by the sidecar) and <c>metadata.json</c> (<see cref="BottleMetadata"/>). The same
/// options as the faces' <c>CoreJsonContext</c> (camelCase names, camelCase enum strings, nulls omitted, indented),
/// so either context reads what the other wrote.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    Converters =
    [
        typeof(CamelCaseEnumConverter<AuthScheme>),
        typeof(CamelCaseEnumConverter<PatternKind>),
        typeof(CamelCaseEnumConverter<OutboundDetector>),
        typeof(CamelCaseEnumConverter<InboundDetector>),
        typeof(CamelCaseEnumConverter<DlpAction>),
        typeof(CamelCaseEnumConverter<EgressLogLevel>),
    ])]
[JsonSerializable(typeof(BottlePlan))]
[JsonSerializable(typeof(BottleMetadata))]
public sealed partial class PlanJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The same metadata with relaxed escaping (<c>+</c>, <c>'</c> and non-ASCII written as themselves), for the state
    /// files an operator reads; the output is still valid JSON that <see cref="JsonSerializerContext"/>s read back.
    /// </summary>
    public static PlanJsonContext Readable => s_readable.Value;

    private static readonly Lazy<PlanJsonContext> s_readable = new(() => new(ReadableJson.Options(Default)));
}
