using BotBottle.Backends.Provisioning;
using BotBottle.Diagnostics;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Processes;

namespace BotBottle.Backends;

/// <summary>What a backend can do. An action a backend does not declare fails before anything is touched.</summary>
[Flags]
public enum BackendCapabilities
{
    /// <summary>Nothing beyond launch and remove.</summary>
    None = 0,

    /// <summary>Stop keeping state, and resume later.</summary>
    StopResume = 1,

    /// <summary>Run a command in the bottle and collect its output.</summary>
    Exec = 2,

    /// <summary>Attach an interactive terminal session.</summary>
    Interactive = 4,

    /// <summary>Run the agent headless with a prompt.</summary>
    Headless = 8,

    /// <summary>Run the agent under gVisor (<c>runsc</c>) when the host has it.</summary>
    Gvisor = 16,

    /// <summary>Snapshot a bottle's filesystem.</summary>
    Snapshot = 32,
}

/// <summary>Whether a backend can run bottles on this host, and what to do if not.</summary>
/// <param name="Backend">Backend name.</param>
/// <param name="Ready"><see langword="true"/> when bottles can run now.</param>
/// <param name="Summary">One line, e.g. <c>Docker 20.10.24, API 1.41</c>.</param>
/// <param name="Problems">Each missing piece with what to do about it.</param>
public sealed record BackendReadiness(string Backend, bool Ready, string Summary, IReadOnlyList<string> Problems)
{
    /// <summary>
    /// Lowest version of the backend's tool BotBottle drives (e.g. <c>1.9.0</c> for smolvm), derived from
    /// <see cref="Requires"/>; <see langword="null"/> for a backend without an outside tool (docker checks its engine).
    /// </summary>
    public string? MinimumVersion { get; init; }

    /// <summary>What the backend needs and why, one line each: <c>smolvm &gt;= 1.9.0: machine cp --mode/--uid/--gid</c>, <c>macOS &gt;= 26: …</c>.</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => Ready ? $"{Backend}: {Summary}" : $"{Backend}: not ready — {string.Join("; ", Problems)}";
}

/// <summary>What a launch needs beyond the stored instance.</summary>
public sealed record LaunchRequest
{
    /// <summary>The prepared instance.</summary>
    public required InstanceRecord Instance { get; init; }

    /// <summary>Secret values for the sidecar (bottle secrets and route credentials), by name. Never enters the agent.</summary>
    public required IReadOnlyDictionary<string, SecretValue> SidecarSecrets { get; init; }

    /// <summary>PEM files of extra CAs the sidecar trusts for upstream TLS for this bottle only (e.g. a private test upstream).</summary>
    public IReadOnlyList<string> UpstreamCaFiles { get; init; } = [];

    /// <summary>Extra name → address entries for the sidecar's resolver (<c>host-gateway</c>: the engine host).</summary>
    public IReadOnlyDictionary<string, string> HostAliases { get; init; } = new Dictionary<string, string>();

    /// <summary>How long proposals wait for the operator; null: the sidecar's default.</summary>
    public TimeSpan? ProposalTimeout { get; init; }
}

/// <summary>The live state of a bottle as its backend sees it.</summary>
/// <param name="State">Running, Stopped, or Failed when its objects are missing or dead.</param>
/// <param name="Services">Service name → status (<c>agent</c>, <c>sidecar</c> …: <c>running</c>, <c>exited (1)</c>, <c>missing</c>).</param>
/// <param name="Detail">A readable explanation when something is off.</param>
public sealed record RuntimeStatus(BottleState State, IReadOnlyDictionary<string, string> Services, string? Detail = null)
{
    /// <summary>
    /// The status of a bottle made of an agent and a sidecar, from each one's service status (<c>running</c>,
    /// <c>missing</c>, or anything else for not running): both running → Running; either missing → Failed; neither
    /// running → Stopped; one running → Failed.
    /// </summary>
    /// <param name="agent">The agent's service status.</param>
    /// <param name="sidecar">The sidecar's service status.</param>
    /// <param name="agentObject">What the agent runs in, for "is missing" (<c>agent container</c>, <c>micro-VM</c>).</param>
    /// <param name="agentName">The agent, for "is not running" (<c>agent</c>, <c>micro-VM</c>).</param>
    public static RuntimeStatus FromServices(string agent, string sidecar, string agentObject = "agent container", string agentName = "agent")
    {
        var services = new Dictionary<string, string> { ["agent"] = agent, ["sidecar"] = sidecar };
        return (agent, sidecar) switch
        {
            ("running", "running") => new RuntimeStatus(BottleState.Running, services),
            ("missing", _) => new RuntimeStatus(BottleState.Failed, services, $"the {agentObject} is missing"),
            (_, "missing") => new RuntimeStatus(BottleState.Failed, services, "the sidecar container is missing"),
            ("running", _) => new RuntimeStatus(BottleState.Failed, services, "the sidecar is not running"),
            (_, "running") => new RuntimeStatus(BottleState.Failed, services, $"the {agentName} is not running"),
            _ => new RuntimeStatus(BottleState.Stopped, services),
        };
    }
}

