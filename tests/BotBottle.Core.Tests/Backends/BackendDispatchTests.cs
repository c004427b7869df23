using BotBottle.Backends;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Planning;

namespace BotBottle.Tests.Backends;

/// <summary>
/// Every lifecycle action goes to the backend recorded in the bottle's metadata, never the current default; an
/// action the backend does not declare fails before anything is touched; the backend choice order.
/// </summary>
public sealed class BackendDispatchTests : IDisposable
{
    private const BackendCapabilities All = BackendCapabilities.StopResume | BackendCapabilities.Exec | BackendCapabilities.Interactive | BackendCapabilities.Headless;
    private readonly BackendTestHome _t = new(withSkills: false);
    private readonly List<string> _log = [];
    private readonly Dictionary<string, string> _env = [];

    public void Dispose() => _t.Dispose();

    private (BottleService Service, RecordingBackend Docker, RecordingBackend Smol, RecordingBackend Mac) Services(bool dockerReady = true, bool smolReady = true, bool macReady = true)
    {
        var docker = new RecordingBackend("docker", All | BackendCapabilities.Gvisor, dockerReady, _log);
        var smol = new RecordingBackend("smolmachines", All, smolReady, _log);
        var mac = new RecordingBackend("macos-container", All, macReady, _log);

        // A backend without stop/resume (none of the real ones lacks it now) for the unsupported-action path.
        var limited = new RecordingBackend("limited", BackendCapabilities.Exec | BackendCapabilities.Interactive | BackendCapabilities.Headless, true, _log);
        Limited = limited;
        var registry = new BackendRegistry([docker, smol, mac, limited], n => _env.GetValueOrDefault(n));
        return (new BottleService(_t.Home.Home, _t.Home.Preparer(), registry, n => _env.GetValueOrDefault(n)), docker, smol, mac);
    }

    private RecordingBackend? Limited { get; set; }

    /// <summary>The home's state folder is missing or empty: no bottle was prepared.</summary>
    private void AssertNoStateWritten()
    {
        var state = Path.Combine(_t.Home.Root, "state");
        Assert.False(Directory.Exists(state) && Directory.EnumerateFileSystemEntries(state).Any(), $"state was written under {state}");
    }

    private static readonly NoSecrets Secrets = new();

    [Theory]
    [InlineData("smolmachines")]
    [InlineData("macos-container")]
    [InlineData("docker")]
    public async Task Every_lifecycle_action_reaches_only_the_recorded_backend(string recorded)
    {
        await _t.PrepareAsync(backend: recorded);
        _env["BOT_BOTTLE_BACKEND"] = recorded == "docker" ? "smolmachines" : "docker"; // the default points elsewhere
        var (service, _, _, _) = Services();

        await service.GetAsync("dev-test", default);
        await service.ExecAsync("dev-test", new BottleExecRequest { Command = ["true"] }, null, default);
        await service.EnterAsync("dev-test", shell: true, default);
        await service.RunHeadlessAsync("dev-test", "do it", null, default);
        await service.StopAsync("dev-test", default);
        await service.StartAsync("dev-test", Secrets, new StartOptions(), null, default);

        await service.RemoveAsync("dev-test", force: true, default);
        Assert.NotEmpty(_log);
        Assert.All(_log, entry => Assert.StartsWith(recorded + ":", entry));
        Assert.Contains(recorded + ":remove", _log);
    }

    [Fact]
    public async Task A_session_whose_agent_exits_0_removes_its_bottle_and_a_failed_one_keeps_it()
    {
        var instance = await _t.PrepareAsync(backend: "docker", state: BottleState.Running);
        var (service, docker, _, _) = Services();
        docker.Status = docker.Status with { State = BottleState.Running };
        _log.Clear();

        var kept = await service.EndSessionAsync("dev-test", 3, default);
        Assert.Equal(new SessionOutcome("dev-test", 3, Removed: false), kept);
        Assert.DoesNotContain("docker:remove", _log);
        Assert.True(Directory.Exists(instance.Directory));

        var removed = await service.EndSessionAsync("dev-test", 0, default);
        Assert.Equal(new SessionOutcome("dev-test", 0, Removed: true), removed);
        Assert.Contains("docker:remove", _log);
        Assert.False(Directory.Exists(instance.Directory));
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("resume")]
    public async Task An_unsupported_action_fails_up_front_naming_backend_and_action_and_changes_nothing(string action)
    {
        var instance = await _t.PrepareAsync(backend: "limited", state: action == "stop" ? BottleState.Running : BottleState.Stopped);
        var (service, _, _, _) = Services();
        var limited = Limited!;
        limited.Status = limited.Status with { State = action == "stop" ? BottleState.Running : BottleState.Stopped };
        var before = Snapshot(instance.Directory);
        _log.Clear();

        var ex = await Assert.ThrowsAsync<BotBottleException>(() => action == "stop"
            ? service.StopAsync("dev-test", default)
            : service.StartAsync("dev-test", Secrets, new StartOptions(), null, default));

        Assert.Equal("ActionNotSupported", ex.ErrorId);
        Assert.Equal($"The limited backend does not support {action}; bottle 'dev-test' was left as it was.", ex.Message);
        Assert.DoesNotContain(_log, e => e.EndsWith(":stop", StringComparison.Ordinal) || e.EndsWith(":resume", StringComparison.Ordinal) || e.EndsWith(":remove", StringComparison.Ordinal) || e.EndsWith(":launch", StringComparison.Ordinal));
        Assert.DoesNotContain(_log, e => !e.StartsWith("limited:", StringComparison.Ordinal));
        Assert.Equal(before, Snapshot(instance.Directory));
    }

