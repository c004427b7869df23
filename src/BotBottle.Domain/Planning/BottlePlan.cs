using System.Collections.Immutable;
using BotBottle.Manifest;
using BotBottle.Policy;

namespace BotBottle.Planning;

/// <summary>
/// Everything needed to launch one bottle instance, fixed at prepare time (PRODUCT.md §4.1) and written to
/// <c>&lt;home&gt;/state/&lt;slug&gt;/plan.json</c>. Immutable. Never contains a secret value: secret env entries
/// show <c>"&lt;secret&gt;"</c>; credentials appear as the names of the variables that hold them and key files as
/// host paths.
/// </summary>
public sealed record BottlePlan
{
    /// <summary>The plan format written by this version.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Plan format version.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Instance identity: <c>&lt;agent&gt;-&lt;5 base36&gt;</c> or the operator's label. Containers are named <c>bot-bottle-&lt;slug&gt;</c>.</summary>
    public required string Slug { get; init; }

    /// <summary>The operator's label, or <see langword="null"/> when the slug was minted.</summary>
    public string? Label { get; init; }

    /// <summary>The agent.</summary>
    public required PlanAgent Agent { get; init; }

    /// <summary>Bottle names in merge order (parents first).</summary>
    public required ImmutableArray<string> BottleChain { get; init; }

    /// <summary>The effective bottle.</summary>
    public required PlanBottle Bottle { get; init; }

    /// <summary>Requested backend (<c>docker</c>, <c>smolmachines</c>, <c>macos-container</c>), or <see langword="null"/>: chosen at start (<c>BOT_BOTTLE_BACKEND</c>, else the best available).</summary>
    public string? Backend { get; init; }

    /// <summary>Absolute project folder the instance was prepared from (project agents come from its <c>.bot-bottle/agents</c>). Never mounted into the bottle.</summary>
    public required string ProjectPath { get; init; }

    /// <summary>Absolute host folder copied into <c>/workspace</c> (owned by the agent user) at the first start, or <see langword="null"/> for an empty workspace.</summary>
    public string? WorkspaceCopy { get; init; }

    /// <summary>When the plan was made (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>BotBottle version that made the plan.</summary>
    public required string BotBottleVersion { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Slug} ({Agent.Name} in {string.Join(" → ", BottleChain)})";
}

/// <summary>The agent part of a plan.</summary>
public sealed record PlanAgent
{
    /// <summary>Agent name.</summary>
    public required string Name { get; init; }

    /// <summary>Absolute path of the agent file.</summary>
    public required string SourceFile { get; init; }

    /// <summary>Home or project.</summary>
    public required ManifestSourceKind Source { get; init; }

    /// <summary>The system prompt (the agent file's Markdown body). Not secret.</summary>
    public required string Prompt { get; init; }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 prompt, to see at a glance whether two plans share a prompt.</summary>
    public required string PromptSha256 { get; init; }

    /// <summary>The agent's description, when it has one.</summary>
    public string? Description { get; init; }
}

/// <summary>One environment entry of a plan.</summary>
/// <param name="Name">Variable name.</param>
/// <param name="Kind">Literal, host or secret.</param>
/// <param name="Value">The literal value, <c>${HOST_VARIABLE}</c> for a value copied from the host when the bottle starts (never the value itself), or <c>"&lt;secret&gt;"</c>.</param>
/// <param name="HostVariable">For <see cref="EnvValueKind.Host"/>: the host variable it was copied from.</param>
/// <param name="Prompt">For <see cref="EnvValueKind.Secret"/>: the prompt text, when there is one.</param>
public sealed record PlanEnvEntry(string Name, EnvValueKind Kind, string Value, string? HostVariable = null, string? Prompt = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}={Value}";
}

/// <summary>A skill to copy into the bottle.</summary>
/// <param name="Name">Skill folder name.</param>
/// <param name="HostPath">Absolute host folder (<c>&lt;home&gt;/skills/&lt;name&gt;</c>).</param>
public sealed record PlanSkill(string Name, string HostPath);

/// <summary>The git gate part of a plan.</summary>
/// <param name="User">Git identity inside the bottle, or <see langword="null"/>.</param>
/// <param name="Repos">Remotes fronted by the gate (key paths are host paths, not credentials).</param>
public sealed record PlanGitGate(GitUser? User, ImmutableArray<GitRepository> Repos);

/// <summary>The effective bottle part of a plan.</summary>
public sealed record PlanBottle
{
    /// <summary>Resolved environment.</summary>
    public required ImmutableArray<PlanEnvEntry> Env { get; init; }

    /// <summary>Routes (the provider's included) and log level.</summary>
    public required EgressPolicy Egress { get; init; }

    /// <summary>Git gate settings.</summary>
    public required PlanGitGate GitGate { get; init; }

    /// <summary>The resolved provider definition.</summary>
    public required ProviderDefinition Provider { get; init; }

    /// <summary>Custom image recipe (host path), or <see langword="null"/>.</summary>
    public string? Dockerfile { get; init; }

    /// <summary>Host variable holding the provider credential (the sidecar reads it at start), or <see langword="null"/>.</summary>
    public string? AuthTokenVariable { get; init; }

    /// <summary>
    /// <see langword="true"/>: the provider's host sign-in (<see cref="ProviderDefinition.HostLogin"/>) is read at start;
    /// the sidecar gets its access token, the agent a placeholder sign-in file.
    /// </summary>
    public bool ForwardHostCredentials { get; init; }

    /// <summary>Skills to copy.</summary>
    public required ImmutableArray<PlanSkill> Skills { get; init; }
}

/// <summary>
/// <c>&lt;home&gt;/state/&lt;slug&gt;/metadata.json</c>: the instance's identity and lifecycle state, updated as it
/// moves (the plan never changes).
/// </summary>
public sealed record BottleMetadata
{
    /// <summary>Metadata format version.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Instance slug.</summary>
    public required string Slug { get; init; }

    /// <summary>Lifecycle state.</summary>
    public required BottleState State { get; init; }

    /// <summary>Backend, or <see langword="null"/> until chosen.</summary>
    public string? Backend { get; init; }

    /// <summary>Agent name.</summary>
    public required string Agent { get; init; }

    /// <summary>Operator label, or <see langword="null"/>.</summary>
    public string? Label { get; init; }

    /// <summary>Absolute project folder.</summary>
    public required string ProjectPath { get; init; }

    /// <summary>Creation time (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change (UTC).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the bottle last started running (UTC), or <see langword="null"/>.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Why the last start or run failed, when <see cref="State"/> is <see cref="BottleState.Failed"/> (no secrets).</summary>
    public string? Error { get; init; }

    /// <summary>Backend-owned facts about the running bottle (object ids and names, addresses, the image tags used).</summary>
    public BottleRuntime Runtime { get; init; } = BottleRuntime.Empty;
}
