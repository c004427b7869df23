using System.Text.Json.Serialization;
using BotBottle.Backends;
using BotBottle.Diagnostics;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Policy;
using BotBottle.Serialization;

namespace BotBottle;

/// <summary>
/// Source-generated JSON metadata for the public models the CLI and module print with <c>--format json</c>, in the
/// root namespace because it names models of every layer (the lower layers have their own contexts:
/// <see cref="PlanJsonContext"/>, <see cref="BotBottle.Proposals.ProposalJsonContext"/>):
/// camelCase names, enums as camelCase strings, nulls omitted, indented. The policy enums of
/// <see cref="EgressRoute"/> get their camelCase converters here rather than on the shared model.
/// <see cref="SecretValue"/> always serializes as <c>"&lt;secret&gt;"</c>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    Converters =
    [
        typeof(CamelCaseEnumConverter<AuthScheme>),
        typeof(CamelCaseEnumConverter<BotBottle.Policy.PatternKind>),
        typeof(CamelCaseEnumConverter<OutboundDetector>),
        typeof(CamelCaseEnumConverter<InboundDetector>),
        typeof(CamelCaseEnumConverter<DlpAction>),
        typeof(CamelCaseEnumConverter<EgressLogLevel>),
    ])]
[JsonSerializable(typeof(DoctorReport))]
[JsonSerializable(typeof(BottlePlan))]
[JsonSerializable(typeof(BottleMetadata))]
[JsonSerializable(typeof(Bottle))]
[JsonSerializable(typeof(List<Bottle>))]
[JsonSerializable(typeof(BottleCommandResult))]
[JsonSerializable(typeof(HeadlessResult))]
[JsonSerializable(typeof(List<OrphanResource>))]
[JsonSerializable(typeof(BotBottle.Egress.EgressVerdict))]
[JsonSerializable(typeof(BotBottle.Proposals.BottleProposal))]
[JsonSerializable(typeof(List<BotBottle.Proposals.BottleProposal>))]
[JsonSerializable(typeof(BotBottle.Proposals.ProposalDecision))]
[JsonSerializable(typeof(List<BotBottle.Proposals.BottleAuditEntry>))]
[JsonSerializable(typeof(BotBottle.Proposals.EgressAllowPayload))]
[JsonSerializable(typeof(BotBottle.Proposals.TokenAllowPayload))]
[JsonSerializable(typeof(BotBottle.Proposals.GitleaksAllowPayload))]
[JsonSerializable(typeof(EgressPolicy))]
[JsonSerializable(typeof(List<BottleAgent>))]
[JsonSerializable(typeof(List<BottleSummary>))]
[JsonSerializable(typeof(ManifestValidationReport))]
[JsonSerializable(typeof(AgentInfo))]
public sealed partial class CoreJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The same metadata with relaxed escaping (<c>+</c>, <c>'</c> and non-ASCII printed as themselves), for output
    /// meant for terminals and files rather than for embedding in HTML.
    /// </summary>
    public static CoreJsonContext Readable => s_readable.Value;

    private static readonly Lazy<CoreJsonContext> s_readable = new(() => new(ReadableJson.Options(Default)));
}
