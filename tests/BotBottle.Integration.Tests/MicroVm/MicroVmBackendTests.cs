using BotBottle.Backends;
using BotBottle.Backends.AppleContainer;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;
using BotBottle.Backends.Smolmachines;
using BotBottle.Configuration;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Operations;
using BotBottle.Planning;
using BotBottle.Processes;
using BotBottle.Tests.Bottles;
using Xunit.Abstractions;

namespace BotBottle.Tests.MicroVm;

/// <summary>A home with a shell agent <c>dev</c> (skill <c>alpha</c>, a prompt, a git identity) for driving the micro-VM backends.</summary>
internal sealed class MicroVmHome : IDisposable
{
    private readonly TempDirectory _dir = new("bbmicrovm");

    /// <param name="bottleKeys">Extra top-level YAML of bottle <c>b</c> (e.g. <c>env</c>, <c>egress</c>), ending with a newline.</param>
    public MicroVmHome(string bottleKeys = "")
    {
        _dir.WriteFile("home/bottles/b.md", "---\nagent_provider:\n  template: shell\ngit-gate:\n  user:\n    name: Dev\n    email: dev@example.invalid\n" + bottleKeys + "---\n");
        _dir.WriteFile("home/agents/dev.md", "---\nbottle: b\nskills: [alpha]\n---\nFix the tests.\n");
        _dir.WriteFile("home/skills/alpha/SKILL.md", "# alpha\n");
        Directory.CreateDirectory(Project);
    }

    public string Root => _dir.Combine("home");

    public string Project => _dir.Combine("project");

    public BotBottleHome Home => new(Root);

