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

    /// <summary>The host's Codex home (CODEX_HOME), holding the operator's ChatGPT sign-in.</summary>
    public string CodexHome => _dir.Combine("codex-home");

    internal IDockerEngine Engine { get; } = DockerEngineClient.FromEnvironment();

    public async Task InitializeAsync()
    {
        Api = await ModelApiStandIn.StartAsync(_dir.Combine("api-ca.pem"), Reply);
        Bottle("claude-key", "claude", "ANTHROPIC_API_KEY", "api.anthropic.com", "ANTHROPIC_BASE_URL", $"https://api.anthropic.com:{Api.Port}");
        Bottle("claude-oauth", "claude", "CLAUDE_CODE_OAUTH_TOKEN", "api.anthropic.com", "ANTHROPIC_BASE_URL", $"https://api.anthropic.com:{Api.Port}");
        Bottle("codex-key", "codex", "OPENAI_API_KEY", "api.openai.com", "OPENAI_BASE_URL", $"https://api.openai.com:{Api.Port}/v1");

        // The operator signed in to Codex with ChatGPT on the host (CODEX_HOME/auth.json); the bottle forwards that sign-in.
        // A refresh, should Codex try one, goes to auth.openai.com on the stand-in's port (CODEX_REFRESH_TOKEN_URL_OVERRIDE,
        // codex-rs/login/src/auth/manager.rs), a host the bottle has no route for.
        _dir.WriteFile("codex-home/auth.json", Api.HostCodexAuthJson());
        _dir.WriteFile("home/bottles/codex-chatgpt.md", $$"""
            ---
            agent_provider:
              template: codex
              forward_host_credentials: true
            env:
              CODEX_REFRESH_TOKEN_URL_OVERRIDE: https://auth.openai.com:{{Api.Port}}/oauth/token
            egress:
              log: 2
              routes:
                - host: chatgpt.com
                  ports: [{{Api.Port}}]
                  allow_private: true
            ---
            The real Codex CLI, signed in with the operator's ChatGPT account, against the ChatGPT backend stand-in.
            """);
        _dir.WriteFile("home/agents/codex-chatgpt.md", "---\nbottle: codex-chatgpt\n---\nAnswer briefly.\n");

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
        ["CODEX_HOME"] = CodexHome,
    };

    /// <summary>The start options every test bottle needs: the stand-in's CA and the API names mapped to the engine host.</summary>
    public string[] StartArgs(string agent, string label) =>
        ["start", agent, "--label", label, "--upstream-ca", Api.CaPemPath,
         "--host-alias", "api.anthropic.com=host-gateway", "--host-alias", "api.openai.com=host-gateway",
         "--host-alias", "chatgpt.com=host-gateway", "--host-alias", "auth.openai.com=host-gateway"];

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

    [Fact]
    public async Task Codex_signed_in_with_chatgpt_on_the_host_answers_through_the_sidecar_holding_only_a_placeholder_sign_in()
    {
        var label = "codex-chatgpt";
        var started = await home.CliAsync([.. home.StartArgs("codex-chatgpt", label), "--detach"]);
        Assert.True(started.ExitCode == 0, started.StandardOutput + started.StandardError);

        // The agent's sign-in is the placeholder: owned by the agent, mode 600, and Codex takes it for a ChatGPT sign-in.
        var file = await home.CliAsync("exec", label, "--", "sh", "-c", "stat -c '%a %U' \"$HOME/.codex/auth.json\" && codex login status");
        Assert.True(file.ExitCode == 0, file.StandardOutput + file.StandardError);
        Assert.StartsWith("600 agent\n", file.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ChatGPT", file.StandardOutput + file.StandardError, StringComparison.Ordinal);

        // Codex's ChatGPT backend URLs (openai_base_url, chatgpt_base_url) with the stand-in's port, as in the API-key test.
        var configured = await home.CliAsync("exec", label, "--", "sh", "-c",
            "f=\"$HOME/.codex/config.toml\"; { printf 'openai_base_url = \"%s\"\\nchatgpt_base_url = \"%s\"\\n' \"$1\" \"$2\"; cat \"$f\" 2>/dev/null; } > \"$f.new\" && mv \"$f.new\" \"$f\"",
            "sh", $"https://chatgpt.com:{home.Api.Port}/backend-api/codex", $"https://chatgpt.com:{home.Api.Port}/backend-api/");
        Assert.True(configured.ExitCode == 0, configured.StandardError);

        var run = await home.CliAsync("exec", label, "--", "codex", "exec", "--dangerously-bypass-approvals-and-sandbox", "--skip-git-repo-check", "Say hello.");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.StandardOutput}\n{run.StandardError}");
        Assert.Contains(RealAgentHome.Reply, run.StandardOutput, StringComparison.Ordinal);

        // The real access token and account id reached the backend together; the placeholder never did.
        Assert.Contains(home.Api.Requests, q => q.Path == "/backend-api/codex/responses" && q.Accepted
            && q.Headers.GetValueOrDefault("Authorization") == "Bearer " + home.Api.ChatGptAccessToken
            && q.Headers.GetValueOrDefault("ChatGPT-Account-Id") == home.Api.ChatGptAccountId);
        AssertCredentialOnlyUpstream(home.Api.ChatGptAccessToken, "/backend-api/codex/responses", viaHeader: "Authorization");

        // The token is bound to Codex's paths of the backend: the rest of the ChatGPT account is refused by the sidecar.
        var account = await home.CliAsync("exec", label, "--", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", $"https://chatgpt.com:{home.Api.Port}/backend-api/conversations");
        Assert.NotEqual("200", account.StandardOutput);
        Assert.DoesNotContain(home.Api.Requests, q => q.Path == "/backend-api/conversations");

        // An expired token: Codex tries a refresh with what it holds (the placeholder), which the sidecar refuses (no
        // route to auth.openai.com): nothing reaches the token endpoint, and the session fails instead of using a new token.
        var expired = await home.CliAsync("exec", label, "--", "codex", "exec", "--dangerously-bypass-approvals-and-sandbox", "--skip-git-repo-check", "Do this: " + ModelApiStandIn.ExpireMarker);
        Assert.True(expired.ExitCode != 0, expired.StandardOutput + expired.StandardError);
        Assert.DoesNotContain(home.Api.Requests, q => q.Path == "/oauth/token");

        // Neither the access token nor the refresh or id token is anywhere in the agent container.
        await AssertNotInAgentAsync(label, home.Api.ChatGptAccessToken, placeholderEnv: null);
        await AssertNotInAgentAsync(label, home.Api.ChatGptRefreshToken, placeholderEnv: null);
        await AssertNotInAgentAsync(label, home.Api.ChatGptIdToken.Split('.')[2], placeholderEnv: null);
        Assert.DoesNotContain(home.Api.Requests, q => q.Headers.Values.Any(v => v.Contains(home.Api.ChatGptRefreshToken, StringComparison.Ordinal)));

        var rm = await home.CliAsync("rm", label, "--force");
        Assert.Equal(0, rm.ExitCode);
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
        Assert.DoesNotContain(home.Api.Requests, q => q.Accepted && q.Credential != home.Api.AnthropicApiKey && q.Credential != home.Api.AnthropicOAuthToken && q.Credential != home.Api.OpenAiApiKey && q.Credential != home.Api.ChatGptAccessToken);
    }

    /// <summary>
    /// <paramref name="secret"/> is neither in the agent container's configuration (its environment included) nor
    /// anywhere in its filesystem (exported by the engine and searched on the host, so the search itself puts the
    /// secret into no process inside); the agent does hold <paramref name="placeholderEnv"/> when one is given.
    /// </summary>
    private async Task AssertNotInAgentAsync(string slug, string secret, string? placeholderEnv)
    {
        var agent = await home.Engine.InspectContainerAsync(DockerBackend.AgentName(slug), Timeout());
        Assert.NotNull(agent);
        var config = JsonSerializer.Serialize(agent);
        Assert.DoesNotContain(secret, config, StringComparison.Ordinal);
        if (placeholderEnv is not null)
        {
            Assert.Contains(placeholderEnv, agent!.Config!.Env ?? [], StringComparer.Ordinal);
        }

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
