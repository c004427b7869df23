using System.Text.Json;

namespace BotBottle.Tests.Cli;

/// <summary>
/// The built <c>bot-bottle</c> against a temporary BOT_BOTTLE_HOME holding a copy of examples/home: start --dry-run,
/// validate, list, info.
/// </summary>
public sealed class ManifestCommandsTests : IDisposable
{
    private const string Planted = "PLANTED-cli-s3cr3t-41d8";
    private readonly TempDirectory _dir = new("bbcli");

    public ManifestCommandsTests()
    {
        Copy(Path.Combine(RepoPaths.Root, "examples", "home"), HomeRoot);
        Directory.CreateDirectory(Project);
    }

    private string HomeRoot => _dir.Combine("home");

    private string Project => _dir.Combine("project");

    private Dictionary<string, string?> Env(params (string Key, string? Value)[] extra)
    {
        var env = new Dictionary<string, string?>
        {
            ["BOT_BOTTLE_HOME"] = HomeRoot,
            ["BOT_BOTTLE_SECRET_GITHUB_TOKEN"] = null,
            ["NO_COLOR"] = "1",
        };
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }

        return env;
    }

    [Fact]
    public async Task Start_dry_run_prints_one_json_plan_creates_nothing_and_never_shows_the_secret()
    {
        var r = await CliProcess.RunInAsync(Project, Env(("BOT_BOTTLE_SECRET_GITHUB_TOKEN", Planted)), "start", "reviewer", "--dry-run", "--format", "json");
        Assert.True(r.ExitCode == 0, r.StandardError);

        using var doc = JsonDocument.Parse(r.StandardOutput); // exactly one JSON document on stdout
        var plan = doc.RootElement;
        Assert.Equal(1, plan.GetProperty("schemaVersion").GetInt32());
        Assert.Matches("^reviewer-[0-9a-z]{5}$", plan.GetProperty("slug").GetString());
        Assert.Equal(["claude", "github-task"], plan.GetProperty("bottleChain").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("reviewer", plan.GetProperty("agent").GetProperty("name").GetString());
        Assert.Equal(Project, plan.GetProperty("projectPath").GetString());
        var env = plan.GetProperty("bottle").GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal("<secret>", env["GITHUB_TOKEN"].GetProperty("value").GetString());
        Assert.Equal("secret", env["GITHUB_TOKEN"].GetProperty("kind").GetString());
        Assert.Equal("bot-bottle-placeholder", env["ANTHROPIC_API_KEY"].GetProperty("value").GetString());
        var hosts = plan.GetProperty("bottle").GetProperty("egress").GetProperty("routes").EnumerateArray().Select(x => x.GetProperty("host").GetString()).ToList();
        Assert.Equal(["api.anthropic.com", "registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "api.github.com", "github.com"], hosts);
        Assert.Equal("claude", plan.GetProperty("bottle").GetProperty("provider").GetProperty("name").GetString());

        Assert.False(Directory.Exists(Path.Combine(HomeRoot, "state")), "a dry run must create nothing");
        Assert.DoesNotContain(Planted, r.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(Planted, r.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_dry_run_as_a_table_names_the_egress_log_level_in_words()
    {
        var r = await CliProcess.RunInAsync(Project, Env(("BOT_BOTTLE_SECRET_GITHUB_TOKEN", Planted)), "start", "reviewer", "--dry-run");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Contains("dry run: nothing was created", r.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"Egress log: 1 \(blocked requests\)|Egress log: 0 \(nothing\)|Egress log: 2 \(every request and response\)", r.StandardOutput);
    }

    [Fact]
    public async Task An_error_with_a_recommended_action_gets_the_clis_command_for_it()
    {
        // Core names the action (list the bottles); the CLI words it in its own syntax.
        var r = await CliProcess.RunInAsync(Project, Env(), "stop", "no-such-bottle");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("[BottleNotFound]", r.StandardError, StringComparison.Ordinal);
        Assert.Contains("hint: run 'bot-bottle list active'", r.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Get-Bottle", r.StandardError, StringComparison.Ordinal);

        var proposal = await CliProcess.RunInAsync(Project, Env(), "approve", "no-such-proposal");
        Assert.Equal(1, proposal.ExitCode);
        Assert.Contains("[ProposalNotFound]", proposal.StandardError, StringComparison.Ordinal);
        Assert.Contains("hint: run 'bot-bottle proposals'", proposal.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Get-BottleProposal", proposal.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_dry_run_without_the_secret_headless_names_the_variable_to_set()
    {
        var r = await CliProcess.RunInAsync(Project, Env(), "start", "reviewer", "--dry-run", "--format", "json");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(string.Empty, r.StandardOutput.Trim());
        Assert.Contains("BOT_BOTTLE_SECRET_GITHUB_TOKEN", r.StandardError, StringComparison.Ordinal);
        Assert.Contains("[SecretMissing]", r.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_dry_run_of_a_portable_agent_takes_its_bottle_from_the_command_line()
    {
        var r = await CliProcess.RunInAsync(Project, Env(), "start", "helper", "--bottle", "shell", "--label", "scratch", "--backend", "docker", "--dry-run", "--format", "json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        Assert.Equal("scratch", doc.RootElement.GetProperty("slug").GetString());
        Assert.Equal("docker", doc.RootElement.GetProperty("backend").GetString());
        Assert.Equal("shell", doc.RootElement.GetProperty("bottle").GetProperty("provider").GetProperty("name").GetString());

        var noBottle = await CliProcess.RunInAsync(Project, Env(), "start", "helper", "--dry-run");
        Assert.Equal(2, noBottle.ExitCode);
        Assert.Contains("[BottleRequired]", noBottle.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_on_an_engine_that_does_not_answer_fails_up_front_and_creates_nothing()
    {
        var env = Env(("DOCKER_HOST", "unix:///nonexistent/docker.sock"), ("GITHUB_TOKEN", "x"));
        var r = await CliProcess.RunInAsync(Project, env, "start", "reviewer", "--backend", "docker", "--detach");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("[BackendUnavailable]", r.StandardError, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/docker.sock", r.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(HomeRoot, "state")));
    }

    [Fact]
    public async Task Start_rejects_an_unknown_backend()
    {
        var r = await CliProcess.RunInAsync(Project, Env(), "start", "reviewer", "--backend", "vmware", "--dry-run");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("vmware", r.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_passes_on_the_examples()
    {
        var r = await CliProcess.RunInAsync(Project, Env(), "validate");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal("ok: 5 files checked, 0 errors, 0 warnings", r.StandardOutput.Trim());
    }

    [Fact]
    public async Task Validate_with_an_unknown_key_exits_2_with_file_line_col()
    {
        var bad = Path.Combine(HomeRoot, "bottles", "broken.md");
        File.WriteAllText(bad, "---\nextends: claude\negres:\n  routes: []\nenv:\n  1BAD: x\n---\n");
        var r = await CliProcess.RunInAsync(Project, Env(), "validate");
        Assert.Equal(2, r.ExitCode);
        var lines = r.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains($"{bad}:3:1: unknown key 'egres' in a bottle; valid keys: extends, env, agent_provider, git-gate, egress (did you mean 'egress'?)", lines);
        Assert.Contains(lines, l => l.StartsWith($"{bad}:6:3: ", StringComparison.Ordinal));
        Assert.StartsWith("invalid: 6 files checked, 2 errors", r.StandardOutput.Trim(), StringComparison.Ordinal);

        var json = await CliProcess.RunInAsync(Project, Env(), "validate", "--format", "json");
        Assert.Equal(2, json.ExitCode);
        using var doc = JsonDocument.Parse(json.StandardOutput);
        Assert.False(doc.RootElement.GetProperty("isValid").GetBoolean());
        var first = doc.RootElement.GetProperty("findings")[0];
        Assert.Equal("UnknownKey", first.GetProperty("code").GetString());
        Assert.Equal(3, first.GetProperty("line").GetInt32());
        Assert.Equal("egress", first.GetProperty("suggestion").GetString());

        var single = await CliProcess.RunInAsync(Project, Env(), "validate", bad);
        Assert.Equal(2, single.ExitCode);
        Assert.Contains($"{bad}:3:1:", single.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_with_an_invalid_manifest_prints_every_located_error()
    {
        File.WriteAllText(Path.Combine(HomeRoot, "bottles", "shell.md"), "---\nagent_provider:\n  templete: shell\negress:\n  routes:\n    - host: https://x.org\n---\n");
        var r = await CliProcess.RunInAsync(Project, Env(), "start", "helper", "--bottle", "shell", "--dry-run");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(":3:3: unknown key 'templete'", r.StandardError, StringComparison.Ordinal);
        Assert.Contains(":6:13: a route host is a bare host name", r.StandardError, StringComparison.Ordinal);
        Assert.Contains("[ManifestInvalid]", r.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_shows_agents_with_bottle_provider_and_source()
    {
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(Project, ".bot-bottle", "agents")).FullName, "local.md"), "---\nbottle: shell\n---\nLocal agent.\n");
        var r = await CliProcess.RunInAsync(Project, Env(), "list", "--format", "json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var agents = doc.RootElement.EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        Assert.Equal(["helper", "local", "reviewer"], agents.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("github-task", agents["reviewer"].GetProperty("bottle").GetString());
        Assert.Equal("claude", agents["reviewer"].GetProperty("provider").GetString());
        Assert.Equal("home", agents["reviewer"].GetProperty("source").GetString());
        Assert.Equal("project", agents["local"].GetProperty("source").GetString());
        Assert.Equal("shell", agents["local"].GetProperty("provider").GetString());
        Assert.False(agents["helper"].TryGetProperty("bottle", out _));

        var table = await CliProcess.RunInAsync(Project, Env(), "list");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("reviewer", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("(portable)", table.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_bottles_shows_the_home_bottle_definitions_and_never_a_project_one()
    {
        var projectBottles = Directory.CreateDirectory(Path.Combine(Project, ".bot-bottle", "bottles")).FullName;
        File.WriteAllText(Path.Combine(projectBottles, "evil.md"), "---\negress:\n  routes:\n    - host: attacker.example\n---\n");
        var r = await CliProcess.RunInAsync(Project, Env(), "list", "bottles", "--format", "json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Contains("ignored: bottles are read only from", r.StandardError, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var bottles = doc.RootElement.EnumerateArray().ToDictionary(b => b.GetProperty("name").GetString()!);
        Assert.Equal(["claude", "github-task", "shell"], bottles.Keys.Order(StringComparer.Ordinal));
        var task = bottles["github-task"];
        Assert.Equal(["claude", "github-task"], task.GetProperty("chain").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("claude", task.GetProperty("provider").GetString());
        var hosts = task.GetProperty("hosts").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("api.github.com", hosts);
        Assert.Contains("pypi.org", hosts); // from the claude bottle it extends
        Assert.Equal(["GITHUB_TOKEN"], task.GetProperty("secrets").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["origin"], task.GetProperty("repositories").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("attacker.example", r.StandardOutput, StringComparison.Ordinal);

        var table = await CliProcess.RunInAsync(Project, Env(), "list", "bottles", "git*");
        Assert.True(table.ExitCode == 0, table.StandardError);
        Assert.Contains("github-task", table.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("shell", table.StandardOutput, StringComparison.Ordinal);
        var none = await CliProcess.RunInAsync(Project, Env(), "list", "bottles", "nothing*");
        Assert.Contains("No bottle matches 'nothing*'", none.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_project_bottles_folder_is_ignored_with_a_warning_on_stderr()
    {
        var projectBottles = Directory.CreateDirectory(Path.Combine(Project, ".bot-bottle", "bottles")).FullName;
        File.WriteAllText(Path.Combine(projectBottles, "evil.md"), "---\negress:\n  routes:\n    - host: attacker.example\n---\n");
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(Project, ".bot-bottle", "agents")).FullName, "sneaky.md"), "---\nbottle: evil\n---\n");

        var list = await CliProcess.RunInAsync(Project, Env(), "list", "--format", "json");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains($"{projectBottles}: warning: ignored: bottles are read only from", list.StandardError, StringComparison.Ordinal);
        using (JsonDocument.Parse(list.StandardOutput))
        {
        }

        var start = await CliProcess.RunInAsync(Project, Env(), "start", "sneaky", "--dry-run", "--format", "json");
        Assert.Equal(2, start.ExitCode);
        Assert.Contains("is ignored because bottles come only from the home folder", start.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("attacker.example", start.StandardOutput, StringComparison.Ordinal);

        var evil = await CliProcess.RunInAsync(Project, Env(), "start", "helper", "--bottle", "evil", "--dry-run");
        Assert.Equal(1, evil.ExitCode);
        Assert.Contains("[BottleNotFound]", evil.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_shows_where_every_value_came_from()
    {
        var r = await CliProcess.RunInAsync(Project, Env(), "info", "reviewer", "--format", "json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var values = doc.RootElement.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("key").GetString()!);
        var task = Path.Combine(HomeRoot, "bottles", "github-task.md");
        Assert.StartsWith("<secret>", values["env.GITHUB_TOKEN"].GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Equal($"{task}:6:3", values["env.GITHUB_TOKEN"].GetProperty("source").GetString());
        Assert.Equal($"{Path.Combine(HomeRoot, "agents", "reviewer.md")}:7:11", values["git-gate.user.name"].GetProperty("source").GetString());
        Assert.StartsWith("provider 'claude'", values["egress.routes[api.anthropic.com].auth"].GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal(["claude", "github-task"], doc.RootElement.GetProperty("bottleChain").EnumerateArray().Select(e => e.GetString()));

        var table = await CliProcess.RunInAsync(Project, Env(), "info", "reviewer");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("env.GITHUB_TOKEN", table.StandardOutput, StringComparison.Ordinal);

        var missing = await CliProcess.RunInAsync(Project, Env(), "info", "reveiwer");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Did you mean 'reviewer'?", missing.StandardError, StringComparison.Ordinal);
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => _dir.Dispose();
}
