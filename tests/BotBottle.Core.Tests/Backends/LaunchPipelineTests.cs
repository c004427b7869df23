using BotBottle.Assets;
using BotBottle.Backends;
using BotBottle.Backends.AppleContainer;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Provisioning;
using BotBottle.Backends.Smolmachines;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Processes;

namespace BotBottle.Tests.Backends;

/// <summary>
/// The bottle service's launch pipeline against a scripted backend: the order of the steps, the sidecar's ready wait
/// alongside the agent step, and the rollback (backend objects and state files) when a step fails.
/// </summary>
public sealed class LaunchPipelineTests : IDisposable
{
    private readonly BackendTestHome _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task The_agent_step_runs_while_the_sidecar_gets_ready_when_the_backend_allows_it()
    {
        var instance = await _t.PrepareAsync();

        // The sidecar writes its ready file only once the agent step ran: a pipeline that waited for the sidecar
        // before starting the agent would see it 'exited' and fail.
        var backend = new ScriptedBackend(agentFirst: true) { ReadyOnlyAfterAgent = true };
        var facts = await _t.LaunchAsync(backend, instance);

        Assert.Equal(["preflight", "images", "topology", "sidecar", "status"], backend.Log.Take(5));
        Assert.Contains("agent", backend.Log);
        Assert.True(backend.Log.IndexOf("status") < backend.Log.IndexOf("agent"), "the ready wait began before the agent step");
        Assert.False(backend.RolledBack);
        Assert.Equal("10.0.0.2", facts.SidecarAddress);
        Assert.True(File.Exists(instance.PathOf(SidecarContract.RoutesFile)), "the live routes stay for the running sidecar");
    }

    [Fact]
    public void The_backends_report_the_standard_steps_with_their_own_differences()
    {
        // What Start-Bottle's progress and bench/start/run.sh show: each reported step with its percentage, in launch order.
        static string Steps(IBottleBackend b) => string.Join(", ", Enum.GetValues<LaunchStep>().Where(b.Launch.StepNames.ContainsKey).Select(s => $"{b.Launch.StepNames[s]} {LaunchTraits.Percent(s)}%"));
        var home = _t.Home.Home;

        Assert.Equal("images 5%, networks 40%, sidecar 55%, agent 70%, provisioning 85%", Steps(new AppleContainerBackend(home, AssetLocator.Default, ProcessRunner.Default)));
        Assert.Equal("images 5%, networks 40%, sidecar 55%, agent 70%, provisioning 85%, ready 100%", Steps(new DockerBackend(home, AssetLocator.Default, ProcessRunner.Default)));
        Assert.Equal("guest image 5%, sidecar 55%, micro-VM 70%, provisioning 85%", Steps(new SmolmachinesBackend(home, ProcessRunner.Default, new RecordingSidecarHost(), _ => null, _ => null, _ => Task.FromResult<string?>(null))));
    }

