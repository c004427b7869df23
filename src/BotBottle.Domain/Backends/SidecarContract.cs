namespace BotBottle.Backends;

/// <summary>
/// How the host side and the sidecar process meet, whatever the backend: the sidecar's command line, the files it
/// reads and writes in the bottle's state folder (mounted at <see cref="StateMount"/>), its ports, and how secrets
/// reach it.
/// </summary>
public static class SidecarContract
{
    /// <summary>Where the state folder is mounted in the sidecar.</summary>
    public const string StateMount = "/state";

    /// <summary>The live routes file in the state folder (the host rewrites it; the sidecar reloads it).</summary>
    public const string RoutesFile = "routes.yaml";

    /// <summary>Extra CAs the sidecar trusts for upstream TLS for this bottle (PEM bundle), when present.</summary>
    public const string UpstreamCaFile = "upstream-ca.pem";

    /// <summary>Written by the sidecar once every listener is bound (JSON: pid, ports, time).</summary>
    public const string ReadyFile = "sidecar-ready.json";

    /// <summary>The name the agent reaches the sidecar by.</summary>
    public const string HostName = "sidecar";

    /// <summary>Egress proxy port (HTTP/1.1 forward proxy with CONNECT).</summary>
    public const int ProxyPort = 3128;

    /// <summary>DNS port (answers REFUSED: outside names never leave as queries).</summary>
    public const int DnsPort = 53;

    /// <summary>Supervise MCP server port (streamable HTTP).</summary>
    public const int SupervisePort = 8750;

    /// <summary>Git gate port (git's smart HTTP protocol; serves the repositories of the bottle's <c>git-gate.repos</c>).</summary>
    public const int GitGatePort = 8751;

    /// <summary>Where the git gate keeps its bare mirrors in the state folder: <c>git/&lt;name&gt;.git</c>.</summary>
    public const string GitGateDirectory = "git";

    /// <summary>The git gate's push decisions (JSON lines, <see cref="GitGate.GitPushRecord"/>), imported into the host's audit log.</summary>
    public const string GitPushAuditFile = "audit/git-push.jsonl";

    /// <summary>
    /// The egress proxy's refusals and redactions (JSON lines, <see cref="Egress.EgressAuditRecord"/>), imported into the
    /// host's audit log. The sidecar stops appending at <see cref="EgressAuditFileLimit"/> bytes.
    /// </summary>
    public const string EgressAuditFile = "audit/egress.jsonl";

    /// <summary>Size in bytes (16 MiB, about 50,000 records) past which the sidecar appends no more to <see cref="EgressAuditFile"/> (it logs that once); an agent hammering refused hosts cannot fill the host's disk.</summary>
    public const long EgressAuditFileLimit = 16L * 1024 * 1024;

    /// <summary>Prefix of the sidecar secret that carries a gated repository's credential (see <see cref="GitKeySecretName"/>).</summary>
    public const string GitKeySecretPrefix = "GIT_GATE_KEY_";

    /// <summary>
    /// The sidecar secret name carrying the credential of <c>git-gate.repos.&lt;repository&gt;</c> (the contents of the
    /// file its <c>key</c> names: an SSH private key or an HTTPS token): <c>GIT_GATE_KEY_</c> + upper-case hex of the
    /// name's UTF-8 bytes, so every repository name maps to a distinct, valid variable name.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <returns>The secret name (the variable is <see cref="SecretPrefix"/> + this).</returns>
    public static string GitKeySecretName(string repository)
    {
        ArgumentException.ThrowIfNullOrEmpty(repository);
        return GitKeySecretPrefix + Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(repository));
    }

    /// <summary>Prefix of the environment variables that carry secret values into the sidecar only.</summary>
    public const string SecretPrefix = "BB_SIDECAR_SECRET_";

    /// <summary>The sidecar's argument vector for a bottle.</summary>
    /// <param name="hasUpstreamCa">Whether the state folder has <see cref="UpstreamCaFile"/>.</param>
    /// <param name="proposalTimeout">How long proposals wait for the operator; null for the sidecar's default (10 minutes).</param>
    public static IReadOnlyList<string> Command(bool hasUpstreamCa, TimeSpan? proposalTimeout = null) =>
    [
        "run", "--state", StateMount,
        "--listen", $"0.0.0.0:{ProxyPort}",
        "--dns", $"0.0.0.0:{DnsPort}",
        "--supervise", $"0.0.0.0:{SupervisePort}",
        "--git-gate", $"0.0.0.0:{GitGatePort}",
        .. hasUpstreamCa ? new[] { "--upstream-ca", $"{StateMount}/{UpstreamCaFile}" } : [],
        .. proposalTimeout is { } t ? new[] { "--proposal-timeout", ((int)t.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) } : [],
    ];

    /// <summary>The proxy URL the agent uses.</summary>
    public static string ProxyUrl => $"http://{HostName}:{ProxyPort}";

    /// <summary>The supervise MCP endpoint the agent is registered with (<c>BOT_BOTTLE_SUPERVISE_URL</c>).</summary>
    public static string SuperviseUrl => $"http://{HostName}:{SupervisePort}/mcp";

    /// <summary>
    /// The agent's proxy environment (upper and lower case, as tools disagree on which they read), plus the
    /// supervise URL. <c>NO_PROXY</c> keeps bottle-internal traffic (the sidecar's own services) off the proxy.
    /// </summary>
    public static IReadOnlyDictionary<string, string> AgentEnvironment(string slug) => new Dictionary<string, string>
    {
        ["HTTP_PROXY"] = ProxyUrl,
        ["HTTPS_PROXY"] = ProxyUrl,
        ["http_proxy"] = ProxyUrl,
        ["https_proxy"] = ProxyUrl,
        ["ALL_PROXY"] = ProxyUrl,
        ["NO_PROXY"] = $"localhost,127.0.0.1,::1,{HostName}",
        ["no_proxy"] = $"localhost,127.0.0.1,::1,{HostName}",
        ["BOT_BOTTLE_SUPERVISE_URL"] = SuperviseUrl,
        ["BOT_BOTTLE_SLUG"] = slug,
    };
}