    [Fact]
    public async Task A_failed_bottle_is_cleared_by_its_own_backend_even_when_started_again_on_another()
    {
        await _t.PrepareAsync(backend: "smolmachines", state: BottleState.Failed);
        var (service, _, _, _) = Services();
        var bottle = await service.StartAsync("dev-test", Secrets, new StartOptions { Backend = "docker" }, null, default);
        Assert.Equal("docker", bottle.Backend);
        Assert.Equal(["docker:check", "smolmachines:remove", "docker:launch", "docker:inspect"], _log);
    }

    [Fact]
    public async Task Backend_choice_is_flag_then_environment_then_first_ready()
    {
        var (_, _, _, _) = Services();
        var registry = new BackendRegistry([new RecordingBackend("docker", All, ready: false), new RecordingBackend("smolmachines", All), new RecordingBackend("macos-container", All)], n => _env.GetValueOrDefault(n));
        Assert.Equal("smolmachines", (await registry.ChooseAsync(null, default)).Name);
        _env["BOT_BOTTLE_BACKEND"] = "macos-container";
        Assert.Equal("macos-container", (await registry.ChooseAsync(null, default)).Name);
        Assert.Equal("smolmachines", (await registry.ChooseAsync("smolmachines", default)).Name);
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => registry.ChooseAsync("docker", default));
        Assert.Equal("BackendUnavailable", ex.ErrorId);
        Assert.Contains("docker is not installed: install it.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_that_fails_preflight_creates_no_state()
    {
        var (service, _, _, _) = Services(smolReady: false);
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => service.PrepareAndStartAsync(new PrepareRequest { Agent = "dev", Backend = "smolmachines" }, Secrets, new StartOptions { Backend = "smolmachines" }, null, default));
        Assert.Equal("BackendUnavailable", ex.ErrorId);
        Assert.StartsWith("The smolmachines backend cannot run bottles on this host: smolmachines is not installed", ex.Message);
        AssertNoStateWritten();
        Assert.Equal(["smolmachines:check"], _log);
    }