    [Fact]
    public async Task The_guest_files_are_written_while_the_agent_step_finishes_and_its_commands_only_after_it()
    {
        var instance = await _t.PrepareAsync();

        // The agent step says its guest runs, then finishes (docker: the firewall) only once a file operation reached
        // the guest: a pipeline that wrote the files only after the step would never let it finish (the guard turns
        // that deadlock into a failure; it is not a timing assertion).
        var backend = new ScriptedBackend(agentFirst: true) { GuestStartsEarly = true };
        await _t.LaunchAsync(backend, instance);

        var log = backend.Log;
        var started = log.IndexOf("guest started");
        var done = log.IndexOf("agent step done");
        Assert.True(started >= 0 && done > started, string.Join(" | ", log));
        var files = log.Select((e, i) => (e, i)).Where(x => x.e.StartsWith("write ", StringComparison.Ordinal) || x.e.StartsWith("copy ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.True(f.i > started, $"'{f.e}' before the guest started"));
        Assert.Contains(files, f => f.i < done);

        // Security: the agent's own programs (the claude provider's MCP registration) run only after the whole agent
        // step (docker: its firewall) is done.
        var mcp = log.Select((e, i) => (e, i)).Where(x => x.e.StartsWith("exec claude", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(mcp);
        Assert.All(mcp, m => Assert.True(m.i > done, $"the MCP registration ran at {m.i}, the agent step ended at {done}: {string.Join(" | ", log)}"));
    }

    [Fact]
    public async Task When_the_agent_step_fails_after_the_guest_started_no_program_of_the_agent_has_run()
    {
        var instance = await _t.PrepareAsync();

        // Docker: the firewall helper fails after the guest's files began. Nothing but the file steps may have run in
        // the guest — not the provider's MCP registration or setup — and everything is rolled back.
        var backend = new ScriptedBackend(agentFirst: true) { GuestStartsEarly = true, FailAt = "firewall" };
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => _t.LaunchAsync(backend, instance));

        Assert.Equal("firewall failed", ex.Message);
        Assert.True(backend.RolledBack);
        Assert.Contains(backend.Log, e => e.StartsWith("write ", StringComparison.Ordinal));
        Assert.DoesNotContain(backend.Log, e => e.StartsWith("exec claude", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_backend_whose_agent_needs_the_ready_sidecar_gets_it_first()
    {
        var instance = await _t.PrepareAsync();
        var backend = new ScriptedBackend(agentFirst: false) { ReadyOnlyAfterAgent = true };
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => _t.LaunchAsync(backend, instance));

        // Waiting first, the pipeline sees the sidecar stop before the agent step ever runs.
        Assert.Equal("SidecarFailed", ex.ErrorId);
        Assert.Equal("The sidecar of bottle 'dev-test' is not running (exited (1)). its last words", ex.Message);
        Assert.DoesNotContain("agent", backend.Log);
        Assert.True(backend.RolledBack);
    }

    [Theory]
    [InlineData("images")]
    [InlineData("topology")]
    [InlineData("sidecar")]
    [InlineData("agent")]
    [InlineData("provisioning")]
    public async Task A_failing_step_rolls_back_what_was_created_and_the_state_files_it_wrote(string failing)
    {
        var instance = await _t.PrepareAsync();
        var ca = Path.Combine(_t.Home.Root, "upstream.pem");
        await File.WriteAllTextAsync(ca, "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n");
        var backend = new ScriptedBackend(agentFirst: true) { FailAt = failing };
        var request = BackendTestHome.Launch(instance) with { UpstreamCaFiles = [ca] };

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => LaunchPipeline.LaunchAsync(backend, request, _t.Home.Home, _ => null, null, default));
        if (failing != "provisioning")
        {
            Assert.Contains($"{failing} failed", ex.Message, StringComparison.Ordinal);
        }

        Assert.True(backend.RolledBack);
        Assert.Equal(backend.Creating, backend.RolledBackObjects);
        foreach (var file in new[] { SidecarContract.UpstreamCaFile, SidecarContract.RoutesFile, SidecarContract.ReadyFile })
        {
            Assert.False(File.Exists(instance.PathOf(file)), $"{file} is left after a failure at {failing}");
        }
    }

    [Fact]
    public async Task The_networks_are_created_while_the_images_are_made_when_the_backend_allows_it()
    {
        var instance = await _t.PrepareAsync();

        // The images step ends only once the topology step began: a pipeline that waited for the images first would
        // never get there (the guard turns that deadlock into a failure; it is not a timing assertion).
        var backend = new ScriptedBackend(agentFirst: true) { TopologyAlongside = true };
        await _t.LaunchAsync(backend, instance);

        Assert.Equal(["preflight", "images", "topology", "images done", "sidecar"], backend.Log.Take(5));
        Assert.False(backend.RolledBack);
    }

    [Theory]
    [InlineData("images", "topology")]
    [InlineData("topology", "images")]
    public async Task With_the_networks_alongside_the_images_a_failure_of_either_cancels_the_other_and_is_reported(string failing, string other)
    {
        var instance = await _t.PrepareAsync();

        // The other step would run until cancelled: the launch ends only because the failure cancels it.
        var backend = new ScriptedBackend(agentFirst: true) { TopologyAlongside = true, FailAt = failing };
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => _t.LaunchAsync(backend, instance));

        Assert.Equal($"{failing} failed", ex.Message);
        Assert.Contains($"{other} cancelled", backend.Log);
        Assert.DoesNotContain("sidecar", backend.Log);
        Assert.True(backend.RolledBack);
        Assert.Equal(backend.Creating, backend.RolledBackObjects);
    }

    [Fact]
    public async Task Routes_written_before_the_start_by_an_approval_are_kept_by_the_rollback()
    {
        var instance = await _t.PrepareAsync();
        await File.WriteAllTextAsync(instance.PathOf(SidecarContract.RoutesFile), "routes: []\n");
        var backend = new ScriptedBackend(agentFirst: true) { FailAt = "agent" };
        await Assert.ThrowsAnyAsync<Exception>(() => _t.LaunchAsync(backend, instance));
        Assert.Equal("routes: []\n", await File.ReadAllTextAsync(instance.PathOf(SidecarContract.RoutesFile)));
    }

    /// <summary>A backend whose steps record themselves, create nothing real, and fail where told.</summary>
    private sealed class ScriptedBackend(bool agentFirst) : IBottleBackend
    {
        private bool _agentRan;

        public List<string> Log { get; } = [];

        public string? FailAt { get; init; }

        public bool ReadyOnlyAfterAgent { get; init; }

        public bool RolledBack { get; private set; }

        public List<CreatedObject> Creating { get; } = [];

        public List<CreatedObject> RolledBackObjects { get; } = [];

        public string Name => "scripted";

        public BackendCapabilities Capabilities => BackendCapabilities.StopResume;

        public LaunchTraits Launch => new() { StepNames = new Dictionary<LaunchStep, string>(), AgentStartsBeforeSidecarIsReady = agentFirst, TopologyAlongsideImages = TopologyAlongside };

        /// <summary>
        /// Declares <see cref="LaunchTraits.TopologyAlongsideImages"/>; the images step then ends only once the topology
        /// step began, and the step that does not fail (<see cref="FailAt"/> names the other) runs until it is cancelled.
        /// </summary>
        public bool TopologyAlongside { get; init; }

        private TaskCompletionSource TopologyBegan { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<BackendReadiness> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(new BackendReadiness(Name, true, "ok", []));

        public Task PreflightAsync(LaunchContext launch, CancellationToken cancellationToken) => Step("preflight", launch);

        public async Task EnsureImagesAsync(LaunchContext launch, CancellationToken cancellationToken)
        {
            await Step("images", launch);
            if (TopologyAlongside)
            {
                // The topology step's failure may cancel this one while it still waits for the topology to begin
                // (its continuation runs on the thread pool): that wait counts as part of the step, and is logged
                // as cancelled like the rest of it.
                await UntilCancelledIfOtherFailsAsync("images", TopologyBegan.Task, cancellationToken);
                Add("images done");
            }
        }

        public async Task CreateTopologyAsync(LaunchContext launch, CancellationToken cancellationToken)
        {
            var step = Step("topology", launch, new CreatedObject("network", "n1"));
            TopologyBegan.TrySetResult();
            await step;
            if (TopologyAlongside)
            {
                await UntilCancelledIfOtherFailsAsync("topology", Task.CompletedTask, cancellationToken);
            }
        }

        /// <summary>Waits for <paramref name="first"/>, then, when the other step is the failing one, until cancelled; a cancellation during either wait is logged as "<paramref name="step"/> cancelled".</summary>
        private async Task UntilCancelledIfOtherFailsAsync(string step, Task first, CancellationToken cancellationToken)
        {
            try
            {
                await first.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
                if (FailAt is "images" or "topology" && FailAt != step)
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                Add(step + " cancelled");
                throw;
            }
        }

        public async Task StartSidecarAsync(LaunchContext launch, CancellationToken cancellationToken)
        {
            await Step("sidecar", launch, new CreatedObject("container", "sidecar"));
            launch.Record(r => r with { SidecarAddress = "10.0.0.2" });
            launch.SidecarStarting();
            if (!ReadyOnlyAfterAgent)
            {
                await File.WriteAllTextAsync(launch.Bottle.PathOf(SidecarContract.ReadyFile), "{}", cancellationToken);
            }
        }

        public Task<string> SidecarStatusAsync(LaunchContext launch, CancellationToken cancellationToken)
        {
            Add("status");
            return Task.FromResult(agentFirst || _agentRan ? "running" : "exited (1)");
        }

        public Task<string> SidecarOutputAsync(LaunchContext launch, CancellationToken cancellationToken) => Task.FromResult("its last words");

        public async Task StartAgentAsync(LaunchContext launch, CancellationToken cancellationToken)
        {
            await Step("agent", launch, new CreatedObject("container", "agent"));
            if (GuestStartsEarly)
            {
                Add("guest started");
                launch.GuestStarted();
                await FirstGuestOperation.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);

                // The file operations complete now, inline: whatever the pipeline runs right after them runs before
                // this step ends.
                FileOperations.SetResult();
                await Step("firewall", launch);
                Add("agent step done");
            }

            _agentRan = true;
            if (ReadyOnlyAfterAgent)
            {
                await File.WriteAllTextAsync(launch.Bottle.PathOf(SidecarContract.ReadyFile), "{}", cancellationToken);
            }
        }

        /// <summary>The agent step calls <see cref="LaunchContext.GuestStarted"/> and ends only after the guest's first file operation.</summary>
        public bool GuestStartsEarly { get; init; }

        public TaskCompletionSource FirstGuestOperation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Every file operation of the guest waits for this; the agent step completes it (continuations inline).</summary>
        public TaskCompletionSource FileOperations { get; } = new();

        public IGuestChannel OpenGuestChannel(BottleTarget bottle, int agentUid) =>
            FailAt == "provisioning" ? new FailingGuestChannel() : GuestStartsEarly ? new RecordingGuestChannel(this) : new AcceptingGuestChannel();

        public void Add(string entry)
        {
            lock (Log)
            {
                Log.Add(entry);
            }
        }

        public Task RollbackAsync(LaunchContext launch, CancellationToken cancellationToken)
        {
            RolledBack = true;
            RolledBackObjects.AddRange(launch.Created);
            return Task.CompletedTask;
        }

        public Task<bool> ResumeSidecarAsync(LaunchContext resume, CancellationToken cancellationToken) => Task.FromResult(false);

        public Task ResumeAgentAsync(LaunchContext resume, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(BottleTarget bottle, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemoveAsync(BottleTarget bottle, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<RuntimeStatus> InspectAsync(BottleTarget bottle, CancellationToken cancellationToken) => Task.FromResult(RuntimeStatus.FromServices("running", "running"));

        public Task<GuestCommandResult> ExecAsync(BottleTarget bottle, BottleExecRequest request, Action<ProcessOutputLine>? output, CancellationToken cancellationToken) =>
            Task.FromResult(new GuestCommandResult(0, string.Empty, string.Empty));

        public Task<int> AttachAsync(BottleTarget bottle, IReadOnlyList<string> command, CancellationToken cancellationToken) => Task.FromResult(0);

        public Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<OrphanResource>>([]);

        public Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken) => Task.CompletedTask;

        private Task Step(string name, LaunchContext launch, CreatedObject? creates = null)
        {
            Add(name);
            if (creates is not null)
            {
                Creating.Add(creates);
                launch.Creating(creates.Kind, creates.Name);
            }

            return FailAt == name ? Task.FromException(new BotBottleException("StepFailed", BotBottleErrorCategory.InvalidOperation, $"{name} failed")) : Task.CompletedTask;
        }
    }

    /// <summary>A guest that accepts everything and logs it into the backend's log; its first file operation lets the agent step end.</summary>
    private sealed class RecordingGuestChannel(ScriptedBackend backend) : IGuestChannel
    {
        public bool SupportsConcurrentOperations => true;

        public Task WriteFileAsync(string guestPath, ReadOnlyMemory<byte> content, GuestUser owner, UnixFileMode mode, CancellationToken cancellationToken) => File("write " + guestPath);

        public Task CopyDirectoryAsync(string hostDirectory, string guestDirectory, GuestUser owner, CancellationToken cancellationToken) => File("copy " + guestDirectory);

        public Task<GuestCommandResult> ExecAsync(IReadOnlyList<string> argv, GuestUser user, CancellationToken cancellationToken)
        {
            backend.Add("exec " + string.Join(' ', argv));
            return Task.FromResult(new GuestCommandResult(0, string.Empty, string.Empty));
        }

        private Task File(string entry)
        {
            backend.Add(entry);
            backend.FirstGuestOperation.TrySetResult();
            return backend.FileOperations.Task;
        }
    }

    /// <summary>A guest whose every command fails, so provisioning fails at its first step.</summary>
    private sealed class FailingGuestChannel : IGuestChannel
    {
        public Task WriteFileAsync(string guestPath, ReadOnlyMemory<byte> content, GuestUser owner, UnixFileMode mode, CancellationToken cancellationToken) =>
            Task.FromException(new BotBottleException("StepFailed", BotBottleErrorCategory.InvalidOperation, "provisioning failed"));

        public Task CopyDirectoryAsync(string hostDirectory, string guestDirectory, GuestUser owner, CancellationToken cancellationToken) =>
            Task.FromException(new BotBottleException("StepFailed", BotBottleErrorCategory.InvalidOperation, "provisioning failed"));

        public Task<GuestCommandResult> ExecAsync(IReadOnlyList<string> argv, GuestUser user, CancellationToken cancellationToken) =>
            Task.FromException<GuestCommandResult>(new BotBottleException("StepFailed", BotBottleErrorCategory.InvalidOperation, "provisioning failed"));
    }
}
