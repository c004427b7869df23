using System.Collections.Immutable;
using System.Text.Json.Serialization;
using BotBottle.Policy;
using BotBottle.Serialization;

namespace BotBottle.Manifest;

/// <summary>Where an agent definition was found (PRODUCT.md §3.1).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<ManifestSourceKind>))]
public enum ManifestSourceKind
{
    /// <summary><c>&lt;home&gt;/agents/</c>: the operator's own folder.</summary>
    Home,

    /// <summary><c>&lt;project&gt;/.bot-bottle/agents/</c>: shipped with the project (agents only, never bottles).</summary>
    Project,
}

/// <summary>How an <c>env</c> value is obtained (PRODUCT.md §3.2).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<EnvValueKind>))]
public enum EnvValueKind
{
    /// <summary>Any other string: used as written.</summary>
    Literal,

    /// <summary><c>"${NAME}"</c>: copied from the host environment at prepare time.</summary>
    Host,

    /// <summary><c>"?"</c> or <c>"?prompt text"</c>: a secret asked for at start; never echoed, logged, written to disk or passed on a command line.</summary>
    Secret,
}

/// <summary>One <c>env</c> entry of a bottle as written (values are resolved later, by the planner).</summary>
/// <param name="Name">Variable name (<c>^[A-Za-z_][A-Za-z0-9_]*$</c>).</param>
/// <param name="Kind">How the value is obtained.</param>
/// <param name="Text">
/// <see cref="EnvValueKind.Literal"/>: the value. <see cref="EnvValueKind.Host"/>: the host variable's name.
/// <see cref="EnvValueKind.Secret"/>: the prompt text (empty for a bare <c>"?"</c>), never a secret value.
/// </param>
public sealed record EnvEntry(string Name, EnvValueKind Kind, string Text)
{
    /// <summary><c>NAME=value</c>, <c>NAME=${HOST_VAR}</c> or <c>NAME=&lt;secret&gt;</c>.</summary>
    public override string ToString() => Kind switch
    {
        EnvValueKind.Host => $"{Name}=${{{Text}}}",
        EnvValueKind.Secret => $"{Name}=<secret>",
        _ => $"{Name}={Text}",
    };
}

/// <summary>The git identity inside the bottle (<c>git-gate.user</c>). Either field may be unset.</summary>
/// <param name="Name">Author/committer name, or <see langword="null"/>.</param>
/// <param name="Email">Author/committer e-mail, or <see langword="null"/>.</param>
public sealed record GitUser(string? Name, string? Email)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} <{Email}>";
}

/// <summary>An upstream remote fronted by the git gate (<c>git-gate.repos.&lt;name&gt;</c>).</summary>
/// <param name="Name">Remote name (the map key).</param>
/// <param name="Url">Upstream URL, <c>ssh://</c> or <c>https://</c>.</param>
/// <param name="Key">Absolute host path of the credential the gate pushes with (an SSH private key, or a file holding an HTTPS token). A path, never the credential itself.</param>
/// <param name="HostKey">The pinned SSH host key (<c>ssh-ed25519 AAAA…</c>, known_hosts form); <see langword="null"/> for HTTPS.</param>
public sealed record GitRepository(string Name, string Url, string Key, string? HostKey)
{
    /// <summary><c>allow_force_push</c>: the gate forwards non-fast-forward updates of this repository's refs (default: refused).</summary>
    public bool AllowForcePush { get; init; }

    /// <summary><c>allow_delete</c>: the gate forwards ref deletions (default: refused).</summary>
    public bool AllowDelete { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Url}";
}

/// <summary>An agent definition (PRODUCT.md §3.3): who runs.</summary>
public sealed record AgentDefinition
{
    /// <summary>The agent's name: its file name without <c>.md</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Absolute path of the agent file.</summary>
    public required string Path { get; init; }

    /// <summary>Home or project.</summary>
    public required ManifestSourceKind Source { get; init; }

    /// <summary>The bottle it runs in; <see langword="null"/> for a portable agent (bottles come from <c>-Bottle</c>/<c>--bottle</c>).</summary>
    public string? Bottle { get; init; }

    /// <summary>Skill folder names copied from <c>&lt;home&gt;/skills/</c>.</summary>
    public ImmutableArray<string> Skills { get; init; } = [];

    /// <summary>Overrides of the bottle's <c>git-gate.user</c>, field by field; <see langword="null"/> when none.</summary>
    public GitUser? GitUser { get; init; }

    /// <summary>The <c>description</c> field, when the file has one (Claude Code sub-agent files do).</summary>
    public string? Description { get; init; }