    /// <param name="label">The bottle's label.</param>
    /// <param name="secrets">Values of the bottle's <c>?</c> secrets (none by default).</param>
    public async Task<InstanceRecord> PrepareAsync(string label, IReadOnlyDictionary<string, SecretValue>? secrets = null)
    {
        await new BottlePreparer(new ManifestCatalog(Home, Project), _ => null).PrepareAsync(new PrepareRequest { Agent = "dev", Label = label }, new DictionarySecretSource(secrets ?? new Dictionary<string, SecretValue>()), dryRun: false);
        return new InstanceStore(Home).Load(label);
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>Stands in for the host engine so the smolvm driver can be run against a fake smolvm without building images.</summary>
internal sealed class StubSidecarHost : ISidecarHost
{
    public List<string> Calls { get; } = [];

    public Task<BackendReadiness> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(new BackendReadiness("docker", true, "stub", []));

    public Task<string> ExportAgentImageAsync(BottlePlan plan, int agentUid, string destinationTar, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        File.WriteAllText(destinationTar, "not really a tar");
        Calls.Add("export");
        return Task.FromResult("bot-bottle/shell:stub");
    }

    public Task<SidecarEndpoint> StartAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        Calls.Add("start");

        // What the real sidecar does once its listeners are bound.
        launch.SidecarStarting();
        File.WriteAllText(launch.Bottle.PathOf(SidecarContract.ReadyFile), "{}");
        return Task.FromResult(new SidecarEndpoint("10.214.9.2", BottleRuntime.Empty));
    }

    public async Task<bool> ResumeAsync(LaunchContext resume, CancellationToken cancellationToken)
    {
        await Add("resume");
        return false;
    }

    public Task StopAsync(BottleTarget bottle, CancellationToken cancellationToken) => Add("stop");

    public Task RemoveAsync(BottleTarget bottle, CancellationToken cancellationToken) => Add("remove");

    public Task<string> StatusAsync(BottleTarget bottle, CancellationToken cancellationToken) => Task.FromResult("running");

    public Task<string> OutputAsync(BottleTarget bottle, CancellationToken cancellationToken) => Task.FromResult(string.Empty);

    public Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(string backend, IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<OrphanResource>>([]);

    public Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken) => Add("remove-orphan");

    private Task Add(string what)
    {
        Calls.Add(what);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The smolmachines and macos-container drivers run real processes: fake <c>smolvm</c> / <c>container</c> scripts
/// that record their argument vectors and exit as scripted.
/// </summary>
public sealed class FakeToolDriverTests
{
    [Fact]
    public async Task Smolvm_driver_issues_its_command_lines_through_real_processes()
    {
        using var home = new MicroVmHome();
        using var smolvm = new FakeTool("smolvm");
        smolvm.On("machine status", exit: 1, stderr: FakeFixtures.Read("smolvm", "status-missing.stderr"));
        var instance = await home.PrepareAsync("dev-fake");
        var sidecar = new StubSidecarHost();
        var backend = new SmolmachinesBackend(home.Home, ProcessRunner.Default, sidecar, _ => null, n => n == "smolvm" ? smolvm.ToolPath : null, _ => Task.FromResult<string?>(null));

        await LaunchPipeline.LaunchAsync(backend, new LaunchRequest { Bottle = instance.Target, SidecarSecrets = new Dictionary<string, SecretValue>() }, home.Home, _ => null, null, default);

        var calls = smolvm.Calls;
        Assert.Equal(["machine", "status", "--name", "bot-bottle-dev-fake", "--json"], calls[0]);
        Assert.Equal(["machine", "create", "--name", "bot-bottle-dev-fake", "--image", instance.PathOf("guest-image.tar"), "--net-backend", "virtio-net", "--allow-cidr", "10.214.9.2/32", "--dns", "10.214.9.2"], calls[1].Take(12));
        Assert.Equal(["machine", "start", "--name", "bot-bottle-dev-fake"], calls[2]);
        Assert.Equal("sh 10.214.9.2 sidecar", string.Join(' ', calls[3].TakeLast(3)));
        Assert.Equal("bot-bottle-dev-fake:/usr/local/share/ca-certificates/bot-bottle.crt", calls[4][^1]);
        Assert.Equal("bot-bottle-dev-fake:/home/agent/PROMPT.md", calls[6][^1]);
        Assert.Contains(calls, c => c[^1] == "/home/agent/skills" && c.Contains("tar -xf \"$1\" -C \"$2\"; rc=$?; rm -f \"$1\"; exit $rc"));
        Assert.Equal("bot-bottle-dev-fake:/home/agent/.gitconfig", calls[^1][^1]);
        Assert.Equal(["export", "start"], sidecar.Calls);
    }

    [Fact]
    public async Task Smolvm_driver_reports_a_failing_exit_with_the_tools_stderr_and_rolls_back()
    {
        using var home = new MicroVmHome();
        using var smolvm = new FakeTool("smolvm");
        smolvm.On("machine status", exit: 1).On("machine start", exit: 7, stderr: "Error: KVM_CREATE_VM failed: Permission denied");
        var instance = await home.PrepareAsync("dev-fail");
        var sidecar = new StubSidecarHost();
        var backend = new SmolmachinesBackend(home.Home, ProcessRunner.Default, sidecar, _ => null, _ => smolvm.ToolPath, _ => Task.FromResult<string?>(null));

        var ex = await Assert.ThrowsAsync<BackendCommandFailedException>(() => LaunchPipeline.LaunchAsync(backend, new LaunchRequest { Bottle = instance.Target, SidecarSecrets = new Dictionary<string, SecretValue>() }, home.Home, _ => null, null, default));
        Assert.Equal(7, ex.ExitCode);
        Assert.Contains("The smolmachines backend could not start the micro-VM bot-bottle-dev-fail", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KVM_CREATE_VM failed: Permission denied", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["machine", "delete", "--name", "bot-bottle-dev-fail", "-f"], smolvm.Calls[^1]);
        Assert.Equal("remove", sidecar.Calls[^1]);
    }

    [Fact]
    public async Task Smolvm_preflight_runs_the_real_version_probe()
    {
        using var smolvm = new FakeTool("smolvm");
        smolvm.On("--version", stdout: "smolvm 1.8.3");
        using var home = new MicroVmHome();
        var r = await new SmolmachinesBackend(home.Home, ProcessRunner.Default, new StubSidecarHost(), _ => null, _ => smolvm.ToolPath, _ => Task.FromResult<string?>(null)).CheckAsync(default);
        Assert.Equal("smolvm 1.8.3 is too old: BotBottle needs 1.9.0 or later (machine cp --mode/--uid/--gid (owner and mode of provisioned files) needs 1.9.0); upgrade it.", Assert.Single(r.Problems));
        Assert.Equal(["--version"], Assert.Single(smolvm.Calls));
    }

    [Fact]
    public async Task Apple_container_driver_issues_its_command_lines_through_real_processes()
    {
        using var home = new MicroVmHome();
        using var container = new FakeTool("container");
        var instance = await home.PrepareAsync("dev-mac");
        container
            .On("run -d --name bot-bottle-dev-mac-sidecar", touch: instance.PathOf("sidecar-ready.json"))
            .On("inspect bot-bottle-dev-mac-sidecar", stdout: FakeFixtures.Read("container", "inspect-sidecar-running.json").Replace("dev-test", "dev-mac", StringComparison.Ordinal));
        var backend = new AppleContainerBackend(home.Home, BotBottle.Assets.AssetLocator.Default, ProcessRunner.Default, _ => null, _ => container.ToolPath, () => true);

        var facts = await LaunchPipeline.LaunchAsync(backend, new LaunchRequest { Bottle = instance.Target, SidecarSecrets = new Dictionary<string, SecretValue>() }, home.Home, _ => null, null, default);
        var lines = container.Lines;
        Assert.StartsWith("build -t bot-bottle/sidecar:local -f ", lines[0]);
        Assert.StartsWith("network create --internal ", lines[2]);
        Assert.EndsWith(" bot-bottle-dev-mac-hostonly", lines[2]);
        Assert.StartsWith("run -d --name bot-bottle-dev-mac-sidecar --network bot-bottle-dev-mac-nat --network bot-bottle-dev-mac-hostonly ", lines[4]);
        Assert.StartsWith("run -d --name bot-bottle-dev-mac --network bot-bottle-dev-mac-hostonly ", lines[6]);
        Assert.Contains(" --dns 192.168.70.2 ", lines[6], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("cp ", StringComparison.Ordinal) && l.EndsWith(" bot-bottle-dev-mac:/home/agent/skills/alpha", StringComparison.Ordinal));
        Assert.Equal("192.168.70.2", facts.SidecarAddress);
    }
}

/// <summary>
/// On this Linux host, <c>bot-bottle start &lt;agent&gt; --backend smolmachines</c> without <c>smolvm</c> exits
/// non-zero with the preflight message and creates nothing: no state folder, no container, no network.
/// </summary>
public sealed class SmolmachinesPreflightCliTests
{
    [Fact]
    public async Task Start_without_smolvm_fails_preflight_and_creates_nothing()
    {
        using var home = new MicroVmHome();
        var path = string.Join(Path.PathSeparator, (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator).Where(d => d.Length > 0 && !File.Exists(Path.Combine(d, "smolvm"))));
        var r = await Cli.CliProcess.RunInAsync(home.Project, new Dictionary<string, string?> { ["BOT_BOTTLE_HOME"] = home.Root, ["PATH"] = path, ["BOT_BOTTLE_BACKEND"] = null },
            "start", "dev", "--backend", "smolmachines", "--detach");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error: The smolmachines backend cannot run bottles on this host: smolvm is not on PATH: install it", r.StandardError, StringComparison.Ordinal);
        Assert.Contains("[BackendUnavailable]", r.StandardError, StringComparison.Ordinal);
        Assert.Empty(r.StandardOutput);

        var state = Path.Combine(home.Root, "state");
        Assert.False(Directory.Exists(state) && Directory.EnumerateFileSystemEntries(state).Any(), "a failed preflight leaves no state folder");
        using var engine = DockerEngineClient.FromEnvironment();
        var homeLabel = $"{DockerDefaults.HomeLabel}={DockerDefaults.HomeId(home.Root)}";
        Assert.Empty(await engine.ListContainersAsync([homeLabel], default));
        Assert.Empty(await engine.ListNetworksAsync([homeLabel], default));
        Assert.Empty(await engine.ListContainersAsync([$"{DockerDefaults.SlugLabel}=dev"], default));
    }
}

/// <summary>
/// Live lifecycle on the micro-VM backends. They run where <c>smolvm</c> (with KVM) or Apple <c>container</c> is
/// installed and are skipped, with the reason printed, everywhere else — never reported as passed.
/// </summary>
[Collection(BottleCollection.Name)]
public sealed class LiveMicroVmBackendTests(BottleHome home, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Smolmachines_bottle_runs_commands_reaches_only_the_sidecar_and_leaves_nothing()
    {
        var ready = await home.Services.Backends.Get("smolmachines").CheckAsync(default);
        Skip.IfNot(ready.Ready, $"smolmachines backend not available on this host: {string.Join(" ", ready.Problems)}");
        output.WriteLine(ready.Summary);
        await LifecycleAsync("smolmachines");
    }

    [SkippableFact]
    public async Task Macos_container_bottle_runs_commands_reaches_only_the_sidecar_and_leaves_nothing()
    {
        var ready = await home.Services.Backends.Get("macos-container").CheckAsync(default);
        Skip.IfNot(ready.Ready, $"macos-container backend not available on this host: {string.Join(" ", ready.Problems)}");
        output.WriteLine(ready.Summary);
        await LifecycleAsync("macos-container");
    }

    private async Task LifecycleAsync(string backend)
    {
        var bottle = await home.StartOnAsync(backend);
        Assert.Equal(backend, bottle.Backend);
        var listed = await home.Services.Bottles.GetAsync(bottle.Name, default);
        Assert.Equal(BottleState.Running, listed.State);

        var hello = await home.ShAsync(bottle.Name, "echo hello; test -f /usr/local/share/ca-certificates/bot-bottle.crt && echo ca");
        Assert.Equal("hello\nca\n", hello.StandardOutput);
        var allowed = await home.ShAsync(bottle.Name, $"curl -sS -o /dev/null -w '%{{http_code}}' {home.UpstreamUrl("/ok")}");
        Assert.Equal("200", allowed.StandardOutput.Trim());
        // Straight past the proxy to an address this host really reaches (the NuGet source the suite restored from;
        // 1.1.1.1 would be unreachable on any offline host and prove nothing). Control: the host connects to it.
        var target = (await System.Net.Dns.GetHostAddressesAsync("api.nuget.org")).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        using (var control = new System.Net.Sockets.TcpClient())
        {
            await control.ConnectAsync(target, 443);
        }

        var direct = await home.ShAsync(bottle.Name, $"curl -sSk --noproxy '*' -m 5 -o /dev/null https://{target}/ && echo reached || echo blocked");
        Assert.Contains("blocked", direct.StandardOutput, StringComparison.Ordinal);

        var record = home.Services.Bottles.Store.Load(bottle.Name);
        await home.Services.Bottles.RemoveAsync(bottle.Name, force: true, default);
        Assert.False(Directory.Exists(record.Directory));
        var status = await home.Services.Backends.Get(backend).InspectAsync(record.Target, default);
        Assert.All(status.Services.Values, v => Assert.Equal("missing", v));
    }
}
