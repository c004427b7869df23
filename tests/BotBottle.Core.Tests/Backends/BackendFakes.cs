using BotBottle.Backends;
using BotBottle.Backends.Provisioning;
using BotBottle.Instances;
using BotBottle.Operations;
using BotBottle.Planning;
using BotBottle.Processes;
using BotBottle.Tests.Manifest;

namespace BotBottle.Tests.Backends;

/// <summary>
/// Records every process a driver starts (file name and argument vector) and answers from a script. A run of
/// <c>smolvm</c> or <c>container</c> is first checked against the real tool's option grammar
/// (<see cref="CliGrammar"/>, from the upstream source) and refused as the real parser refuses it (exit 2 / 64 and
/// its message), whatever the script says.
/// </summary>
internal sealed class RecordingProcessRunner : IProcessRunner
{
    private static readonly Dictionary<string, Lazy<CliGrammar>> s_grammars = new(StringComparer.Ordinal)
    {
        ["smolvm"] = new(() => CliGrammar.Load("smolvm")),
        ["container"] = new(() => CliGrammar.Load("container")),
    };

    private readonly List<(Func<IReadOnlyList<string>, bool> Match, int Exit, string Out, string Err)> _rules = [];

    public List<ProcessSpec> Calls { get; } = [];

    /// <summary>Called for each process before it is answered (to play the side effects of the real tool).</summary>
    public Action<ProcessSpec>? OnCall { get; set; }

    /// <summary>Argument vectors of the recorded calls, each joined with single spaces.</summary>
    public IReadOnlyList<string> Lines => [.. Calls.Select(c => string.Join(' ', c.Arguments))];

    /// <summary>Answers calls whose argument vector, joined with spaces, starts with <paramref name="prefix"/> (the latest matching rule wins; default exit 0, no output).</summary>
    public RecordingProcessRunner On(string prefix, int exit = 0, string stdout = "", string stderr = "")
    {
        _rules.Insert(0, (args => string.Join(' ', args).StartsWith(prefix, StringComparison.Ordinal), exit, stdout, stderr));
        return this;
    }

    public Task<ProcessResult> RunAsync(ProcessSpec spec, Action<ProcessOutputLine>? output = null, CancellationToken cancellationToken = default)
    {
        Calls.Add(spec);
        if (s_grammars.TryGetValue(Path.GetFileName(spec.FileName), out var grammar) && grammar.Value.Check(spec.Arguments) is { } refused)
        {
            return Task.FromResult(new ProcessResult(spec, refused.Exit, string.Empty, refused.Stderr, TimeSpan.Zero));
        }

        OnCall?.Invoke(spec);
        foreach (var (match, exit, o, e) in _rules)
        {
            if (match(spec.Arguments))
            {
                foreach (var line in o.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    output?.Invoke(new ProcessOutputLine(ProcessStream.StandardOutput, line));
                }

                return Task.FromResult(new ProcessResult(spec, exit, o, e, TimeSpan.Zero));
            }
        }

        return Task.FromResult(new ProcessResult(spec, 0, string.Empty, string.Empty, TimeSpan.Zero));
    }
}

/// <summary>An <see cref="ISidecarHost"/> that records what the backend asked of the engine.</summary>
internal sealed class RecordingSidecarHost : ISidecarHost
{
    public List<string> Calls { get; } = [];

    public bool Ready { get; set; } = true;

    public Exception? FailStart { get; set; }

    public string Address { get; set; } = "10.214.3.34";

