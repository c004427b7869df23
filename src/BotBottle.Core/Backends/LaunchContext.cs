using System.Collections.Immutable;
using BotBottle.Operations;
using BotBottle.Planning;

namespace BotBottle.Backends;

/// <summary>
/// The part of a bottle's state a backend works on: its state folder, its plan and the runtime facts recorded
/// when it started. Backends never read or write the instance's metadata; the bottle service does.
/// </summary>
/// <param name="Directory">The state folder, <c>&lt;home&gt;/state/&lt;slug&gt;</c> (mounted into the sidecar at <see cref="SidecarContract.StateMount"/>).</param>
/// <param name="Plan">The plan written at prepare time.</param>
/// <param name="Runtime">The facts recorded by the backend at its last start (<see cref="BottleRuntime.Empty"/> before).</param>
public sealed record BottleTarget(string Directory, BottlePlan Plan, BottleRuntime Runtime)
{
    /// <summary>The slug.</summary>
    public string Slug => Plan.Slug;

    /// <summary>Path of a file in the state folder.</summary>
    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <inheritdoc />
    public override string ToString() => Slug;
}

/// <summary>The steps of a launch, in the order the bottle service runs them (PRODUCT.md §4 step 3).</summary>
public enum LaunchStep
{
    /// <summary>Builds or reuses the sidecar and agent images.</summary>
    Images,

    /// <summary>Creates the networks the sidecar and the agent join.</summary>
    Topology,

    /// <summary>Creates and starts the sidecar (its ready wait is the service's).</summary>
    Sidecar,

    /// <summary>Creates and starts the agent's guest, which runs only <c>sleep</c> until provisioning.</summary>
    Agent,

    /// <summary>Installs the CA, prompt, skills, git and MCP configuration through the guest channel.</summary>
    Provisioning,

    /// <summary>Everything runs.</summary>
    Ready,
}

/// <summary>How a backend's launch differs in shape, for the bottle service's pipeline.</summary>
public sealed record LaunchTraits
{
    /// <summary>
    /// The step names every backend starts from: <c>images</c>, <c>networks</c>, <c>sidecar</c>, <c>agent</c>,
    /// <c>provisioning</c> (<see cref="LaunchStep.Ready"/> is not reported). A backend that differs changes this table
    /// (<c>SetItem</c>, <c>Remove</c>) rather than writing its own.
    /// </summary>
    public static ImmutableDictionary<LaunchStep, string> StandardStepNames { get; } = ImmutableDictionary.CreateRange(
    [
        KeyValuePair.Create(LaunchStep.Images, "images"),
        KeyValuePair.Create(LaunchStep.Topology, "networks"),
        KeyValuePair.Create(LaunchStep.Sidecar, "sidecar"),
        KeyValuePair.Create(LaunchStep.Agent, "agent"),
        KeyValuePair.Create(LaunchStep.Provisioning, "provisioning"),
    ]);

    /// <summary>
    /// Progress names of the steps (<c>Starting bottle</c> records read <c>&lt;slug&gt;: &lt;name&gt;</c>; the faces and
    /// <c>bench/start/run.sh</c> show them). A step without a name is run but not reported. Default:
    /// <see cref="StandardStepNames"/>.
    /// </summary>
    public IReadOnlyDictionary<LaunchStep, string> StepNames { get; init; } = StandardStepNames;

    /// <summary>
    /// <see langword="true"/>: the agent step runs while the sidecar gets ready (it does not need the ready
    /// sidecar; docker). <see langword="false"/>: the agent step starts once the sidecar is ready (it needs the
    /// sidecar's address, read from the running sidecar).
    /// </summary>
    public bool AgentStartsBeforeSidecarIsReady { get; init; }

    /// <summary>
    /// <see langword="true"/>: the networks are created while the images are built or looked up (neither needs the
    /// other; docker). <see langword="false"/>: the topology step starts once the images are there.
    /// </summary>
    public bool TopologyAlongsideImages { get; init; }

    /// <summary>Whether provisioning writes <c>sidecar</c> → <see cref="BottleRuntime.SidecarAddress"/> into the guest's <c>/etc/hosts</c> (no engine DNS alias reaches the guest).</summary>
    public bool SidecarInGuestHosts { get; init; }

    /// <summary>How long the sidecar may take to write its ready file once started.</summary>
    public TimeSpan SidecarReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The progress percentage the service reports for <paramref name="step"/>.</summary>
    public static int Percent(LaunchStep step) => step switch
    {
        LaunchStep.Images => 5,
        LaunchStep.Topology => 40,
        LaunchStep.Sidecar => 55,
        LaunchStep.Agent => 70,
        LaunchStep.Provisioning => 85,
        _ => 100,
    };
}

/// <summary>Something a launch created, recorded before the call that creates it, for the rollback.</summary>
/// <param name="Kind">Backend-defined kind: <c>container</c>, <c>network</c>, <c>vm</c>, <c>sidecar</c>.</param>
/// <param name="Name">Its name (or id).</param>
public sealed record CreatedObject(string Kind, string Name);

