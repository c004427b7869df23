using System.Collections.Frozen;
using System.Collections.Immutable;

namespace BotBottle.Manifest;

/// <summary>
/// How to run one kind of agent (<c>agent_provider.template</c>): image recipe, launch commands, where the prompt
/// and skills go inside the bottle, how to register the supervise MCP server, and the model API it calls.
/// Built-ins are in <see cref="BuiltInProviders"/>; a plugin is <c>&lt;home&gt;/providers/&lt;name&gt;.md</c> whose
/// frontmatter has the same fields (docs/manifest.md "Provider plugins").
/// </summary>
public sealed record ProviderDefinition
{
    /// <summary>Placeholder in <see cref="HeadlessCommand"/> replaced by the prompt (as one argument).</summary>
    public const string PromptPlaceholder = "{prompt}";

    /// <summary>Placeholder in <see cref="McpRegisterCommand"/> replaced by the supervise MCP server URL.</summary>
    public const string UrlPlaceholder = "{url}";

    /// <summary>The non-secret value the agent sees in <see cref="ApiKeyVariable"/>; the sidecar injects the real credential.</summary>
    public const string PlaceholderValue = "bot-bottle-placeholder";

    /// <summary>Provider name (<c>claude</c>, <c>codex</c>, <c>shell</c>, or the plugin's file name).</summary>
    public required string Name { get; init; }

    /// <summary>Image recipe name under the module's <c>images/</c> folder (e.g. <c>claude</c>).</summary>
    public required string Image { get; init; }

    /// <summary>Argument vector of an interactive session.</summary>
    public required ImmutableArray<string> InteractiveCommand { get; init; }

    /// <summary>Argument vector of a headless run; one element contains <see cref="PromptPlaceholder"/>.</summary>
    public required ImmutableArray<string> HeadlessCommand { get; init; }

    /// <summary>Absolute guest path the agent's prompt (Markdown body) is copied to.</summary>
    public required string PromptFile { get; init; }

    /// <summary>Absolute guest folder skills are copied into (one sub-folder per skill).</summary>
    public required string SkillsDirectory { get; init; }

    /// <summary>Argument vector that registers the supervise MCP server, containing <see cref="UrlPlaceholder"/>; empty when the agent has no MCP client (it reads <c>BOT_BOTTLE_SUPERVISE_URL</c> instead).</summary>
    public ImmutableArray<string> McpRegisterCommand { get; init; } = [];

    /// <summary>Host of the model API (e.g. <c>api.anthropic.com</c>); <see langword="null"/> when the provider calls none.</summary>
    public string? ApiHost { get; init; }

    /// <summary>Environment variable the agent reads its API key from (e.g. <c>ANTHROPIC_API_KEY</c>); <see langword="null"/> when none.</summary>
    public string? ApiKeyVariable { get; init; }

    /// <summary>
    /// The credentials the model API accepts, each by the variable the agent reads it from and the header the API
    /// expects it in. <c>agent_provider.auth_token</c> picks the entry whose <see cref="ProviderCredential.Variable"/>
    /// it names, else the API key (<see cref="ApiKeyVariable"/>; <c>Bearer</c> when this list does not describe it).
    /// </summary>
    public ImmutableArray<ProviderCredential> Credentials { get; init; } = [];

    /// <summary>
    /// Argument vector run once as the agent at the end of provisioning (the agent's environment, with its placeholder
    /// keys, is set), e.g. logging a CLI in with the placeholder; empty: nothing to run. A failure fails the launch.
    /// </summary>
    public ImmutableArray<string> SetupCommand { get; init; } = [];

    /// <summary>
    /// How the agent gets, and the sidecar injects, the credential a bottle names in <c>agent_provider.auth_token</c>:
    /// the entry of <see cref="Credentials"/> for that variable, else the API key; <see langword="null"/> when the
    /// provider calls no model API.
    /// </summary>
    public ProviderCredential? CredentialFor(string authToken)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        if (ApiHost is null)
        {
            return null;
        }