/// <summary>A command to run in a bottle.</summary>
public sealed record BottleExecRequest
{
    /// <summary>Argument vector (no shell is involved unless argv[0] is one).</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Working folder in the guest; default the workspace.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Run as root instead of the agent user (provisioning and diagnostics only).</summary>
    public bool AsRoot { get; init; }
}

/// <summary>Something a backend left behind with no state folder (or a state folder with nothing behind it).</summary>
/// <param name="Backend">Backend that owns it.</param>
/// <param name="Kind"><c>container</c>, <c>network</c>, <c>volume</c>, <c>vm</c>, <c>state</c>.</param>
/// <param name="Id">Engine id or path.</param>
/// <param name="Name">Readable name.</param>
/// <param name="Slug">The bottle it belonged to, when known.</param>
public sealed record OrphanResource(string Backend, string Kind, string Id, string Name, string? Slug)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Name} ({Backend})";
}

/// <summary>
/// An isolation driver (PRODUCT.md §5). Every lifecycle call is dispatched to the backend recorded in the
/// instance's metadata; a backend never handles another backend's bottle.
/// </summary>
public interface IBottleBackend
{
    /// <summary><c>docker</c>, <c>smolmachines</c> or <c>macos-container</c>.</summary>
    string Name { get; }

    /// <summary>What it supports.</summary>
    BackendCapabilities Capabilities { get; }

    /// <summary>Preflight: can bottles run on this host now? Never throws.</summary>
    Task<BackendReadiness> CheckAsync(CancellationToken cancellationToken);

    /// <summary>Builds or reuses images, creates the topology, starts the sidecar then the agent, and provisions it.
    /// On failure or cancellation, removes what it created and rethrows. Returns the runtime facts to record.</summary>
    Task<BottleRuntime> LaunchAsync(LaunchRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Starts a stopped bottle again (sidecar first). Returns updated runtime facts.</summary>
    Task<BottleRuntime> ResumeAsync(LaunchRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Stops the agent and the sidecar, keeping everything.</summary>
    Task StopAsync(InstanceRecord instance, CancellationToken cancellationToken);

    /// <summary>Removes every object of the bottle (idempotent; missing objects are fine).</summary>
    Task RemoveAsync(InstanceRecord instance, CancellationToken cancellationToken);

    /// <summary>The bottle's live state.</summary>
    Task<RuntimeStatus> InspectAsync(InstanceRecord instance, CancellationToken cancellationToken);

    /// <summary>Runs a command in the agent's guest, streaming output lines; returns the exit code and the exact output.</summary>
    Task<GuestCommandResult> ExecAsync(InstanceRecord instance, BottleExecRequest request, Action<ProcessOutputLine>? output, CancellationToken cancellationToken);

    /// <summary>Attaches this process's terminal to <paramref name="command"/> in the guest; returns its exit code.</summary>
    Task<int> AttachAsync(InstanceRecord instance, IReadOnlyList<string> command, CancellationToken cancellationToken);

    /// <summary>Objects this backend owns whose slug is not in <paramref name="knownSlugs"/>.</summary>
    Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken);

    /// <summary>Removes one orphan.</summary>
    Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken);
}
