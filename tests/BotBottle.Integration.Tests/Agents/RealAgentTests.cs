using System.Text.Json;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;
using BotBottle.Backends.Docker.Images;
using BotBottle.Manifest;
using BotBottle.Processes;
using BotBottle.Tests.Cli;

namespace BotBottle.Tests.Agents;

/// <summary>
/// A BOT_BOTTLE_HOME whose bottles run the real Claude Code and Codex CLIs (the shipped <c>claude</c> and <c>codex</c>
/// images) against <see cref="ModelApiStandIn"/>: <c>api.anthropic.com</c> and <c>api.openai.com</c> resolve, in the
/// sidecar, to the engine host where the stand-in listens, and the sidecar trusts the stand-in's CA for this bottle
/// only. The agents reach the APIs at their real names (their base URL only adds the stand-in's port).
/// </summary>
public sealed class RealAgentHome : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("bbagents");

    public ModelApiStandIn Api { get; private set; } = null!;

    public const string Reply = "Hello from the model API stand-in: 7f3c9a";

    /// <summary>The model the project's .claude/settings.json selects; seen upstream only if Claude Code read the copied settings.</summary>
    public const string SettingsModel = "claude-model-from-project-settings";

    public string HomeDirectory => _dir.Combine("home");

    public string ProjectDirectory => _dir.Combine("project");

    internal IDockerEngine Engine { get; } = DockerEngineClient.FromEnvironment();

    public async Task InitializeAsync()
    {
        Api = await ModelApiStandIn.StartAsync(_dir.Combine("api-ca.pem"), Reply);
        Bottle("claude-key", "claude", "ANTHROPIC_API_KEY", "api.anthropic.com", "ANTHROPIC_BASE_URL", $"https://api.anthropic.com:{Api.Port}");
        Bottle("claude-oauth", "claude", "CLAUDE_CODE_OAUTH_TOKEN", "api.anthropic.com", "ANTHROPIC_BASE_URL", $"https://api.anthropic.com:{Api.Port}");
        Bottle("codex-key", "codex", "OPENAI_API_KEY", "api.openai.com", "OPENAI_BASE_URL", $"https://api.openai.com:{Api.Port}/v1");

        // A project whose Claude settings must be readable inside the bottle (copied in with --cwd, owned by the agent).
        _dir.WriteFile("project/.claude/settings.json", $$"""{ "model": "{{SettingsModel}}" }""");
        _dir.WriteFile("project/README.md", "a project\n");
    }

    private void Bottle(string name, string template, string authToken, string apiHost, string baseUrlVariable, string baseUrl)
    {
        _dir.WriteFile($"home/bottles/{name}.md", $$"""
            ---
            agent_provider:
              template: {{template}}
              auth_token: {{authToken}}
            env:
              {{baseUrlVariable}}: {{baseUrl}}
              CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1"
              DISABLE_AUTOUPDATER: "1"
            egress:
              log: 2
              routes:
                - host: {{apiHost}}
                  ports: [{{Api.Port}}]
                  allow_private: true
            ---
            The real {{template}} CLI against the model API stand-in.
            """);
        _dir.WriteFile($"home/agents/{name}.md", $"---\nbottle: {name}\n---\nAnswer briefly.\n");
    }

    /// <summary>Runs the built CLI against this home from the project folder, with the real credentials in the host environment.</summary>
    public Task<ProcessResult> CliAsync(params string[] args) => CliProcess.RunInAsync(ProjectDirectory, Environment(), args);

    /// <summary>The CLI's environment: this home, the docker backend, the host CA for image builds behind an intercepting proxy, and the real credentials.</summary>
    public Dictionary<string, string?> Environment() => new()
    {
        ["BOT_BOTTLE_HOME"] = HomeDirectory,
        ["BOT_BOTTLE_BACKEND"] = "docker",
        // The claude and codex images install their npm packages over HTTPS; behind a TLS-intercepting proxy the
        // build trusts the host's CAs (docs/docker-backend.md). Harmless without one.
        [ExtraCertificates.TrustHostVariable] = "1",
        ["ANTHROPIC_API_KEY"] = Api.AnthropicApiKey,
        ["CLAUDE_CODE_OAUTH_TOKEN"] = Api.AnthropicOAuthToken,
        ["OPENAI_API_KEY"] = Api.OpenAiApiKey,
    };

    /// <summary>The start options every test bottle needs: the stand-in's CA and the API names mapped to the engine host.</summary>
    public string[] StartArgs(string agent, string label) =>
        ["start", agent, "--label", label, "--upstream-ca", Api.CaPemPath,
         "--host-alias", "api.anthropic.com=host-gateway", "--host-alias", "api.openai.com=host-gateway"];

    public async Task DisposeAsync()
    {
        foreach (var slug in Directory.Exists(Path.Combine(HomeDirectory, "state")) ? Directory.GetDirectories(Path.Combine(HomeDirectory, "state")).Select(Path.GetFileName) : [])
        {
            await CliAsync("rm", slug!, "--force");
        }

        await Api.DisposeAsync();
        Engine.Dispose();
        _dir.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RealAgentCollection : ICollectionFixture<RealAgentHome>
{
    public const string Name = "real-agents";
}

/// <summary>
/// The real agent CLIs, end to end through a bottle (issue 17): each authenticates through the sidecar with the
/// header its API documents, the real credential reaches only the stand-in, the agent holds a placeholder that is
/// never accepted, and nothing of the credential is in the agent container. A session that ends 0 removes its
/// bottle; one that fails keeps it, says how to resume, and <c>resume --headless</c> runs the agent again.
/// </summary>
[Collection(RealAgentCollection.Name)]
public class RealAgentTests(RealAgentHome home)
{
    private static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Claude_code_with_an_api_key_answers_headless_and_its_bottle_is_removed_after_exit_0()
    {
        var label = "claude-key-ok";
        var r = await home.CliAsync([.. home.StartArgs("claude-key", label), "--headless", "--prompt", "Say hello."]);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StandardOutput}\n{r.StandardError}");
        Assert.Contains(RealAgentHome.Reply, r.StandardOutput, StringComparison.Ordinal);
        AssertCredentialOnlyUpstream(home.Api.AnthropicApiKey, "/v1/messages", viaHeader: "x-api-key");

        // Exit 0 ends the session: no container, network, volume or state of the bottle is left.
        await AssertGoneAsync(label);
    }

    [Fact]
    public async Task A_failed_claude_session_keeps_the_bottle_and_resume_headless_runs_the_agent_again()
    {
        var label = "claude-key-resume";
        var failed = await home.CliAsync([.. home.StartArgs("claude-key", label), "--headless", "--prompt", "Do this: " + ModelApiStandIn.FailMarker]);
        Assert.True(failed.ExitCode != 0, failed.StandardOutput + failed.StandardError);
        Assert.Contains($"bot-bottle resume {label}", failed.StandardError, StringComparison.Ordinal);
        Assert.Contains($"bot-bottle rm {label} --force", failed.StandardError, StringComparison.Ordinal);
        Assert.Contains($"bot-bottle attach {label}", failed.StandardError, StringComparison.Ordinal);

        // Kept and running: nothing of the real key is in the agent's container (environment and filesystem).
        await AssertNotInAgentAsync(label, home.Api.AnthropicApiKey, "ANTHROPIC_API_KEY=" + ProviderDefinition.PlaceholderValue);

        var resumed = await home.CliAsync("resume", label, "--headless", "--prompt", "Say hello again.");
        Assert.True(resumed.ExitCode == 0, $"exit {resumed.ExitCode}\n{resumed.StandardOutput}\n{resumed.StandardError}");
        Assert.Contains(RealAgentHome.Reply, resumed.StandardOutput, StringComparison.Ordinal);
        AssertCredentialOnlyUpstream(home.Api.AnthropicApiKey, "/v1/messages", viaHeader: "x-api-key");
        await AssertGoneAsync(label);
    }

    [Fact]
    public async Task Claude_code_with_an_oauth_token_reads_the_copied_project_settings_and_registers_the_supervise_server()
    {
        var label = "claude-oauth";
        var started = await home.CliAsync([.. home.StartArgs("claude-oauth", label), "--cwd", "--detach"]);
        Assert.True(started.ExitCode == 0, started.StandardOutput + started.StandardError);

        // The provider's headless command, as 'start --headless' runs it, from the copied project.
        var run = await home.CliAsync("exec", label, "--", "claude", "--dangerously-skip-permissions", "-p", "Say hello.");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.StandardOutput}\n{run.StandardError}");
        Assert.Contains(RealAgentHome.Reply, run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be vetted", run.StandardOutput + run.StandardError, StringComparison.Ordinal);

        // The model from /workspace/.claude/settings.json went upstream: Claude Code read the project's settings.
        Assert.Contains(home.Api.Requests, q => q.Accepted && q.Model == RealAgentHome.SettingsModel);
        AssertCredentialOnlyUpstream(home.Api.AnthropicOAuthToken, "/v1/messages", viaHeader: "Authorization");
        await AssertNotInAgentAsync(label, home.Api.AnthropicOAuthToken, "CLAUDE_CODE_OAUTH_TOKEN=" + ProviderDefinition.PlaceholderValue);

        // Interactive mode, with a terminal: 'attach' runs a command on a TTY; Claude Code lists the supervise server.
        // Claude Code redraws the screen (it skips characters already on it), so the terminal view is checked for the
        // server's URL and health; the name is checked exactly without a terminal.
        var mcp = await AttachWithTtyAsync(label, "claude", "mcp", "list");
        Assert.True(mcp.Contains("sidecar:8750/mcp", StringComparison.Ordinal) && mcp.Contains("Connected", StringComparison.Ordinal), mcp);
        var registered = await home.CliAsync("exec", label, "--", "claude", "mcp", "get", "bot-bottle-supervise");
        Assert.True(registered.ExitCode == 0, registered.StandardOutput + registered.StandardError);
        Assert.Contains("http://sidecar:8750/mcp", registered.StandardOutput, StringComparison.Ordinal);

        var rm = await home.CliAsync("rm", label, "--force");
        Assert.Equal(0, rm.ExitCode);
        await AssertGoneAsync(label);
    }

    [Fact]
    public async Task Codex_with_an_api_key_answers_headless_through_the_sidecar()
    {
        var label = "codex-key";
        var started = await home.CliAsync([.. home.StartArgs("codex-key", label), "--detach"]);
        Assert.True(started.ExitCode == 0, started.StandardOutput + started.StandardError);

        // Codex takes its API base URL from its config (openai_base_url), not the environment: point it at the stand-in's
        // port, as an operator's image or config would. A top-level key goes before the [mcp_servers…] tables.
        var configured = await home.CliAsync("exec", label, "--", "sh", "-c",
            "f=\"$HOME/.codex/config.toml\"; { printf 'openai_base_url = \"%s\"\\n' \"$1\"; cat \"$f\" 2>/dev/null; } > \"$f.new\" && mv \"$f.new\" \"$f\"",
            "sh", $"https://api.openai.com:{home.Api.Port}/v1");
        Assert.True(configured.ExitCode == 0, configured.StandardError);

        var run = await home.CliAsync("exec", label, "--", "codex", "exec", "--dangerously-bypass-approvals-and-sandbox", "--skip-git-repo-check", "Say hello.");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.StandardOutput}\n{run.StandardError}");
        Assert.Contains(RealAgentHome.Reply, run.StandardOutput, StringComparison.Ordinal);
        AssertCredentialOnlyUpstream(home.Api.OpenAiApiKey, "/v1/responses", viaHeader: "Authorization");
        await AssertNotInAgentAsync(label, home.Api.OpenAiApiKey, "OPENAI_API_KEY=" + ProviderDefinition.PlaceholderValue);

        var mcp = await AttachWithTtyAsync(label, "codex", "mcp", "list");
        Assert.True(mcp.Contains("bot-bottle-supervise", StringComparison.Ordinal), mcp);

        // The session ends like 'start --headless' does: exit 0 removes the bottle.
        var again = await home.CliAsync("resume", label, "--headless", "--prompt", "Say hello again.");
        Assert.True(again.ExitCode == 0, $"exit {again.ExitCode}\n{again.StandardOutput}\n{again.StandardError}");
        Assert.Contains(RealAgentHome.Reply, again.StandardOutput, StringComparison.Ordinal);
        await AssertGoneAsync(label);
    }

    /// <summary>
    /// The stand-in accepted <paramref name="credential"/> on <paramref name="path"/>, in the header the API documents,
    /// and never saw (so never accepted) the agent's placeholder: every credential it was offered was the real one.
    /// </summary>
    private void AssertCredentialOnlyUpstream(string credential, string path, string viaHeader)
    {
        var onPath = home.Api.Requests.Where(q => q.Path == path && q.Credential is { Length: > 0 }).ToList();
        Assert.Contains(onPath, q => q.Accepted && q.Credential == credential && q.Headers.GetValueOrDefault(viaHeader)?.Contains(credential, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(home.Api.Requests, q => q.Credential == ProviderDefinition.PlaceholderValue || q.Headers.Values.Any(v => v.Contains(ProviderDefinition.PlaceholderValue, StringComparison.Ordinal)));
        Assert.DoesNotContain(home.Api.Requests, q => q.Accepted && q.Credential != home.Api.AnthropicApiKey && q.Credential != home.Api.AnthropicOAuthToken && q.Credential != home.Api.OpenAiApiKey);
    }

    /// <summary>
    /// <paramref name="secret"/> is neither in the agent container's configuration (its environment included) nor
    /// anywhere in its filesystem (exported by the engine and searched on the host, so the search itself puts the
    /// secret into no process inside); the agent does hold <paramref name="placeholderEnv"/>.
    /// </summary>
    private async Task AssertNotInAgentAsync(string slug, string secret, string placeholderEnv)
    {
        var agent = await home.Engine.InspectContainerAsync(DockerBackend.AgentName(slug), Timeout());
        Assert.NotNull(agent);
        var config = JsonSerializer.Serialize(agent);
        Assert.DoesNotContain(secret, config, StringComparison.Ordinal);
        Assert.Contains(placeholderEnv, agent!.Config!.Env ?? [], StringComparer.Ordinal);

        var docker = ExecutableLocator.Find("docker") ?? throw new InvalidOperationException("the docker CLI is needed to export the agent's filesystem");
        var search = await ProcessRunner.Default.RunAsync(new ProcessSpec("bash", ["-c", "\"$0\" export \"$1\" | grep -a -c -F -e \"$SECRET\"; echo \"export ${PIPESTATUS[0]}\"", docker, DockerBackend.AgentName(slug)])
        {
            Environment = new Dictionary<string, string?> { ["SECRET"] = secret },
            Timeout = TimeSpan.FromMinutes(5),
        });
        Assert.Equal("0\nexport 0\n", search.StandardOutput);
    }

    /// <summary>Runs <c>bot-bottle attach &lt;slug&gt; -- command…</c> on a pseudo-terminal (util-linux <c>script</c>) and returns what the terminal showed.</summary>
    private async Task<string> AttachWithTtyAsync(string slug, params string[] command)
    {
        var cli = string.Join(' ', new[] { CliProcess.Path, "attach", slug, "--" }.Concat(command).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var r = await ProcessRunner.Default.RunAsync(new ProcessSpec("script", ["-qefc", cli, "/dev/null"])
        {
            Environment = home.Environment(),
            WorkingDirectory = home.ProjectDirectory,
            Timeout = TimeSpan.FromMinutes(3),
        });
        Assert.True(r.ExitCode == 0, $"attach exited {r.ExitCode}\n{r.StandardOutput}\n{r.StandardError}");

        // What a terminal shows: the CLIs draw with ECMA-48 control sequences (cursor moves, colours); drop them.
        return System.Text.RegularExpressions.Regex.Replace(r.StandardOutput, "\u001B(?:[@-Z\\\\-_]|\\[[0-?]*[ -/]*[@-~])|\u001B[78]|\0", " ");
    }

    private async Task AssertGoneAsync(string slug)
    {
        var label = $"{DockerDefaults.SlugLabel}={slug}";
        Assert.Empty(await home.Engine.ListContainersAsync([label], Timeout()));
        Assert.Empty(await home.Engine.ListNetworksAsync([label], Timeout()));
        Assert.Empty(await home.Engine.ListVolumesAsync([label], Timeout()));
        Assert.False(Directory.Exists(Path.Combine(home.HomeDirectory, "state", slug)), "the state folder is left");
    }
}
