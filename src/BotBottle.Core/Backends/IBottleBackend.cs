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

/// <summary>What a launch needs beyond the stored bottle.</summary>
public sealed record LaunchRequest
{
    /// <summary>The prepared bottle.</summary>
    public required BottleTarget Bottle { get; init; }

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
/// <remarks>
/// A launch is the bottle service's pipeline (<c>Instances/LaunchPipeline.cs</c>): it runs the checks every backend
/// shares, writes the sidecar's state files, then calls <see cref="PreflightAsync"/>, <see cref="EnsureImagesAsync"/>,
/// <see cref="CreateTopologyAsync"/>, <see cref="StartSidecarAsync"/>, waits for the sidecar's ready file (asking
/// <see cref="SidecarStatusAsync"/> while it waits), <see cref="StartAgentAsync"/>, and provisions the guest through
/// <see cref="OpenGuestChannel"/>. It reports progress, and on any failure or cancellation calls
/// <see cref="RollbackAsync"/> and deletes the state files it wrote. A step records what it is about to create
/// (<see cref="LaunchContext.Creating"/>) and the facts it learnt (<see cref="LaunchContext.Record"/>).
/// </remarks>
public interface IBottleBackend
{
    /// <summary><c>docker</c>, <c>smolmachines</c> or <c>macos-container</c>.</summary>
    string Name { get; }

    /// <summary>What it supports.</summary>
    BackendCapabilities Capabilities { get; }

    /// <summary>The shape of its launch: step names, whether the agent waits for the ready sidecar.</summary>
    LaunchTraits Launch { get; }

    /// <summary>Preflight: can bottles run on this host now? Never throws.</summary>
    Task<BackendReadiness> CheckAsync(CancellationToken cancellationToken);

    /// <summary>The backend's own checks before anything is created (names it would use, objects already there); throws when the launch cannot work.</summary>
    Task PreflightAsync(LaunchContext launch, CancellationToken cancellationToken);

    /// <summary>Builds or reuses the images (or guest image) the bottle runs.</summary>
    Task EnsureImagesAsync(LaunchContext launch, CancellationToken cancellationToken);

    /// <summary>Creates the networks (nothing when the sidecar step makes its own).</summary>
    Task CreateTopologyAsync(LaunchContext launch, CancellationToken cancellationToken);

    /// <summary>Creates and starts the sidecar, calling <see cref="LaunchContext.SidecarStarting"/> right before the start; does not wait for it to be ready.</summary>
    Task StartSidecarAsync(LaunchContext launch, CancellationToken cancellationToken);

    /// <summary>The sidecar's status while the service waits for it: <c>running</c>, or why not (<c>exited (1)</c>, <c>stopped</c>, <c>missing</c>).</summary>
    Task<string> SidecarStatusAsync(LaunchContext launch, CancellationToken cancellationToken);

    /// <summary>What to show when the sidecar failed to get ready: its last output, or where to read it.</summary>
    Task<string> SidecarOutputAsync(LaunchContext launch, CancellationToken cancellationToken);

    /// <summary>Creates and starts the agent's guest (only <c>sleep</c> runs until provisioning) and everything it needs before provisioning (docker: its firewall).</summary>
    Task StartAgentAsync(LaunchContext launch, CancellationToken cancellationToken);

    /// <summary>The channel provisioning and the service use to reach the started guest.</summary>
    IGuestChannel OpenGuestChannel(BottleTarget bottle, int agentUid);

    /// <summary>Removes everything in <see cref="LaunchContext.Created"/> (best effort; never throws for what is already gone).</summary>
    Task RollbackAsync(LaunchContext launch, CancellationToken cancellationToken);

    /// <summary>
    /// Resume, first half: checks every object is still there (<c>BottleBroken</c> otherwise) and starts the sidecar
    /// when it is not running, calling <see cref="LaunchContext.SidecarStarting"/> first.
    /// </summary>
    /// <returns>Whether it started the sidecar (the service then waits for its ready file).</returns>
    Task<bool> ResumeSidecarAsync(LaunchContext resume, CancellationToken cancellationToken);

    /// <summary>Resume, second half (the sidecar is ready): starts the agent's guest and redoes what a restart undid (firewall, hosts entry); records changed facts.</summary>
    Task ResumeAgentAsync(LaunchContext resume, CancellationToken cancellationToken);

    /// <summary>Stops the agent and the sidecar, keeping everything.</summary>
    Task StopAsync(BottleTarget bottle, CancellationToken cancellationToken);

    /// <summary>Removes every object of the bottle (idempotent; missing objects are fine).</summary>
    Task RemoveAsync(BottleTarget bottle, CancellationToken cancellationToken);

    /// <summary>The bottle's live state.</summary>
    Task<RuntimeStatus> InspectAsync(BottleTarget bottle, CancellationToken cancellationToken);

    /// <summary>Runs a command in the agent's guest, streaming output lines; returns the exit code and the exact output.</summary>
    Task<GuestCommandResult> ExecAsync(BottleTarget bottle, BottleExecRequest request, Action<ProcessOutputLine>? output, CancellationToken cancellationToken);

    /// <summary>Attaches this process's terminal to <paramref name="command"/> in the guest; returns its exit code.</summary>
    Task<int> AttachAsync(BottleTarget bottle, IReadOnlyList<string> command, CancellationToken cancellationToken);

    /// <summary>Objects this backend owns whose slug is not in <paramref name="knownSlugs"/>.</summary>
    Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken);

    /// <summary>Removes one orphan.</summary>
    Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken);
}