    // The manifests are read while the backend is asked whether it can run (BottleService.PrepareAndStartAsync); the
    // errors a user sees stay those of the two done one after the other: the backend's first, then the manifests'.
    [Fact]
    public async Task An_unavailable_backend_is_reported_before_a_missing_agent_and_nothing_is_written()
    {
        var (service, _, _, _) = Services(smolReady: false);
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => service.PrepareAndStartAsync(new PrepareRequest { Agent = "no-such-agent", Backend = "smolmachines" }, Secrets, new StartOptions(), null, default));
        Assert.Equal("BackendUnavailable", ex.ErrorId);
        AssertNoStateWritten();
        Assert.Equal(["smolmachines:check"], _log);
    }

    [Fact]
    public async Task A_missing_agent_on_a_ready_backend_is_reported_as_such_and_nothing_is_launched()
    {
        var (service, _, _, _) = Services();
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => service.PrepareAndStartAsync(new PrepareRequest { Agent = "no-such-agent" }, Secrets, new StartOptions { Backend = "docker" }, null, default));
        Assert.Equal("AgentNotFound", ex.ErrorId);
        AssertNoStateWritten();
        Assert.Equal(["docker:check"], _log);
    }

    [Fact]
    public async Task A_started_bottle_records_the_backend_that_was_chosen_while_its_manifests_were_read()
    {
        var (service, _, _, _) = Services(dockerReady: false);
        var bottle = await service.PrepareAndStartAsync(new PrepareRequest { Agent = "dev", Label = "chosen" }, Secrets, new StartOptions(), null, default);
        Assert.Equal("smolmachines", bottle.Backend);
        Assert.Equal("smolmachines", service.Store.Load(bottle.Name).Plan.Backend);
    }

    [Theory]
    [InlineData("missing", "UpstreamCaNotFound")]
    [InlineData("not-pem", "UpstreamCaInvalid")]
    [InlineData("bad-pem", "UpstreamCaInvalid")]
    public async Task An_unusable_upstream_ca_file_is_refused_before_anything_is_prepared_or_launched(string shape, string errorId)
    {
        var file = Path.Combine(_t.Home.Root, "upstream-ca.pem");
        switch (shape)
        {
            case "not-pem":
                File.WriteAllText(file, "this is not a certificate\n");
                break;
            case "bad-pem":
                File.WriteAllText(file, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
                break;
        }

        var options = new StartOptions { UpstreamCaFiles = [file] };
        var (service, _, _, _) = Services();
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => service.PrepareAndStartAsync(new PrepareRequest { Agent = "dev", Label = "ca-new" }, Secrets, options, null, default));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(file, ex.TargetObject);
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Empty(_log);
        Assert.False(Directory.Exists(Path.Combine(_t.Home.Root, "state", "ca-new")));

        // A prepared bottle stays prepared (not Failed) and its backend is never called.
        await _t.PrepareAsync("ca-prepared");
        ex = await Assert.ThrowsAsync<BotBottleException>(() => service.StartAsync("ca-prepared", Secrets, options, null, default));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(BottleState.Prepared, _t.Store.Load("ca-prepared").Metadata.State);
        Assert.Empty(_log);
    }

    [Fact]
    public async Task List_shows_each_bottles_backend()
    {
        await _t.PrepareAsync("a-one", backend: "smolmachines");
        await _t.PrepareAsync("b-two", backend: "macos-container");
        await _t.PrepareAsync("c-three", backend: "docker");
        var (service, _, _, _) = Services();
        var list = await service.ListAsync(null, default);
        Assert.Equal(["smolmachines", "macos-container", "docker"], list.Select(b => b.Backend));
    }

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public async Task A_start_reads_the_manifests_once_and_asks_each_secret_once()
    {
        // The secret source is asked after the manifests were read, and rewrites the agent's prompt then: a second
        // reading (to prompt, to prepare, to start) would put the new prompt into the plan.
        var agent = SecretAgent();
        var (service, _, _, _) = Services();
        var secrets = new RewritingSecretSource(() => _t.Home.Agent("sec", "bottle: s\n", "Rewritten while the operator typed the secret."));

        var bottle = await service.PrepareAndStartAsync(new PrepareRequest { Agent = "sec", Label = "read-once" }, secrets, new StartOptions(), null, default);

        Assert.Equal(BottleState.Running, bottle.State);
        Assert.Equal(["API_TOKEN"], secrets.Asked);
        Assert.Equal("The prompt as read when the start began.", _t.Store.Load("read-once").Plan.Agent.Prompt.Trim());
        Assert.Contains("Rewritten", File.ReadAllText(agent), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resolved_request_is_prepared_and_started_without_reading_the_manifests_again()
    {
        // Start-Bottle -Agent resolves first (to prompt for the secrets on the pipeline thread), then starts from that
        // resolution. With the agent file gone in between, a second reading would fail with AgentNotFound.
        var agent = SecretAgent();
        var (service, _, _, _) = Services();
        var resolved = _t.Home.Preparer().Resolve(new PrepareRequest { Agent = "sec", Label = "resolved-once" });
        Assert.Equal(["API_TOKEN"], resolved.RequiredSecrets.Select(e => e.Name));
        File.Delete(agent);

        var secrets = new RewritingSecretSource(() => { });
        var bottle = await service.PrepareAndStartAsync(resolved, secrets, new StartOptions(), null, default);

        Assert.Equal(BottleState.Running, bottle.State);
        Assert.Equal("The prompt as read when the start began.", _t.Store.Load("resolved-once").Plan.Agent.Prompt.Trim());
        Assert.Equal(["API_TOKEN"], secrets.Asked);
    }

    private string SecretAgent()
    {
        _t.Home.Bottle("s", "agent_provider:\n  template: claude\nenv:\n  API_TOKEN: \"?Token for the API\"\n");
        return _t.Home.Agent("sec", "bottle: s\n", "The prompt as read when the start began.");
    }

    private sealed class NoSecrets : ISecretSource
    {
        public ValueTask<SecretValue?> GetSecretAsync(SecretRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<SecretValue?>(null);
    }

    /// <summary>Answers every secret, records the names asked, and runs <c>whileAsked</c> on each question.</summary>
    private sealed class RewritingSecretSource(Action whileAsked) : ISecretSource
    {
        public List<string> Asked { get; } = [];

        public ValueTask<SecretValue?> GetSecretAsync(SecretRequest request, CancellationToken cancellationToken)
        {
            Asked.Add(request.Name);
            whileAsked();
            return ValueTask.FromResult<SecretValue?>(new SecretValue("s3cr3t-" + request.Name));
        }
    }
}