/// <summary>
/// One launch or resume as the bottle service runs it: the inputs a backend's steps read, the runtime facts they
/// record, and what they created. Steps run one at a time except the sidecar's ready wait (see
/// <see cref="LaunchTraits.AgentStartsBeforeSidecarIsReady"/>) and the guest's files (see <see cref="GuestStarted"/>);
/// the members are safe to use from all of them.
/// </summary>
public sealed class LaunchContext
{
    private readonly object _gate = new();
    private readonly List<CreatedObject> _created = [];
    private readonly TaskCompletionSource _guestStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private BottleRuntime _runtime;

    /// <summary>Creates the context of a launch or resume of <paramref name="bottle"/>.</summary>
    /// <param name="bottle">The bottle.</param>
    /// <param name="agentUid">The agent user's uid in the guest (the host user's, so files it writes stay the operator's).</param>
    /// <param name="progress">Where step records go, or <see langword="null"/>.</param>
    public LaunchContext(BottleTarget bottle, int agentUid, IProgress<OperationProgress>? progress)
    {
        Bottle = bottle ?? throw new ArgumentNullException(nameof(bottle));
        AgentUid = agentUid;
        Progress = progress;
        _runtime = bottle.Runtime;
    }

    /// <summary>The bottle.</summary>
    public BottleTarget Bottle { get; }

    /// <summary>The slug.</summary>
    public string Slug => Bottle.Slug;

    /// <summary>The plan.</summary>
    public BottlePlan Plan => Bottle.Plan;

    /// <summary>The agent user's uid in the guest.</summary>
    public int AgentUid { get; }

    /// <summary>Secret values for the sidecar's environment, by name (never the agent's). Empty on resume.</summary>
    public IReadOnlyDictionary<string, SecretValue> SidecarSecrets { get; init; } = new Dictionary<string, SecretValue>();

    /// <summary>Whether the state folder has <see cref="SidecarContract.UpstreamCaFile"/> (the sidecar's command line names it).</summary>
    public bool HasUpstreamCa { get; init; }

    /// <summary>Extra name → address entries for the sidecar's resolver (<c>host-gateway</c>: the engine host).</summary>
    public IReadOnlyDictionary<string, string> HostAliases { get; init; } = new Dictionary<string, string>();

    /// <summary>How long proposals wait for the operator; null: the sidecar's default.</summary>
    public TimeSpan? ProposalTimeout { get; init; }

    /// <summary>Where step records go, or <see langword="null"/> (e.g. image build output).</summary>
    public IProgress<OperationProgress>? Progress { get; }

    /// <summary>The facts recorded so far (starts as the bottle's recorded facts).</summary>
    public BottleRuntime Runtime
    {
        get
        {
            lock (_gate)
            {
                return _runtime;
            }
        }
    }

    /// <summary>What the launch created so far, in order.</summary>
    public IReadOnlyList<CreatedObject> Created
    {
        get
        {
            lock (_gate)
            {
                return [.. _created];
            }
        }
    }

    /// <summary>Records facts: <paramref name="change"/> gets the facts so far and returns them changed.</summary>
    public void Record(Func<BottleRuntime, BottleRuntime> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            _runtime = change(_runtime);
        }
    }

    /// <summary>Records that the next call creates <paramref name="name"/> (call it before, so a half-finished create is rolled back too).</summary>
    public void Creating(string kind, string name)
    {
        lock (_gate)
        {
            _created.Add(new CreatedObject(kind, name));
        }
    }

    /// <summary>Whether <see cref="Creating"/> was called for <paramref name="kind"/> and <paramref name="name"/>.</summary>
    public bool WasCreating(string kind, string name)
    {
        lock (_gate)
        {
            return _created.Contains(new CreatedObject(kind, name));
        }
    }

    /// <summary>
    /// The agent step calls this once the guest runs (only <c>sleep</c>) and its guest channel takes file
    /// operations, before the rest of the step (docker: the firewall). The pipeline then writes the guest's files (CA,
    /// prompt, skills, git config; <see cref="Provisioning.GuestProvisioner.WriteFilesAsync"/>) alongside; nothing of
    /// the agent's runs before the whole step is done. A backend that never calls it gets its files written after the step.
    /// </summary>
    public void GuestStarted() => _guestStarted.TrySetResult();

    /// <summary>Completes when <see cref="GuestStarted"/> was called.</summary>
    internal Task GuestStartedTask => _guestStarted.Task;

    /// <summary>
    /// Deletes the sidecar's ready file: a backend calls this right before it starts the sidecar, so the service's
    /// ready wait sees the file that start writes, not an old one.
    /// </summary>
    public void SidecarStarting() => File.Delete(Bottle.PathOf(SidecarContract.ReadyFile));

    /// <summary>Reports a step of the launch: <c>Starting bottle</c>, <c>&lt;slug&gt;: &lt;status&gt;</c>.</summary>
    public void Report(string status, int percent, bool completed = false) =>
        Progress?.Report(new OperationProgress(Activity, $"{Slug}: {status}", percent, Completed: completed));

    /// <summary>The activity name of launch and resume progress records.</summary>
    public const string Activity = "Starting bottle";
}
