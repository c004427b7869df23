using System.Text.Json.Serialization;

namespace BotBottle.Proposals;

/// <summary>
/// Source-generated JSON metadata for the proposal exchange between the sidecar and the host
/// (<see cref="ProposalExchange"/>: <see cref="BottleProposal"/>, <see cref="ProposalDecision"/>) and the payloads
/// proposals carry. The same options as the faces' <c>CoreJsonContext</c> (camelCase names, nulls omitted,
/// indented), so either context reads what the other wrote.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(BottleProposal))]
[JsonSerializable(typeof(ProposalDecision))]
[JsonSerializable(typeof(EgressAllowPayload))]
[JsonSerializable(typeof(TokenAllowPayload))]
[JsonSerializable(typeof(GitleaksAllowPayload))]
public sealed partial class ProposalJsonContext : JsonSerializerContext;
