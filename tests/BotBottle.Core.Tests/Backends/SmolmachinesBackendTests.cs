using BotBottle.Backends;
using BotBottle.Backends.Smolmachines;
using BotBottle.Errors;
using BotBottle.Processes;

namespace BotBottle.Tests.Backends;

/// <summary>The smolmachines driver against a recording of every <c>smolvm</c> command line it issues.</summary>
public sealed class SmolmachinesBackendTests : IDisposable
{
    private const string Smolvm = "/opt/fake/bin/smolvm";
    private readonly BackendTestHome _t = new();
    private readonly RecordingProcessRunner _runner = new();
    private readonly RecordingSidecarHost _sidecar = new();
    private readonly Dictionary<string, string> _env = [];

    public void Dispose() => _t.Dispose();

    private SmolmachinesBackend Backend(Func<string, string?>? locate = null, string? hypervisorProblem = null) =>
        new(_t.Home.Home, _runner, _sidecar, n => _env.GetValueOrDefault(n), locate ?? (n => n == "smolvm" ? Smolvm : null), _ => Task.FromResult(hypervisorProblem));

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(CliGrammar.FixtureDirectory("smolvm"), name));

    private void MachineMissing(string machine = "bot-bottle-dev-test") => _runner.On($"machine status --name {machine}", exit: 1, stderr: Fixture("status-missing.stderr").Replace("bot-bottle-dev-test", machine, StringComparison.Ordinal));

    [Fact]
    public async Task Launch_issues_create_start_and_provisioning_in_order_with_exact_argv()
    {
        var instance = await _t.PrepareAsync();
        MachineMissing();
        var facts = await _t.LaunchAsync(Backend(), instance, n => _env.GetValueOrDefault(n));

        Assert.All(_runner.Calls, c => Assert.Equal(Smolvm, c.FileName));
        var lines = _runner.Lines;
        var m = "bot-bottle-dev-test";
        Assert.Equal($"machine status --name {m} --json", lines[0]);
        Assert.Equal(["export claude", "start dev-test"], _sidecar.Calls);

        var create = _runner.Calls[1].Arguments;
        Assert.Equal(["machine", "create", "--name", m, "--image", instance.PathOf("guest-image.tar"), "--net-backend", "virtio-net", "--allow-cidr", "10.214.3.34/32", "--dns", "10.214.3.34"], create.Take(12));
        Assert.Equal(1, create.Count(a => a == "--allow-cidr"));
        Assert.Equal(1, create.Count(a => a == "--dns"));
        Assert.Contains("HTTPS_PROXY=http://sidecar:3128", create);
        Assert.Contains("BOT_BOTTLE_PROMPT_FILE=/home/agent/.claude/CLAUDE.md", create);
        Assert.DoesNotContain(create, a => a.EndsWith(":/workspace", StringComparison.Ordinal)); // nothing of the host is mounted
        Assert.Contains("dev.botbottle.slug=dev-test", create);
        Assert.Equal(["--", "sleep", "infinity"], create.TakeLast(3));
        Assert.Equal($"machine start --name {m}", lines[2]);

        // Provisioning: hosts entry, then CA, prompt, skills, git, MCP — all through machine exec / machine cp.
        Assert.StartsWith($"machine exec --name {m} -e HOME=/root -- sh -c t=/etc/hosts.bot-bottle;", lines[3]);
        Assert.EndsWith("sh 10.214.3.34 sidecar", lines[3]);
        Assert.Matches($@"^machine cp --mode 644 --uid 0 --gid 0 \S+ {m}:/usr/local/share/ca-certificates/bot-bottle.crt$", lines[4]);
        Assert.StartsWith($"machine exec --name {m} -e HOME=/root -- sh -c grep -qF", lines[5]);
        Assert.Matches($@"^machine cp --mode 644 --uid 1000 --gid 1000 \S+ {m}:/home/agent/.claude/CLAUDE.md$".Replace("1000", "\\d+"), lines[6]);
        Assert.Contains($"/home/agent/.claude/skills /home/agent/.claude/skills/alpha /home/agent/.claude/skills/beta", lines[7]);
        Assert.Matches($@"^machine exec --name {m} -e HOME=/home/agent -- setpriv --reuid=(\d+) --regid=\1 --init-groups -- ", lines[7]);
        Assert.Matches($@"^machine cp --mode 600 --uid 0 --gid 0 \S+ {m}:/tmp/bot-bottle-\w+\.tar$", lines[8]);
        Assert.Contains("tar -xf", lines[9]);
        Assert.EndsWith("/home/agent/.claude/skills", lines[9]);
        Assert.Matches($@"^machine cp --mode 600 --uid 0 --gid 0 \S+ {m}:/tmp/bot-bottle-\w+\.tar$", lines[10]);
        Assert.Matches($@"^machine cp --mode 644 --uid \d+ --gid \d+ \S+ {m}:/home/agent/.gitconfig$", lines[12]);
        Assert.EndsWith("-- claude mcp add --scope user --transport http bot-bottle-supervise http://sidecar:8750/mcp", lines[13]);
        Assert.Equal(14, lines.Count);

        Assert.Equal("10.214.3.34/32", facts.AllowCidr);
        Assert.Equal(m, facts.Machine);
        Assert.False(File.Exists(instance.PathOf("guest-image.tar")), "the exported archive is deleted once imported");
    }

    [Fact]
    public async Task Empty_prompt_is_still_copied_but_the_agent_is_not_told_to_use_it()
    {
        using var t = new BackendTestHome(prompt: string.Empty, withSkills: false);
        var instance = await t.PrepareAsync();
        var runner = new RecordingProcessRunner().On("machine status", exit: 1);
        await t.LaunchAsync(new SmolmachinesBackend(t.Home.Home, runner, new RecordingSidecarHost(), _ => null, _ => Smolvm, _ => Task.FromResult<string?>(null)), instance);

        Assert.DoesNotContain(runner.Calls[1].Arguments, a => a.StartsWith("BOT_BOTTLE_PROMPT_FILE=", StringComparison.Ordinal));
        Assert.Contains(runner.Lines, l => l.EndsWith(":/home/agent/.claude/CLAUDE.md", StringComparison.Ordinal) && l.StartsWith("machine cp", StringComparison.Ordinal));

        // No skills: the folder is still created (mkdir -p) and nothing is copied into it.
        Assert.Contains(runner.Lines, l => l.Contains("mkdir -p", StringComparison.Ordinal) && l.EndsWith("/home/agent/.claude/skills", StringComparison.Ordinal));
        Assert.DoesNotContain(runner.Lines, l => l.Contains("tar -xf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Guest_skills_folder_is_overridden_by_the_environment_variable()
    {
        var instance = await _t.PrepareAsync();
        MachineMissing();
        _env["BOT_BOTTLE_GUEST_SKILLS_DIR"] = "/opt/skills/";
        await _t.LaunchAsync(Backend(), instance, n => _env.GetValueOrDefault(n));
        Assert.Contains(_runner.Lines, l => l.EndsWith("/opt/skills /opt/skills/alpha /opt/skills/beta", StringComparison.Ordinal));
        Assert.DoesNotContain(_runner.Lines, l => l.Contains("/home/agent/.claude/skills", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_skills_override_fails_before_anything_runs()
    {
        var instance = await _t.PrepareAsync();
        _env["BOT_BOTTLE_GUEST_SKILLS_DIR"] = "relative/skills";
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => _t.LaunchAsync(Backend(), instance, n => _env.GetValueOrDefault(n)));
        Assert.Equal("InvalidSkillsDirectory", ex.ErrorId);
        Assert.Empty(_runner.Calls);
        Assert.Empty(_sidecar.Calls);
    }

    [Fact]
    public async Task A_missing_skill_is_an_error_before_anything_runs()
    {
        var instance = await _t.PrepareAsync();
        Directory.Delete(Path.Combine(_t.Home.Root, "skills", "beta"), recursive: true);
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => _t.LaunchAsync(Backend(), instance, n => _env.GetValueOrDefault(n)));
        Assert.Equal("SkillNotFound", ex.ErrorId);
        Assert.Contains("beta", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_runner.Calls);
        Assert.Empty(_sidecar.Calls);
    }

    [Fact]
    public async Task An_existing_machine_of_that_name_stops_the_launch_before_anything_is_created()
    {
        var instance = await _t.PrepareAsync();
        _runner.On("machine status", stdout: "{\"state\":\"running\"}");
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => _t.LaunchAsync(Backend(), instance, n => _env.GetValueOrDefault(n)));
        Assert.Equal("BottleNameInUse", ex.ErrorId);
        Assert.Single(_runner.Calls);
        Assert.Empty(_sidecar.Calls);
    }

    [Theory]
    [InlineData("machine create", "create the micro-VM bot-bottle-dev-test")]
    [InlineData("machine start", "start the micro-VM bot-bottle-dev-test")]
    [InlineData("machine cp", "copy /usr/local/share/ca-certificates/bot-bottle.crt into the micro-VM bot-bottle-dev-test")]
    public async Task A_failing_step_names_the_backend_and_action_and_rolls_back_the_machine_and_the_sidecar(string failing, string action)
    {
        var instance = await _t.PrepareAsync();
        MachineMissing();
        _runner.On(failing, exit: 3, stderr: "Error: boom");
        var ex = await Assert.ThrowsAsync<BackendCommandFailedException>(() => _t.LaunchAsync(Backend(), instance, n => _env.GetValueOrDefault(n)));
        Assert.Equal("smolmachines", ex.Backend);
        Assert.Equal(3, ex.ExitCode);
        Assert.Contains($"The smolmachines backend could not {action}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("exited 3: Error: boom", ex.Message, StringComparison.Ordinal);
        Assert.Equal("machine delete --name bot-bottle-dev-test -f", _runner.Lines[^1]);
        Assert.Equal("remove dev-test", _sidecar.Calls[^1]);
        Assert.False(File.Exists(instance.PathOf("guest-image.tar")));
    }

    [Fact]
    public async Task A_failing_guest_command_is_a_provisioning_error_and_rolls_back()
    {
        var instance = await _t.PrepareAsync();
        MachineMissing();
        _runner.On("machine exec --name bot-bottle-dev-test -e HOME=/root -- sh -c grep -qF", exit: 1, stderr: "grep: /etc/ssl/certs/ca-certificates.crt: No such file");
        var ex = await Assert.ThrowsAsync<BotBottle.Backends.Provisioning.ProvisioningException>(() => _t.LaunchAsync(Backend(), instance, n => _env.GetValueOrDefault(n)));
        Assert.Contains("bottle CA", ex.Message, StringComparison.Ordinal);
        Assert.Equal("machine delete --name bot-bottle-dev-test -f", _runner.Lines[^1]);
    }

    [Fact]
    public async Task A_sidecar_that_fails_to_start_leaves_no_machine()
    {
        var instance = await _t.PrepareAsync();
        MachineMissing();
        _sidecar.FailStart = new BotBottleException("SidecarFailed", BotBottleErrorCategory.InvalidOperation, "sidecar exited (1)");
        await Assert.ThrowsAsync<BotBottleException>(() => _t.LaunchAsync(Backend(), instance, n => _env.GetValueOrDefault(n)));
        Assert.DoesNotContain(_runner.Lines, l => l.StartsWith("machine create", StringComparison.Ordinal) || l.StartsWith("machine delete", StringComparison.Ordinal));
        Assert.Equal("remove dev-test", _sidecar.Calls[^1]);
    }

    [Fact]
    public async Task Exec_stop_resume_and_remove_issue_the_documented_commands()
    {
        var instance = await _t.PrepareAsync(backend: "smolmachines");
        instance = Instances.InstanceStore.Update(instance, m => m with { Runtime = m.Runtime with { AgentUid = 1234, SidecarAddress = "10.214.3.34" } });
        _runner.On("machine status", stdout: Fixture("status-running.json"));
        _runner.On("machine exec", stdout: "hello\n");
        var backend = Backend();
        var lines = new List<string>();
        var r = await backend.ExecAsync(instance.Target, new BottleExecRequest { Command = ["echo", "hello"] }, l => lines.Add(l.Text), default);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["hello"], lines);
        var exec = _runner.Lines[^1];
        Assert.StartsWith("machine exec --name bot-bottle-dev-test -w /workspace -e ", exec);
        Assert.EndsWith(" -- setpriv --reuid=1234 --regid=1234 --init-groups -- echo hello", exec);

        await backend.ExecAsync(instance.Target, new BottleExecRequest { Command = ["id", "-u"], AsRoot = true }, null, default);
        Assert.EndsWith(" -- id -u", _runner.Lines[^1]);
        Assert.DoesNotContain("setpriv", _runner.Lines[^1], StringComparison.Ordinal);

        await backend.StopAsync(instance.Target, default);
        Assert.Equal("machine stop --name bot-bottle-dev-test", _runner.Lines[^1]);
        Assert.Equal("stop dev-test", _sidecar.Calls[^1]);

        await BackendTestHome.ResumeAsync(backend, instance);
        Assert.Equal("machine start --name bot-bottle-dev-test", _runner.Lines[^2]);
        Assert.StartsWith("machine exec --name bot-bottle-dev-test -e HOME=/root -- sh -c t=/etc/hosts.bot-bottle;", _runner.Lines[^1]);
        Assert.EndsWith("sh 10.214.3.34 sidecar", _runner.Lines[^1]);
        Assert.Equal("resume dev-test", _sidecar.Calls[^1]);

        await backend.RemoveAsync(instance.Target, default);
        Assert.Equal("machine delete --name bot-bottle-dev-test -f", _runner.Lines[^1]);
        Assert.Equal("remove dev-test", _sidecar.Calls[^1]);

        var status = await backend.InspectAsync(instance.Target, default);
        Assert.Equal(BotBottle.Planning.BottleState.Running, status.State);
    }

    [Fact]
    public async Task Remove_of_a_machine_that_is_already_gone_is_fine_but_a_real_failure_is_reported()
    {
        var instance = await _t.PrepareAsync(backend: "smolmachines");
        _runner.On("machine delete", exit: 1, stderr: "Error: machine not found").On("machine status", exit: 1, stderr: Fixture("status-missing.stderr"));
        await Backend().RemoveAsync(instance.Target, default);
        Assert.Equal("remove dev-test", _sidecar.Calls[^1]);

        var stuck = new RecordingProcessRunner().On("machine delete", exit: 1, stderr: "Error: busy").On("machine status", stdout: Fixture("status-running.json"));
        var sidecar = new RecordingSidecarHost();
        var ex = await Assert.ThrowsAsync<BackendCommandFailedException>(() =>
            new SmolmachinesBackend(_t.Home.Home, stuck, sidecar, _ => null, _ => Smolvm, _ => Task.FromResult<string?>(null)).RemoveAsync(instance.Target, default));
        Assert.Contains("smolvm machine delete --name bot-bottle-dev-test -f", ex.Message, StringComparison.Ordinal);
        Assert.Empty(sidecar.Calls);
    }

    [Fact]
    public async Task Preflight_names_each_missing_piece_with_what_to_do()
    {
        _sidecar.Ready = false;
        var r = await Backend(locate: _ => null, hypervisorProblem: "/dev/kvm does not exist: enable hardware virtualization (load kvm_intel or kvm_amd, or turn on nested virtualization for this VM).").CheckAsync(default);
        Assert.False(r.Ready);
        Assert.Equal("smolmachines", r.Backend);
        Assert.Collection(r.Problems,
            p => Assert.StartsWith("smolvm is not on PATH: install it (https://github.com/smol-machines/smolvm/releases", p),
            p => Assert.StartsWith("/dev/kvm does not exist: enable hardware virtualization", p),
            p => Assert.StartsWith("sidecar engine: The sidecar runs on the host's Docker engine", p));
        Assert.Empty(_runner.Calls);
    }

    [Theory]
    [InlineData("smolvm 1.8.3\n", 0, "smolvm 1.8.3 is too old: BotBottle needs 1.9.0 or later (machine cp --mode/--uid/--gid (owner and mode of provisioned files) needs 1.9.0); upgrade it.")]
    [InlineData("smolvm 1.1.2\n", 0, "smolvm 1.1.2 is too old: BotBottle needs 1.9.0 or later (machine create --net-backend virtio-net --allow-cidr")]
    [InlineData("", 127, "'smolvm --version' exited 127")]
    [InlineData("smolvm dev-build\n", 0, "'smolvm --version' printed no version")]
    public async Task Preflight_rejects_an_unusable_smolvm(string stdout, int exit, string expected)
    {
        _runner.On("--version", exit, stdout);
        var r = await Backend().CheckAsync(default);
        Assert.False(r.Ready);
        Assert.StartsWith(expected, Assert.Single(r.Problems));
        Assert.Equal("--version", Assert.Single(_runner.Lines));
    }

    [Fact]
    public async Task Preflight_passes_with_a_supported_smolvm_a_hypervisor_and_an_engine()
    {
        _runner.On("--version", stdout: Fixture("version.txt"));
        var r = await Backend().CheckAsync(default);
        Assert.True(r.Ready, string.Join(" ", r.Problems));
        Assert.StartsWith("smolvm 1.9.3", r.Summary);
        Assert.Equal("1.9.0", r.MinimumVersion);
        Assert.Contains("smolvm >= 1.9.0: machine cp --mode/--uid/--gid (owner and mode of provisioned files)", r.Requires);
        Assert.Contains(r.Requires, l => l.StartsWith("smolvm >= 1.1.3: machine create --net-backend virtio-net --allow-cidr", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hypervisor_probe_names_a_missing_kvm_device()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The /dev/kvm probe applies to Linux hosts.");
        var problem = await SmolmachinesBackend.HypervisorProblemAsync("/nonexistent/kvm", new RecordingProcessRunner(), default);
        Assert.Equal("/nonexistent/kvm does not exist: enable hardware virtualization (load kvm_intel or kvm_amd, or turn on nested virtualization for this VM).", problem);
    }

    [Theory]
    [InlineData(0, "status-running.json", "running")]
    [InlineData(0, "status-stopped.json", "stopped")]
    [InlineData(1, "status-missing.stderr", "missing")]
    public void Status_output_is_read(int exit, string fixture, string expected)
    {
        var text = Fixture(fixture);
        Assert.Equal(expected, SmolmachinesBackend.ParseStatus(new ProcessResult(new ProcessSpec("smolvm"), exit, exit == 0 ? text : string.Empty, exit == 0 ? string.Empty : text, TimeSpan.Zero)));
    }

    [Fact]
    public async Task A_home_with_a_colon_is_refused_before_anything_runs()
    {
        using var dir = new TempDirectory("bbcolon");
        var home = new BotBottle.Configuration.BotBottleHome(Path.Combine(dir.Path, "a:b"));
        var backend = new SmolmachinesBackend(home, _runner, _sidecar, _ => null, _ => Smolvm, _ => Task.FromResult<string?>(null));
        _runner.On("--version", stdout: Fixture("version.txt"));
        var r = await backend.CheckAsync(default);
        Assert.False(r.Ready);
        Assert.Contains(r.Problems, p => p.Contains("contains ':', which 'smolvm machine cp' reads as MACHINE:PATH", StringComparison.Ordinal));

        var instance = await _t.PrepareAsync();
        _runner.Calls.Clear();
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => _t.LaunchAsync(backend, instance, n => _env.GetValueOrDefault(n)));
        Assert.Equal("HomeNotSupported", ex.ErrorId);
        Assert.Empty(_runner.Calls);
        Assert.Empty(_sidecar.Calls);
    }

    [Fact]
    public void The_minimum_version_is_the_newest_feature_the_backend_uses()
    {
        Assert.Equal(new Version(1, 9, 0), SmolvmCommands.MinimumVersion);
        Assert.Equal(SmolvmCommands.Features.Max(f => f.MinimumVersion), SmolvmCommands.MinimumVersion);
    }

    [Fact]
    public async Task The_fake_smolvm_refuses_an_egress_policy_on_tsi_as_smolvm_does()
    {
        var r = await _runner.RunAsync(new ProcessSpec(Smolvm, "machine", "create", "--name", "m", "--net-backend", "tsi", "--allow-cidr", "10.0.0.2/32", "--", "sleep", "infinity"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(Fixture("create-tsi-egress.stderr"), r.StandardError);
    }

    [Theory]
    [InlineData("machine exec --name m -u 0:0 -- id")]
    [InlineData("machine exec --name m --user root -- id")]
    [InlineData("machine create --name m --ip 10.0.0.2 -- sleep infinity")]
    [InlineData("machine create --name m -- sleep infinity")]
    public async Task The_fake_smolvm_refuses_what_the_real_parser_refuses(string line)
    {
        var args = line.Split(' ');
        var r = await _runner.RunAsync(new ProcessSpec(Smolvm, args));
        var valid = line == "machine create --name m -- sleep infinity";
        Assert.Equal(valid ? 0 : 2, r.ExitCode);
        if (!valid)
        {
            Assert.StartsWith($"error: unexpected argument '{args[4]}' found\n", r.StandardError, StringComparison.Ordinal);
            if (args[4] == "-u")
            {
                // The recorded real message (clap 4.6) starts with the same line.
                Assert.Equal(Fixture("exec-u.stderr").Split('\n')[0], r.StandardError.Split('\n')[0]);
            }
        }
    }

    [Fact]
    public async Task Orphans_are_only_machines_this_home_labelled()
    {
        var homeId = BotBottle.Backends.Docker.DockerDefaults.HomeId(_t.Home.Root);
        _runner.On("machine ls --json", stdout: Fixture("ls.json").Replace("HOMEID", homeId, StringComparison.Ordinal));
        var orphans = await Backend().FindOrphansAsync(new HashSet<string> { "kept" }, default);
        var o = Assert.Single(orphans);
        Assert.Equal(("smolmachines", "vm", "bot-bottle-gone-1", "gone-1"), (o.Backend, o.Kind, o.Name, o.Slug));
    }
}