    public Task<BackendReadiness> CheckAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Ready ? new BackendReadiness("docker", true, "28.0 at unix:///var/run/docker.sock", []) : new BackendReadiness("docker", false, "no engine", ["The sidecar runs on the host's Docker engine, which does not answer."]));

    public Task<string> ExportAgentImageAsync(BottlePlan plan, int agentUid, string destinationTar, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        Calls.Add($"export {plan.Bottle.Provider.Image}");
        File.WriteAllText(destinationTar, "tar");
        return Task.FromResult("bot-bottle/" + plan.Bottle.Provider.Image + ":test");
    }

    public Task<SidecarEndpoint> StartAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        Calls.Add("start " + launch.Slug);
        if (FailStart is { } ex)
        {
            return Task.FromException<SidecarEndpoint>(ex);
        }

        // What the real sidecar does once its listeners are bound.
        launch.SidecarStarting();
        File.WriteAllText(launch.Bottle.PathOf(SidecarContract.ReadyFile), "{}");
        return Task.FromResult(new SidecarEndpoint(Address, new BottleRuntime { SidecarContainer = "c1" }));
    }

    public Task<bool> ResumeAsync(LaunchContext resume, CancellationToken cancellationToken)
    {
        Calls.Add("resume " + resume.Slug);
        File.WriteAllText(resume.Bottle.PathOf(SidecarContract.ReadyFile), "{}");
        return Task.FromResult(true);
    }

    public Task StopAsync(BottleTarget bottle, CancellationToken cancellationToken) => Record("stop " + bottle.Slug);

    public Task RemoveAsync(BottleTarget bottle, CancellationToken cancellationToken) => Record("remove " + bottle.Slug);

    public Task<string> StatusAsync(BottleTarget bottle, CancellationToken cancellationToken) => Task.FromResult("running");

    public Task<string> OutputAsync(BottleTarget bottle, CancellationToken cancellationToken) => Task.FromResult("no output");

    public Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(string backend, IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OrphanResource>>([]);

    public Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken) => Record("remove-orphan " + orphan.Id);

    private Task Record(string what)
    {
        Calls.Add(what);
        return Task.CompletedTask;
    }
}

/// <summary>A backend that only records which lifecycle calls reached it.</summary>
internal sealed class RecordingBackend(string name, BackendCapabilities capabilities, bool ready = true, List<string>? log = null) : IBottleBackend
{
    public List<string> Log { get; } = log ?? [];

    public string Name => name;

    public BackendCapabilities Capabilities => capabilities;

    public RuntimeStatus Status { get; set; } = new(BottleState.Running, new Dictionary<string, string> { ["agent"] = "running", ["sidecar"] = "running" });

    public Task<BackendReadiness> CheckAsync(CancellationToken cancellationToken)
    {
        Log.Add($"{name}:check");
        return Task.FromResult(ready ? new BackendReadiness(name, true, "ok", []) : new BackendReadiness(name, false, "missing", [$"{name} is not installed: install it."]));
    }

    public LaunchTraits Launch { get; } = new() { StepNames = new Dictionary<LaunchStep, string> { [LaunchStep.Sidecar] = "sidecar" } };

    public Task PreflightAsync(LaunchContext launch, CancellationToken cancellationToken) => Rec("launch", 0);

    public Task EnsureImagesAsync(LaunchContext launch, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CreateTopologyAsync(LaunchContext launch, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartSidecarAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        launch.SidecarStarting();
        File.WriteAllText(launch.Bottle.PathOf(SidecarContract.ReadyFile), "{}");
        return Task.CompletedTask;
    }

    public Task<string> SidecarStatusAsync(LaunchContext launch, CancellationToken cancellationToken) => Task.FromResult("running");

    public Task<string> SidecarOutputAsync(LaunchContext launch, CancellationToken cancellationToken) => Task.FromResult(string.Empty);

    public Task StartAgentAsync(LaunchContext launch, CancellationToken cancellationToken) => Task.CompletedTask;

    public IGuestChannel OpenGuestChannel(BottleTarget bottle, int agentUid) => new AcceptingGuestChannel();

    public Task RollbackAsync(LaunchContext launch, CancellationToken cancellationToken) => Rec("rollback", 0);

    public Task<bool> ResumeSidecarAsync(LaunchContext resume, CancellationToken cancellationToken) => Rec("resume", false);

    public Task ResumeAgentAsync(LaunchContext resume, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(BottleTarget bottle, CancellationToken cancellationToken)
    {
        Status = Status with { State = BottleState.Stopped };
        return Rec("stop", 0);
    }

    public Task RemoveAsync(BottleTarget bottle, CancellationToken cancellationToken) => Rec("remove", 0);

    public Task<RuntimeStatus> InspectAsync(BottleTarget bottle, CancellationToken cancellationToken) => Rec("inspect", Status);

    public Task<GuestCommandResult> ExecAsync(BottleTarget bottle, BottleExecRequest request, Action<ProcessOutputLine>? output, CancellationToken cancellationToken) =>
        Rec("exec", new GuestCommandResult(0, "ok", string.Empty));

    public Task<int> AttachAsync(BottleTarget bottle, IReadOnlyList<string> command, CancellationToken cancellationToken) => Rec("attach", 0);

    public Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken) =>
        Rec<IReadOnlyList<OrphanResource>>("orphans", []);

    public Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken) => Rec("remove-orphan", 0);

