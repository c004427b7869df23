using BotBottle.Backends;
using BotBottle.Backends.AppleContainer;

namespace BotBottle.Tests.Backends;

/// <summary>The macos-container driver against a recording of every <c>container</c> command line it issues.</summary>
public sealed class AppleContainerBackendTests : IDisposable
{
    private const string Tool = "/usr/local/bin/container";
    private const string SidecarInspect = """[{"status":"running","networks":[{"network":"bot-bottle-dev-test-nat","address":"192.168.64.5/24"},{"network":"bot-bottle-dev-test-hostonly","address":"192.168.70.2/24"}]}]""";
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

    private AppleContainerBackend Backend(bool macOs = true, Func<string, string?>? locate = null) =>
        new(_t.Home.Home, new BotBottle.Assets.AssetLocator([_assets.Path]), _runner, _ => null, locate ?? (n => n == "container" ? Tool : null), () => macOs);

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
        var facts = await Backend().LaunchAsync(BackendTestHome.Launch(instance), null, default);
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
        Assert.StartsWith("exec -u 0:0 -e HOME=/root bot-bottle-dev-test sh -c grep -qxF", lines[7]);
        Assert.EndsWith("sh 192.168.70.2 sidecar", lines[7]);
        Assert.Matches(@"^cp \S+ bot-bottle-dev-test:/usr/local/share/ca-certificates/\.bot-bottle-\w+$", lines[8]);
        Assert.EndsWith("0:0 644 /usr/local/share/ca-certificates/bot-bottle.crt", lines[9]);
        Assert.Contains(lines, l => l.StartsWith("cp ", StringComparison.Ordinal) && l.EndsWith("/skills/alpha bot-bottle-dev-test:/home/agent/.claude/skills/alpha", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("exec -u 0:0 bot-bottle-dev-test chown -R", StringComparison.Ordinal) && l.EndsWith("/home/agent/.claude/skills/beta", StringComparison.Ordinal));
        Assert.EndsWith("bot-bottle-dev-test claude mcp add --scope user --transport http bot-bottle-supervise http://sidecar:8750/mcp", lines[^1]);
        Assert.Equal("192.168.70.2", facts["sidecarAddress"]);
    }

    [Fact]
    public async Task A_failing_agent_run_names_the_backend_and_removes_what_the_launch_created()
    {
        var instance = await _t.PrepareAsync();
        SidecarWritesReadyFile(instance);
        _runner.On("inspect bot-bottle-dev-test-sidecar", stdout: SidecarInspect).On("run -d --name bot-bottle-dev-test --network", exit: 1, stderr: "Error: image not found");
        var ex = await Assert.ThrowsAsync<BackendCommandFailedException>(() => Backend().LaunchAsync(BackendTestHome.Launch(instance), null, default));
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
        instance = Instances.InstanceStore.Update(instance, m => m with { Runtime = m.Runtime.SetItem("agentUid", "501") });
        await Backend().ExecAsync(instance, new BottleExecRequest { Command = ["git", "status"] }, null, default);
        Assert.Equal("exec -u 501:501 -w /workspace bot-bottle-dev-test git status", _runner.Lines[^1]);
        await Backend().ExecAsync(instance, new BottleExecRequest { Command = ["id"], AsRoot = true, WorkingDirectory = "/" }, null, default);
        Assert.Equal("exec -u 0:0 -w / bot-bottle-dev-test id", _runner.Lines[^1]);

        _runner.Calls.Clear();
        await Backend().RemoveAsync(instance, default);
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

        _runner.On("--version", stdout: "container CLI version 0.7.1\n").On("system status", exit: 1, stderr: "apiserver is not running");
        var r = await Backend().CheckAsync(default);
        Assert.Equal(
            ["container 0.7.1 is too old: BotBottle needs 1.0.0 or later ('container cp'); upgrade it.", "The container system service is not running: run 'container system start'."],
            r.Problems);
        Assert.Equal(["--version", "system status"], _runner.Lines);
    }

    [Fact]
    public void Declares_no_stop_resume()
    {
        var backend = Backend();
        Assert.False(backend.Capabilities.HasFlag(BackendCapabilities.StopResume));
        Assert.True(backend.Capabilities.HasFlag(BackendCapabilities.Exec));
    }

    [Theory]
    [InlineData("""[{"status":"running","networks":[{"network":"h","address":"192.168.70.2/24"}]}]""", "h", "192.168.70.2")]
    [InlineData("""[{"status":"running","networks":[{"network":"h","ipv4Address":"10.0.0.9"}]}]""", "h", "10.0.0.9")]
    [InlineData("""[{"status":"running","networks":[{"network":"other","address":"10.0.0.9/24"}]}]""", "h", null)]
    [InlineData("not json", "h", null)]
    public void Inspect_address_is_read(string json, string network, string? expected) =>
        Assert.Equal(expected, AppleContainerBackend.ParseAddress(json, network));
}