        var named = Credentials.IsDefault ? null : Credentials.FirstOrDefault(c => c.Variable == authToken);
        return named
            ?? (Credentials.IsDefault ? null : Credentials.FirstOrDefault(c => c.Variable == ApiKeyVariable))
            ?? (ApiKeyVariable is { } key ? new ProviderCredential(key, Policy.AuthScheme.Bearer) : null);
    }

    /// <summary>
    /// How the provider uses the operator's own sign-in on the host instead of a credential variable
    /// (<c>agent_provider.forward_host_credentials: true</c>); <see langword="null"/> when it has none (then the
    /// option is <see cref="ManifestErrorCode.ProviderHasNoHostLogin"/>).
    /// </summary>
    public HostLogin? HostLogin { get; init; }

    /// <summary><c>built-in</c>, or the absolute path of the plugin file.</summary>
    public string Source { get; init; } = "built-in";

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>One way a provider's model API takes a credential.</summary>
/// <param name="Variable">The variable the agent reads it from; the agent gets <see cref="ProviderDefinition.PlaceholderValue"/> there.</param>
/// <param name="Scheme">How the sidecar sends the real value (<see cref="Policy.AuthScheme"/>).</param>
/// <param name="HeaderName">The header for <see cref="Policy.AuthScheme.Header"/> (e.g. <c>x-api-key</c>); otherwise <see langword="null"/>.</param>
public sealed record ProviderCredential(string Variable, Policy.AuthScheme Scheme, string? HeaderName = null)
{
    /// <summary>The route credential that injects the value of host variable <paramref name="tokenRef"/> this way.</summary>
    public Policy.RouteAuth AuthFor(string tokenRef) => new(Scheme, tokenRef) { Name = HeaderName };
}

/// <summary>The kinds of host sign-in BotBottle can forward (each has its own reader of the host's files).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Serialization.CamelCaseEnumConverter<HostLoginKind>))]
public enum HostLoginKind
{
    /// <summary>The Codex CLI signed in with ChatGPT (<c>CodexChatGptLogin</c> (BotBottle.Core)).</summary>
    CodexChatGpt,
}

/// <summary>
/// A provider's use of the operator's own sign-in on the host (<c>agent_provider.forward_host_credentials</c>): the
/// sidecar injects the sign-in's access token as <c>Authorization: Bearer</c> on <see cref="ApiHost"/> (restricted to
/// <see cref="PathPrefixes"/>), and the agent gets a placeholder sign-in file at <see cref="GuestFile"/> holding no
/// credential. Both are read from the host when the bottle starts; nothing of them is in the plan.
/// </summary>
public sealed record HostLogin
{
    /// <summary>Which host sign-in this is (selects the reader).</summary>
    public required HostLoginKind Kind { get; init; }

    /// <summary>The API host the access token is for (e.g. <c>chatgpt.com</c>).</summary>
    public required string ApiHost { get; init; }

    /// <summary>
    /// The name the token travels under to the sidecar (the route's <c>token_ref</c>); reserved: a host variable of
    /// this name is not read.
    /// </summary>
    public required string SecretName { get; init; }

    /// <summary>Path prefixes the route allows (its <c>matches</c>); empty: every path of <see cref="ApiHost"/>.</summary>
    public ImmutableArray<string> PathPrefixes { get; init; } = [];

    /// <summary>Absolute guest path of the placeholder sign-in file (owned by the agent, mode 600).</summary>
    public required string GuestFile { get; init; }

    /// <summary>The route's <c>matches</c>: one entry allowing <see cref="PathPrefixes"/> (any method); empty when there are none.</summary>
    public ImmutableArray<Policy.RouteMatch> RouteMatches() => PathPrefixes.IsDefaultOrEmpty
        ? []
        : [new Policy.RouteMatch { Paths = [.. PathPrefixes.Select(p => new Policy.ValuePattern(Policy.PatternKind.Prefix, p))] }];
}

/// <summary>
/// The built-in providers. Commands follow each tool's documented CLI: Claude Code
/// (https://docs.anthropic.com/en/docs/claude-code/cli-reference: <c>-p</c>, <c>--dangerously-skip-permissions</c>,
/// <c>claude mcp add --transport http</c>), OpenAI Codex CLI (https://github.com/openai/codex: <c>codex exec</c>,
/// <c>--dangerously-bypass-approvals-and-sandbox</c>, <c>codex mcp add --url</c>) and bash. The bottle is the
/// sandbox, so each agent runs with its own approval prompts off. Guest paths are under the agent user's home
/// <c>/home/agent</c>.
/// </summary>
public static class BuiltInProviders
{
    /// <summary>Name used when a bottle sets no <c>agent_provider.template</c>.</summary>
    public const string DefaultName = "claude";

    /// <summary>
    /// Claude Code, calling <c>api.anthropic.com</c>. An API key (<c>ANTHROPIC_API_KEY</c>) travels in <c>x-api-key</c>
    /// (https://docs.anthropic.com/en/api/overview "Authentication"); an OAuth token (<c>CLAUDE_CODE_OAUTH_TOKEN</c>, from
    /// <c>claude setup-token</c>, https://docs.anthropic.com/en/docs/claude-code/setup) in <c>Authorization: Bearer</c>.
    /// </summary>
    public static ProviderDefinition Claude { get; } = new()
    {
        Name = "claude",
        Image = "claude",
        InteractiveCommand = ["claude", "--dangerously-skip-permissions"],
        HeadlessCommand = ["claude", "--dangerously-skip-permissions", "-p", ProviderDefinition.PromptPlaceholder],
        PromptFile = "/home/agent/.claude/CLAUDE.md",
        SkillsDirectory = "/home/agent/.claude/skills",
        McpRegisterCommand = ["claude", "mcp", "add", "--scope", "user", "--transport", "http", "bot-bottle-supervise", ProviderDefinition.UrlPlaceholder],
        ApiHost = "api.anthropic.com",
        ApiKeyVariable = "ANTHROPIC_API_KEY",
        Credentials =
        [
            new ProviderCredential("ANTHROPIC_API_KEY", Policy.AuthScheme.Header, "x-api-key"),
            new ProviderCredential("CLAUDE_CODE_OAUTH_TOKEN", Policy.AuthScheme.Bearer),
        ],
    };