    private Task<T> Rec<T>(string what, T value)
    {
        Log.Add($"{name}:{what}");
        return Task.FromResult(value);
    }
}

/// <summary>A guest that accepts every file and command (exit 0, no output): provisioning through a recording backend.</summary>
internal sealed class AcceptingGuestChannel : IGuestChannel
{
    public Task WriteFileAsync(string guestPath, ReadOnlyMemory<byte> content, GuestUser owner, UnixFileMode mode, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CopyDirectoryAsync(string hostDirectory, string guestDirectory, GuestUser owner, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<GuestCommandResult> ExecAsync(IReadOnlyList<string> argv, GuestUser user, CancellationToken cancellationToken) =>
        Task.FromResult(new GuestCommandResult(0, string.Empty, string.Empty));
}

/// <summary>A home with one agent (<c>dev</c>, skills alpha and beta, a prompt) in bottle <c>b</c> (claude provider, git identity, one gated repo).</summary>
internal sealed class BackendTestHome : IDisposable
{
    public BackendTestHome(string prompt = "Fix the tests.", bool withSkills = true)
    {
        // The gate's credential: a (fake) token file, which the sidecar secrets read at start.
        var key = System.IO.Path.Combine(Home.Root, "app-token");
        Directory.CreateDirectory(Home.Root);
        File.WriteAllText(key, "fake-token-for-dispatch-tests\n");
        Home.Bottle("b", $"agent_provider:\n  template: claude\ngit-gate:\n  user:\n    name: Dev\n    email: dev@example.invalid\n  repos:\n    app:\n      url: https://github.com/example/app.git\n      key: {key}\n");
        Home.Agent("dev", "bottle: b\n" + (withSkills ? "skills: [alpha, beta]\n" : string.Empty), prompt);
        if (withSkills)
        {
            Home.Skill("alpha");
            Home.Skill("beta");
        }
    }

    public TestHome Home { get; } = new();

    public InstanceStore Store => new(Home.Home);

    /// <summary>Prepares <c>dev</c> and returns its record (optionally recorded as started on <paramref name="backend"/>).</summary>
    public async Task<InstanceRecord> PrepareAsync(string label = "dev-test", string? backend = null, BottleState state = BottleState.Running)
    {
        await Home.Preparer().PrepareAsync(new PrepareRequest { Agent = "dev", Label = label }, new DictionarySecretSource(new Dictionary<string, SecretValue>()), dryRun: false);
        var record = Store.Load(label);
        return backend is null ? record : InstanceStore.Update(record, m => m with { Backend = backend, State = state });
    }

    public static LaunchRequest Launch(InstanceRecord instance) => new() { Bottle = instance.Target, SidecarSecrets = new Dictionary<string, SecretValue>() };

    /// <summary>Launches <paramref name="instance"/> on <paramref name="backend"/> through the bottle service's pipeline (as Start-Bottle does).</summary>
    public Task<BottleRuntime> LaunchAsync(IBottleBackend backend, InstanceRecord instance, Func<string, string?>? environment = null) =>
        LaunchPipeline.LaunchAsync(backend, Launch(instance), Home.Home, environment ?? (_ => null), null, default);

    /// <summary>Resumes <paramref name="instance"/> on <paramref name="backend"/> through the bottle service's pipeline.</summary>
    public static Task<BottleRuntime> ResumeAsync(IBottleBackend backend, InstanceRecord instance) =>
        LaunchPipeline.ResumeAsync(backend, instance.Target, null, default);

    public void Dispose() => Home.Dispose();
}