    /// <summary>The Markdown body: the agent's system prompt. Not secret.</summary>
    public string Prompt { get; init; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// Where one value of an effective bottle came from, for <c>bot-bottle info</c>: a file position, the
/// <c>default</c>, or the provider.
/// </summary>
/// <param name="Key">Dotted key, e.g. <c>env.GITHUB_TOKEN</c>, <c>egress.routes[api.github.com].auth</c>, <c>git-gate.user.email</c>.</param>
/// <param name="Value">The value as shown to the operator (secrets as <c>&lt;secret&gt;</c>).</param>
/// <param name="Source"><c>file:line:col</c>, <c>default</c>, or a description of the provider that added it.</param>
public sealed record ProvenanceEntry(string Key, string Value, string Source)
{
    /// <inheritdoc />
    public override string ToString() => $"{Key} = {Value}  ({Source})";
}

/// <summary>
/// The bottle an agent runs in after <c>extends</c> chains are merged (docs/manifest.md "Merge rules"), the agent's
/// <c>git-gate.user</c> overlaid, and the provider's own route and placeholder added.
/// </summary>
public sealed record EffectiveBottle
{
    /// <summary>Bottle names in merge order: parents first, the named bottle(s) last.</summary>
    public required ImmutableArray<string> Chain { get; init; }

    /// <summary>Environment entries, in order of first declaration.</summary>
    public ImmutableArray<EnvEntry> Env { get; init; } = [];

    /// <summary>The agent provider (built-in or plugin).</summary>
    public required ProviderDefinition Provider { get; init; }

    /// <summary>Absolute host path of a custom agent image recipe (<c>agent_provider.dockerfile</c>), or <see langword="null"/>.</summary>
    public string? Dockerfile { get; init; }

    /// <summary>Host variable holding the provider credential (<c>agent_provider.auth_token</c>), or <see langword="null"/>.</summary>
    public string? AuthTokenVariable { get; init; }

    /// <summary>
    /// <see langword="true"/> when the agent uses the operator's sign-in on the host (<c>agent_provider.forward_host_credentials</c>,
    /// <see cref="ProviderDefinition.HostLogin"/>): its token is read from the host at start, the agent gets a placeholder file.
    /// </summary>
    public bool ForwardHostCredentials { get; init; }

    /// <summary>Git identity inside the bottle, or <see langword="null"/>.</summary>
    public GitUser? GitUser { get; init; }

    /// <summary>Remotes fronted by the git gate.</summary>
    public ImmutableArray<GitRepository> Repositories { get; init; } = [];

    /// <summary>Egress routes (the provider's route included) and log level.</summary>
    public required EgressPolicy Egress { get; init; }

    /// <summary>Where every value came from.</summary>
    public ImmutableArray<ProvenanceEntry> Provenance { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => string.Join(" → ", Chain);
}

/// <summary>An agent and the effective bottle it would run in.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Bottle">The effective bottle.</param>
/// <param name="Warnings">Warnings found on the way (a project <c>bottles/</c> folder ignored, a shadowed home agent).</param>
public sealed record ResolvedAgent(AgentDefinition Agent, EffectiveBottle Bottle, ImmutableArray<ManifestFinding> Warnings)
{
    /// <summary>The secret <c>env</c> entries that must be supplied to prepare this agent.</summary>
    public ImmutableArray<EnvEntry> RequiredSecrets => Bottle.Env.Where(e => e.Kind == EnvValueKind.Secret).ToImmutableArray();

    /// <inheritdoc />
    public override string ToString() => $"{Agent.Name} in {Bottle}";
}

/// <summary>
/// What <c>bot-bottle info &lt;agent&gt;</c> shows: the agent, its bottle chain, the effective egress policy, and
/// where every value of the effective bottle came from.
/// </summary>
public sealed record AgentInfo
{
    /// <summary>Agent name.</summary>
    public required string Agent { get; init; }

    /// <summary>Absolute path of the agent file.</summary>
    public required string AgentFile { get; init; }

    /// <summary>Home or project.</summary>
    public required ManifestSourceKind Source { get; init; }

    /// <summary>Bottle names in merge order.</summary>
    public required ImmutableArray<string> BottleChain { get; init; }

    /// <summary>Provider name.</summary>
    public required string Provider { get; init; }

    /// <summary>Every value with its source (secrets as <c>&lt;secret&gt;</c>).</summary>
    public required ImmutableArray<ProvenanceEntry> Values { get; init; }

    /// <summary>The effective routes and log level.</summary>
    public required EgressPolicy Egress { get; init; }

    /// <summary>Warnings met while loading.</summary>
    public ImmutableArray<ManifestFinding> Warnings { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => $"{Agent} in {string.Join(" → ", BottleChain)}";
}