    /// <summary>
    /// Codex signed in with ChatGPT on the host (<c>codex login</c>, stored in <c>$CODEX_HOME/auth.json</c>): the agent
    /// gets a placeholder <c>auth.json</c> and the sidecar sends the real access token to the ChatGPT Codex backend
    /// (<c>chatgpt.com/backend-api/codex</c>, openai/codex <c>codex-rs/core/src/model_provider_info.rs</c>) as
    /// <c>Authorization: Bearer</c>; Codex sends <c>ChatGPT-Account-Id</c> itself, from the placeholder
    /// (<c>CodexChatGptLogin</c> (BotBottle.Core)). The token is bound to the Codex paths of that backend (<c>/backend-api/codex/</c>
    /// and Codex's cloud-task API <c>/backend-api/wham/</c>), not to the rest of the ChatGPT account.
    /// </summary>
    /// <remarks>Declared before <see cref="Codex"/>, which refers to it (static initializers run in order).</remarks>
    public static HostLogin CodexChatGpt { get; } = new()
    {
        Kind = HostLoginKind.CodexChatGpt,
        ApiHost = "chatgpt.com",
        SecretName = "CODEX_CHATGPT_ACCESS_TOKEN",
        PathPrefixes = ["/backend-api/codex/", "/backend-api/wham/"],
        GuestFile = "/home/agent/.codex/auth.json",
    };

    /// <summary>
    /// OpenAI Codex CLI, calling <c>api.openai.com</c> with <c>OPENAI_API_KEY</c> as <c>Authorization: Bearer</c>
    /// (https://platform.openai.com/docs/api-reference/authentication). The CLI reads its key from its own login
    /// (<c>codex login --with-api-key</c> reads it from stdin), so provisioning logs it in with the placeholder;
    /// <c>codex exec</c> runs outside a git repository only with <c>--skip-git-repo-check</c> (the workspace may be empty).
    /// Codex's request compression stays on: codex-cli 0.171 sends ChatGPT-backend request bodies as
    /// <c>Content-Encoding: zstd</c>, which the sidecar undoes for inspection like gzip, deflate and br
    /// (the egress proxy's content-coding step). With <c>forward_host_credentials</c> it signs in with <see cref="CodexChatGpt"/>.
    /// </summary>
    public static ProviderDefinition Codex { get; } = new()
    {
        Name = "codex",
        Image = "codex",
        InteractiveCommand = ["codex", "--dangerously-bypass-approvals-and-sandbox"],
        HeadlessCommand = ["codex", "exec", "--dangerously-bypass-approvals-and-sandbox", "--skip-git-repo-check", ProviderDefinition.PromptPlaceholder],
        PromptFile = "/home/agent/.codex/AGENTS.md",
        SkillsDirectory = "/home/agent/.codex/skills",
        McpRegisterCommand = ["codex", "mcp", "add", "bot-bottle-supervise", "--url", ProviderDefinition.UrlPlaceholder],
        ApiHost = "api.openai.com",
        ApiKeyVariable = "OPENAI_API_KEY",
        Credentials = [new ProviderCredential("OPENAI_API_KEY", Policy.AuthScheme.Bearer)],
        SetupCommand = ["sh", "-c", "[ -z \"$OPENAI_API_KEY\" ] || printenv OPENAI_API_KEY | codex login --with-api-key"],
        HostLogin = CodexChatGpt,
    };

    /// <summary>A plain login shell for command-line use: no model API, no MCP client.</summary>
    public static ProviderDefinition Shell { get; } = new()
    {
        Name = "shell",
        Image = "shell",
        InteractiveCommand = ["bash", "-l"],
        HeadlessCommand = ["bash", "-lc", ProviderDefinition.PromptPlaceholder],
        PromptFile = "/home/agent/PROMPT.md",
        SkillsDirectory = "/home/agent/skills",
    };

    /// <summary>Every built-in, by name.</summary>
    public static FrozenDictionary<string, ProviderDefinition> All { get; } =
        new[] { Claude, Codex, Shell }.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
}
