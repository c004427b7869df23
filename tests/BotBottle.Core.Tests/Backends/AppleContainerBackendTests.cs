using BotBottle.Backends;
using BotBottle.Backends.AppleContainer;

namespace BotBottle.Tests.Backends;

/// <summary>The macos-container driver against a recording of every <c>container</c> command line it issues.</summary>
public sealed class AppleContainerBackendTests : IDisposable
{
    private const string Tool = "/usr/local/bin/container";
    private static readonly string SidecarInspect = Fixture("inspect-sidecar-running.json");
    private readonly BackendTestHome _t = new();
    private readonly RecordingProcessRunner _runner = new();
    private readonly TempDirectory _assets = new("bbassets");

    public AppleContainerBackendTests()
    {
        foreach (var recipe in new[] { "sidecar", "claude" })
        {
            _assets.WriteFile($"images/{recipe}/Dockerfile", "FROM scratch\n");
        }

        _assets.WriteFile("sidecar/linux-x64/bot-bottle-sidecar", "bin");
        _assets.WriteFile("sidecar/linux-arm64/bot-bottle-sidecar", "bin");
    }

    public void Dispose()
    {
        _t.Dispose();
        _assets.Dispose();
    }

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(CliGrammar.FixtureDirectory("container"), name));

    private AppleContainerBackend Backend(bool macOs = true, Func<string, string?>? locate = null, Version? os = null) =>
        new(_t.Home.Home, new BotBottle.Assets.AssetLocator([_assets.Path]), _runner, _ => null, locate ?? (n => n == "container" ? Tool : null), () => macOs, () => os ?? new Version(26, 1));

    private void SidecarWritesReadyFile(Instances.InstanceRecord instance) => _runner.OnCall = spec =>
    {
        if (string.Join(' ', spec.Arguments).StartsWith("run -d --name bot-bottle-dev-test-sidecar", StringComparison.Ordinal))
        {
            File.WriteAllText(instance.PathOf("sidecar-ready.json"), "{}");
        }
    };

    [Fact]
    public async Task Launch_builds_creates_the_host_only_topology_and_provisions_through_cp_and_exec()
    {
        var instance = await _t.PrepareAsync();
        SidecarWritesReadyFile(instance);
        _runner.On("inspect bot-bottle-dev-test-sidecar", stdout: SidecarInspect);
        var facts = await _t.LaunchAsync(Backend(), instance);
        var lines = _runner.Lines;
        Assert.All(_runner.Calls, c => Assert.Equal(Tool, c.FileName));

        Assert.Matches(@"^build -t bot-bottle/sidecar:local -f \S+/Dockerfile \S+$", lines[0]);
        Assert.Matches(@"^build -t bot-bottle/claude:uid\d+ -f \S+/Dockerfile --build-arg AGENT_UID=\d+ \S+$", lines[1]);
        Assert.StartsWith("network create --internal --label dev.botbottle.managed=", lines[2]);
        Assert.EndsWith("--label dev.botbottle.slug=dev-test bot-bottle-dev-test-hostonly", lines[2]);
        Assert.StartsWith("network create --label ", lines[3]);
        Assert.EndsWith(" bot-bottle-dev-test-nat", lines[3]);

        var sidecar = _runner.Calls[4].Arguments;
        Assert.Equal(["run", "-d", "--name", "bot-bottle-dev-test-sidecar", "--network", "bot-bottle-dev-test-nat", "--network", "bot-bottle-dev-test-hostonly"], sidecar.Take(8));
        Assert.Contains($"{instance.Directory}:/state", sidecar);
        Assert.Equal(["bot-bottle/sidecar:local", "run", "--state", "/state"], sidecar.SkipWhile(a => a != "bot-bottle/sidecar:local").Take(4));

        var agent = _runner.Calls[6].Arguments;
        Assert.Equal(["run", "-d", "--name", "bot-bottle-dev-test", "--network", "bot-bottle-dev-test-hostonly", "-e"], agent.Take(7));
        Assert.DoesNotContain("bot-bottle-dev-test-nat", agent);
        Assert.Equal(["--dns", "192.168.70.2"], agent.SkipWhile(a => a != "--dns").Take(2));
        Assert.Equal(["sleep", "infinity"], agent.TakeLast(2));

        // Provisioning: the sidecar's host-only address as 'sidecar', then the CA through container cp + exec.
        Assert.StartsWith("exec -u 0:0 -e HOME=/root bot-bottle-dev-test sh -c t=/etc/hosts.bot-bottle;", lines[7]);
        Assert.EndsWith("sh 192.168.70.2 sidecar", lines[7]);
        Assert.Matches(@"^cp \S+ bot-bottle-dev-test:/usr/local/share/ca-certificates/\.bot-bottle-\w+$", lines[8]);
        Assert.EndsWith("0:0 644 /usr/local/share/ca-certificates/bot-bottle.crt", lines[9]);
        Assert.Contains(lines, l => l.StartsWith("cp ", StringComparison.Ordinal) && l.EndsWith("/skills/alpha bot-bottle-dev-test:/home/agent/.claude/skills/alpha", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("exec -u 0:0 bot-bottle-dev-test chown -R", StringComparison.Ordinal) && l.EndsWith("/home/agent/.claude/skills/beta", StringComparison.Ordinal));
        Assert.EndsWith("bot-bottle-dev-test claude mcp add --scope user --transport http bot-bottle-supervise http://sidecar:8750/mcp", lines[^1]);
        Assert.Equal("192.168.70.2", facts.SidecarAddress);
    }

    [Fact]
    public async Task A_failing_agent_run_names_the_backend_and_removes_what_the_launch_created()
    {
        var instance = await _t.PrepareAsync();
        SidecarWritesReadyFile(instance);
        _runner.On("inspect bot-bottle-dev-test-sidecar", stdout: SidecarInspect).On("run -d --name bot-bottle-dev-test --network", exit: 1, stderr: "Error: image not found");
        var ex = await Assert.ThrowsAsync<BackendCommandFailedException>(() => _t.LaunchAsync(Backend(), instance));
        Assert.Equal("macos-container", ex.Backend);
        Assert.StartsWith("The macos-container backend could not start the agent bot-bottle-dev-test:", ex.Message);
        Assert.Equal(
            ["delete --force bot-bottle-dev-test", "delete --force bot-bottle-dev-test-sidecar", "network delete bot-bottle-dev-test-nat", "network delete bot-bottle-dev-test-hostonly"],
            _runner.Lines.TakeLast(4));
    }

    [Fact]
    public async Task Exec_and_remove_issue_the_documented_commands()
    {
        var instance = await _t.PrepareAsync(backend: "macos-container");
        instance = Instances.InstanceStore.Update(instance, m => m with { Runtime = m.Runtime with { AgentUid = 501 } });
        await Backend().ExecAsync(instance.Target, new BottleExecRequest { Command = ["git", "status"] }, null, default);
        Assert.Equal("exec -u 501:501 -w /workspace bot-bottle-dev-test git status", _runner.Lines[^1]);
        await Backend().ExecAsync(instance.Target, new BottleExecRequest { Command = ["id"], AsRoot = true, WorkingDirectory = "/" }, null, default);
        Assert.Equal("exec -u 0:0 -w / bot-bottle-dev-test id", _runner.Lines[^1]);

        _runner.Calls.Clear();
        await Backend().RemoveAsync(instance.Target, default);
        Assert.Equal(["delete --force bot-bottle-dev-test", "delete --force bot-bottle-dev-test-sidecar", "network delete bot-bottle-dev-test-hostonly", "network delete bot-bottle-dev-test-nat"], _runner.Lines);
    }

    [Fact]
    public async Task Preflight_off_macOS_names_the_platform_and_runs_nothing()
    {
        var r = await Backend(macOs: false).CheckAsync(default);
        Assert.False(r.Ready);
        Assert.StartsWith("The macos-container backend runs only on macOS 26 or later with Apple's container tool", Assert.Single(r.Problems));
        Assert.Empty(_runner.Calls);
    }

    [Fact]
    public async Task Preflight_names_a_missing_tool_an_old_version_and_a_stopped_service()
    {
        var missing = await Backend(locate: _ => null).CheckAsync(default);
        Assert.StartsWith("Apple's 'container' is not on PATH: install it from https://github.com/apple/container/releases", Assert.Single(missing.Problems));

        _runner.On("--version", stdout: "container CLI version 0.12.3 (build: release, commit: 1a2b3c4)\n").On("system status", exit: 1, stderr: "apiserver is not running");
        var r = await Backend().CheckAsync(default);
        Assert.Equal(
            ["container 0.12.3 is too old: BotBottle needs 1.0.0 or later (container copy|cp (provisioning files into a running container) needs 1.0.0; " +
             "inspect JSON [{id, configuration, status:{state, networks:[{network, ipv4Address}], startedDate}}] needs 1.0.0); upgrade it.",
             "The container system service is not running: run 'container system start'."],
            r.Problems);
        Assert.Equal(["--version", "system status"], _runner.Lines);
        Assert.Equal("1.0.0", r.MinimumVersion);
        Assert.Contains(r.Requires, l => l.StartsWith("macOS >= 26: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Preflight_passes_with_the_real_version_output_on_macOS_26()
    {
        _runner.On("--version", stdout: Fixture("version.txt"));
        var r = await Backend().CheckAsync(default);
        Assert.True(r.Ready, string.Join(" ", r.Problems));
        Assert.Equal("container 1.2.2", r.Summary);
    }

    [Fact]
    public async Task Preflight_on_macOS_15_says_macOS_26_is_needed_and_runs_nothing()
    {
        var r = await Backend(os: new Version(15, 6)).CheckAsync(default);
        Assert.False(r.Ready);
        Assert.StartsWith("macOS 15.6 is too old: the macos-container backend needs macOS 26 or later", Assert.Single(r.Problems));
        Assert.Empty(_runner.Calls);
    }

    [Fact]
    public async Task A_label_too_long_for_container_names_is_refused_before_anything_runs()
    {
        var label = "a" + new string('b', 44);
        var instance = await _t.PrepareAsync(label);
        var ex = await Assert.ThrowsAsync<BotBottle.Errors.BotBottleException>(() => _t.LaunchAsync(Backend(), instance));
        Assert.Equal("NameNotSupported", ex.ErrorId);
        Assert.Contains($"bot-bottle-{label}-hostonly", ex.Message, StringComparison.Ordinal);
        Assert.Contains("a label of at most 43 characters", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_runner.Calls);
        Assert.Null(AppleContainerBackend.NameProblem(new string('a', 43)));
    }

    [Theory]
    [InlineData("bot-bottle-dev-test-hostonly", true)]
    [InlineData("Bot-bottle", false)]
    [InlineData("-leading", false)]
    [InlineData("trailing-", false)]
    [InlineData("a", true)]
    public void Network_names_follow_the_upstream_rule(string name, bool valid) =>
        Assert.Equal(valid, AppleContainerCommands.NetworkNameValid(name));

    [Fact]
    public void Declares_stop_resume()
    {
        var backend = Backend();
        Assert.True(backend.Capabilities.HasFlag(BackendCapabilities.StopResume));
        Assert.True(backend.Capabilities.HasFlag(BackendCapabilities.Exec));
    }

    [Fact]
    public async Task Stop_stops_running_containers_and_resume_follows_a_sidecar_that_moved()
    {
        var instance = await _t.PrepareAsync(backend: "macos-container");
        instance = Instances.InstanceStore.Update(instance, m => m with { Runtime = m.Runtime with { AgentUid = 501, SidecarAddress = "192.168.70.2", AgentImage = "bot-bottle/claude:uid501" } });
        _runner.On("inspect bot-bottle-dev-test", stdout: Fixture("inspect-agent-running.json")).On("inspect bot-bottle-dev-test-sidecar", stdout: SidecarInspect);
        await Backend().StopAsync(instance.Target, default);
        Assert.Equal(["inspect bot-bottle-dev-test", "stop bot-bottle-dev-test", "inspect bot-bottle-dev-test-sidecar", "stop bot-bottle-dev-test-sidecar"], _runner.Lines);

        _runner.Calls.Clear();
        _runner.On("inspect bot-bottle-dev-test", stdout: Fixture("inspect-agent-stopped.json")).On("inspect bot-bottle-dev-test-sidecar", stdout: Fixture("inspect-sidecar-stopped.json"));
        _runner.OnCall = spec =>
        {
            if (string.Join(' ', spec.Arguments) == "start bot-bottle-dev-test-sidecar")
            {
                File.WriteAllText(instance.PathOf("sidecar-ready.json"), "{}");
                _runner.On("inspect bot-bottle-dev-test-sidecar", stdout: Fixture("inspect-sidecar-resumed.json"));
            }
        };
        var facts = await BackendTestHome.ResumeAsync(Backend(), instance);
        var lines = _runner.Lines;
        Assert.Equal(["inspect bot-bottle-dev-test-sidecar", "inspect bot-bottle-dev-test", "start bot-bottle-dev-test-sidecar"], lines.Take(3));
        Assert.Equal("start bot-bottle-dev-test", lines[^3]);
        Assert.EndsWith("sh 192.168.70.6 sidecar", lines[^2]);
        Assert.Equal("exec -u 0:0 -e HOME=/root bot-bottle-dev-test sh -c printf 'nameserver %s\\n' \"$1\" > /etc/resolv.conf sh 192.168.70.6", lines[^1]);
        Assert.Equal("192.168.70.6", facts.SidecarAddress);
        Assert.Equal("bot-bottle/claude:uid501", facts.AgentImage);
    }

    [Fact]
    public async Task Resume_of_a_bottle_whose_container_is_gone_changes_nothing()
    {
        var instance = await _t.PrepareAsync(backend: "macos-container");
        // Later rules win: the agent's inspect fails (gone), the sidecar's shows it stopped.
        _runner.On("inspect bot-bottle-dev-test", exit: 1, stderr: "Error: container not found: bot-bottle-dev-test").On("inspect bot-bottle-dev-test-sidecar", stdout: Fixture("inspect-sidecar-stopped.json"));
        var ex = await Assert.ThrowsAsync<BotBottle.Errors.BotBottleException>(() => BackendTestHome.ResumeAsync(Backend(), instance));
        Assert.Equal("BottleBroken", ex.ErrorId);
        Assert.All(_runner.Lines, l => Assert.StartsWith("inspect ", l));
    }

    [Theory]
    [InlineData("inspect-sidecar-running.json", "running")]
    [InlineData("inspect-sidecar-stopped.json", "stopped")]
    [InlineData("""[{"status":"running","networks":[]}]""", "unknown")] // the pre-1.0 shape is not read
    [InlineData("[]", "missing")]
    public void Inspect_state_is_read(string fixtureOrJson, string expected) =>
        Assert.Equal(expected, AppleContainerBackend.ParseState(fixtureOrJson.EndsWith(".json", StringComparison.Ordinal) ? Fixture(fixtureOrJson) : fixtureOrJson));

    [Theory]
    [InlineData("inspect-sidecar-running.json", "bot-bottle-dev-test-hostonly", "192.168.70.2")]
    [InlineData("inspect-sidecar-running.json", "bot-bottle-dev-test-nat", "192.168.64.5")]
    [InlineData("inspect-sidecar-resumed.json", "bot-bottle-dev-test-hostonly", "192.168.70.6")]
    [InlineData("inspect-sidecar-stopped.json", "bot-bottle-dev-test-hostonly", null)]
    [InlineData("inspect-sidecar-running.json", "other", null)]
    public void Inspect_address_is_read(string fixture, string network, string? expected) =>
        Assert.Equal(expected, AppleContainerBackend.ParseAddress(Fixture(fixture), network));

    [Fact]
    public void The_pre_1_0_inspect_shape_yields_no_address() =>
        Assert.Null(AppleContainerBackend.ParseAddress("""[{"status":"running","networks":[{"network":"h","address":"192.168.70.2/24"}]}]""", "h"));

    [Theory]
    [InlineData("exec -u 0:0 bot-bottle-dev-test id", 0, null)]
    [InlineData("exec --user 0 -x bot-bottle-dev-test id", 64, "Error: Unknown option '-x'")]
    [InlineData("run -d --name a --ip 10.0.0.2 img", 64, "Error: Unknown option '--ip'")]
    [InlineData("cp a b c", 64, "Error: Unexpected argument 'c'")]
    [InlineData("list --all --format xml", 64, "Error: The value 'xml' is invalid for '--format <format>'")]
    public async Task The_fake_container_refuses_what_the_real_parser_refuses(string line, int exit, string? firstLine)
    {
        var r = await _runner.RunAsync(new BotBottle.Processes.ProcessSpec(Tool, line.Split(' ')));
        Assert.Equal(exit, r.ExitCode);
        if (firstLine is not null)
        {
            Assert.Equal(firstLine, r.StandardError.Split('\n')[0]);
        }
    }

    [Fact]
    public void The_recorded_unknown_option_message_is_what_the_fake_prints()
    {
        var refused = CliGrammar.Load("container").Check(["exec", "-x", "bot-bottle-dev-test", "id"]);
        Assert.Equal((64, Fixture("exec-unknown-option.stderr")), refused);
    }
}
