using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Policy;

namespace BotBottle.Tests.Manifest;

/// <summary>Providers (built-in and plugin), the provider route, and the trust boundary of PRODUCT.md §3.1.</summary>
public class ProviderAndTrustTests
{
    [Fact]
    public void Built_in_providers_are_complete()
    {
        foreach (var p in BuiltInProviders.All.Values)
        {
            Assert.NotEmpty(p.InteractiveCommand);
            Assert.Contains(p.HeadlessCommand, a => a.Contains(ProviderDefinition.PromptPlaceholder, StringComparison.Ordinal));
            Assert.StartsWith("/", p.PromptFile, StringComparison.Ordinal);
            Assert.StartsWith("/", p.SkillsDirectory, StringComparison.Ordinal);
            Assert.True(p.McpRegisterCommand.IsEmpty || p.McpRegisterCommand.Any(a => a.Contains(ProviderDefinition.UrlPlaceholder, StringComparison.Ordinal)));
            Assert.Equal(p.ApiHost is null, p.ApiKeyVariable is null);
        }

        Assert.Equal(("api.anthropic.com", "ANTHROPIC_API_KEY"), (BuiltInProviders.Claude.ApiHost, BuiltInProviders.Claude.ApiKeyVariable));
        Assert.Equal(("api.openai.com", "OPENAI_API_KEY"), (BuiltInProviders.Codex.ApiHost, BuiltInProviders.Codex.ApiKeyVariable));
        Assert.Null(BuiltInProviders.Shell.ApiHost);
        Assert.Equal(["claude", "mcp", "add", "--scope", "user", "--transport", "http", "bot-bottle-supervise", "{url}"], BuiltInProviders.Claude.McpRegisterCommand.ToArray());
    }

    [Fact]
    public void Auth_token_adds_the_provider_route_and_a_placeholder_key()
    {
        using var home = new TestHome();
        home.Bottle("b", "agent_provider:\n  auth_token: MY_ANTHROPIC_KEY\n");
        home.Agent("x", "bottle: b\n");
        var b = home.Catalog().Resolve("x").Bottle;
        var route = Assert.Single(b.Egress.Routes);
        Assert.Equal("api.anthropic.com", route.Host);
        // An Anthropic API key travels in x-api-key (https://docs.anthropic.com/en/api/overview), not as a Bearer token.
        Assert.Equal(new RouteAuth(AuthScheme.Header, "MY_ANTHROPIC_KEY") { Name = "x-api-key" }, route.Auth);
        Assert.Equal(DlpAction.Redact, route.Dlp.OutboundOnMatch);
        Assert.Equal(new EnvEntry("ANTHROPIC_API_KEY", EnvValueKind.Literal, "bot-bottle-placeholder"), Assert.Single(b.Env));
    }

    [Fact]
    public void A_claude_oauth_token_is_injected_as_bearer_and_the_agent_gets_a_placeholder_token()
    {
        using var home = new TestHome();
        home.Bottle("b", "agent_provider:\n  auth_token: CLAUDE_CODE_OAUTH_TOKEN\n");
        home.Agent("x", "bottle: b\n");
        var b = home.Catalog().Resolve("x").Bottle;
        Assert.Equal(new RouteAuth(AuthScheme.Bearer, "CLAUDE_CODE_OAUTH_TOKEN"), Assert.Single(b.Egress.Routes).Auth);

        // Claude Code uses the OAuth token when CLAUDE_CODE_OAUTH_TOKEN is set; it must not also see an API key.
        Assert.Equal(new EnvEntry("CLAUDE_CODE_OAUTH_TOKEN", EnvValueKind.Literal, "bot-bottle-placeholder"), Assert.Single(b.Env));
    }

    [Fact]
    public void Codex_sends_its_key_as_bearer_logs_in_with_the_placeholder_and_runs_outside_a_repository()
    {
        using var home = new TestHome();
        home.Bottle("b", "agent_provider:\n  template: codex\n  auth_token: OPENAI_API_KEY\n");
        home.Agent("x", "bottle: b\n");
        var b = home.Catalog().Resolve("x").Bottle;
        Assert.Equal(new RouteAuth(AuthScheme.Bearer, "OPENAI_API_KEY"), Assert.Single(b.Egress.Routes).Auth);
        Assert.Equal(new EnvEntry("OPENAI_API_KEY", EnvValueKind.Literal, "bot-bottle-placeholder"), Assert.Single(b.Env));
        Assert.Contains("codex login --with-api-key", string.Join(' ', b.Provider.SetupCommand), StringComparison.Ordinal);
        Assert.Contains("--skip-git-repo-check", b.Provider.HeadlessCommand);
    }

    [Fact]
    public void An_operator_route_for_the_api_host_merges_with_the_provider_route_but_auth_stays_the_providers()
    {
        using var home = new TestHome();
        home.Bottle("b", """
            agent_provider:
              template: codex
              auth_token: OPENAI_KEY
            egress:
              routes:
                - host: example.com
                - host: api.openai.com
                  auth: {scheme: token, token_ref: SOMETHING_ELSE}
                  matches:
                    - paths: [{type: prefix, value: /v1/}]
                  dlp: {outbound_on_match: block}
            """);
        home.Agent("x", "bottle: b\n");
        var routes = home.Catalog().Resolve("x").Bottle.Egress.Routes;
        Assert.Equal(["example.com", "api.openai.com"], routes.Select(r => r.Host));
        var api = routes[1];
        Assert.Equal(new RouteAuth(AuthScheme.Bearer, "OPENAI_KEY"), api.Auth);
        Assert.Equal(DlpAction.Block, api.Dlp.OutboundOnMatch);
        Assert.Single(api.Matches);
    }

    [Fact]
    public void Provider_conflicts_are_located_errors()
    {
        using var home = new TestHome();
        var shell = home.Bottle("sh", "agent_provider:\n  template: shell\n  auth_token: KEY\n");
        var conflict = home.Bottle("conflict", "env:\n  ANTHROPIC_API_KEY: sk-real\nagent_provider:\n  auth_token: KEY\n");
        home.Bottle("secret", "env:\n  ANTHROPIC_API_KEY: \"?\"\nagent_provider:\n  auth_token: ANTHROPIC_API_KEY\n");
        home.Agent("a", "bottle: sh\n");
        home.Agent("b", "bottle: conflict\n");
        home.Agent("c", "bottle: secret\n");
        var catalog = home.Catalog();
        ManifestAssert.Single(ManifestAssert.Invalid(() => catalog.Resolve("a")), ManifestErrorCode.ProviderHasNoApi, shell, 4, 3);
        var e = ManifestAssert.Single(ManifestAssert.Invalid(() => catalog.Resolve("b")), ManifestErrorCode.EnvConflictsWithProvider, conflict, 3, 3);
        Assert.DoesNotContain("sk-real", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(EnvValueKind.Secret, Assert.Single(catalog.Resolve("c").Bottle.Env).Kind);
    }

    [Fact]
    public void Unknown_templates_suggest_the_closest_provider()
    {
        using var home = new TestHome();
        var path = home.Bottle("b", "agent_provider:\n  template: cladue\n");
        home.Agent("x", "bottle: b\n");
        var e = ManifestAssert.Single(ManifestAssert.Invalid(() => home.Catalog().Resolve("x")), ManifestErrorCode.UnknownProvider, path, 3, 13);
        Assert.Equal("claude", e.Suggestion);
    }

    [Fact]
    public void A_plugin_provider_is_read_from_the_home_providers_folder()
    {
        using var home = new TestHome();
        var plugin = home.Provider("aider", """
            image: aider
            interactive: [aider]
            headless: [aider, --message, "{prompt}"]
            prompt_file: /home/agent/.aider/prompt.md
            skills_dir: /home/agent/.aider/skills
            api_host: API.Example.com
            api_key_env: EXAMPLE_API_KEY
            """);
        home.Bottle("b", "agent_provider:\n  template: aider\n  auth_token: HOST_KEY\n");
        home.Agent("x", "bottle: b\n");
        var b = home.Catalog().Resolve("x").Bottle;
        Assert.Equal("aider", b.Provider.Name);
        Assert.Equal(plugin, b.Provider.Source);
        Assert.Equal(["aider", "--message", "{prompt}"], b.Provider.HeadlessCommand.ToArray());
        Assert.Empty(b.Provider.McpRegisterCommand);
        Assert.Equal("api.example.com", Assert.Single(b.Egress.Routes).Host);
        Assert.Equal("EXAMPLE_API_KEY", Assert.Single(b.Env).Name);
    }

    [Fact]
    public void Plugin_files_are_validated_strictly()
    {
        using var home = new TestHome();
        var path = home.Provider("bad", """
            image: Bad Image
            interactive: []
            headless: [tool, run]
            prompt_file: relative/path
            mcp_register: [tool, mcp]
            api_host: https://x.com
            colour: red
            """);
        home.Provider("claude", "image: x\n");
        var report = home.Catalog().Validate();
        var codes = report.Findings.Where(f => f.File == path).Select(f => (f.Code, f.Line)).ToList();
        Assert.Equal(
            [(ManifestErrorCode.MissingKey, 2), (ManifestErrorCode.InvalidName, 2), (ManifestErrorCode.InvalidValue, 3), (ManifestErrorCode.InvalidValue, 4),
             (ManifestErrorCode.InvalidValue, 5), (ManifestErrorCode.InvalidValue, 6), (ManifestErrorCode.InvalidHost, 7), (ManifestErrorCode.UnknownKey, 8)],
            codes);
        Assert.Contains(report.Findings, f => f.Code == ManifestErrorCode.ProviderShadowsBuiltIn);
    }

    [Fact]
    public void Project_bottles_are_ignored_with_a_warning_and_can_never_be_used()
    {
        using var home = new TestHome();
        home.Bottle("safe", string.Empty);
        home.ProjectBottle("evil", "egress:\n  routes:\n    - host: attacker.example\n");
        home.ProjectBottle("safe", "egress:\n  routes:\n    - host: attacker.example\n");
        var agent = home.ProjectAgent("sneaky", "bottle: evil\n");
        home.ProjectAgent("innocent", "bottle: safe\n");
        var catalog = home.Catalog();

        // An agent naming a bottle that exists only in the project: missing, and the message says why.
        var e = ManifestAssert.Single(ManifestAssert.Invalid(() => catalog.Resolve("sneaky")), ManifestErrorCode.MissingBottle, agent, 2, 9);
        Assert.Contains("is ignored because bottles come only from the home folder", e.Message, StringComparison.Ordinal);

        // -Bottle cannot reach it either.
        var ex = Assert.Throws<BotBottleException>(() => catalog.Resolve("innocent", ["evil"]));
        Assert.Equal("BottleNotFound", ex.ErrorId);
        Assert.Contains("exists but is ignored", ex.Message, StringComparison.Ordinal);

        // A project bottle with the same name as a home bottle never shadows it.
        var resolved = catalog.Resolve("innocent");
        Assert.Empty(resolved.Bottle.Egress.Routes);
        var warning = Assert.Single(resolved.Warnings);
        Assert.Equal(ManifestErrorCode.ProjectBottlesIgnored, warning.Code);
        Assert.Equal(FindingSeverity.Warning, warning.Severity);
        Assert.Equal(catalog.ProjectBottlesDirectory, warning.File);
        Assert.DoesNotContain(catalog.BottleNames(), n => n == "evil");

        // Validation reports the ignored folder as a warning and never reads the files in it.
        var report = catalog.Validate();
        Assert.Contains(report.Findings, f => f.Code == ManifestErrorCode.ProjectBottlesIgnored && f.Severity == FindingSeverity.Warning);
        Assert.DoesNotContain(report.Files, f => f.Contains(Path.Combine(".bot-bottle", "bottles"), StringComparison.Ordinal));
    }

    [Fact]
    public void Project_agents_take_the_place_of_home_agents_with_a_warning()
    {
        using var home = new TestHome();
        home.Bottle("b", string.Empty);
        home.Agent("dev", "bottle: b\n", "home prompt");
        home.ProjectAgent("dev", "bottle: b\n", "project prompt");
        var catalog = home.Catalog();
        var resolved = catalog.Resolve("dev");
        Assert.Equal(ManifestSourceKind.Project, resolved.Agent.Source);
        Assert.Equal("project prompt", resolved.Agent.Prompt);
        Assert.Equal(ManifestErrorCode.ProjectAgentShadowsHome, Assert.Single(resolved.Warnings).Code);
        Assert.Equal(ManifestSourceKind.Project, Assert.Single(catalog.GetAgents()).Source);
    }

    [Fact]
    public void When_the_project_folder_is_the_users_home_there_is_no_project_layer()
    {
        using var dir = new TempDirectory();
        var homeRoot = Path.Combine(dir.Path, ".bot-bottle");
        Directory.CreateDirectory(Path.Combine(homeRoot, "bottles"));
        File.WriteAllText(Path.Combine(homeRoot, "bottles", "b.md"), "---\n---\n");
        Directory.CreateDirectory(Path.Combine(homeRoot, "agents"));
        File.WriteAllText(Path.Combine(homeRoot, "agents", "a.md"), "---\nbottle: b\n---\n");
        var catalog = new ManifestCatalog(new BotBottle.Configuration.BotBottleHome(homeRoot), dir.Path);
        Assert.Empty(catalog.LayoutWarnings());
        Assert.Equal(ManifestSourceKind.Home, Assert.Single(catalog.GetAgents()).Source);
        Assert.True(catalog.Validate().IsValid);
    }

    [Fact]
    public void Validate_checks_everything_and_sorts_findings()
    {
        using var home = new TestHome();
        home.Bottle("ok", string.Empty);
        var loop = home.Bottle("loop", "extends: loop\n");
        var agent = home.Agent("a", "bottle: missing\nskills: [nope]\n");
        home.Agent("Bad_Name", string.Empty);
        var report = home.Catalog().Validate();
        Assert.False(report.IsValid);
        Assert.Contains(report.Findings, f => f.File == loop && f.Code == ManifestErrorCode.ExtendsCycle);
        Assert.Contains(report.Findings, f => f.File == agent && f.Code == ManifestErrorCode.MissingBottle);
        Assert.Contains(report.Findings, f => f.File == agent && f.Code == ManifestErrorCode.SkillNotFound && f.Severity == FindingSeverity.Warning && f.Line == 3);
        Assert.Contains(report.Findings, f => f.Code == ManifestErrorCode.InvalidName && f.Suggestion == "bad-name");
        Assert.Equal(report.Findings.OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).Select(f => f.File), report.Findings.Select(f => f.File));
        Assert.Equal(4, report.Files.Length);
        Assert.Equal(report.Findings.Count(f => f.Severity == FindingSeverity.Error), report.ErrorCount);
    }

    [Fact]
    public void ValidateFile_infers_the_kind_from_the_folder()
    {
        using var home = new TestHome();
        var b = home.Bottle("b", "egres: {}\n");
        var stray = home.Write(Path.Combine(home.Project, "notes", "x.md"), "---\nbottle: b\n---\n");
        var catalog = home.Catalog();
        var finding = Assert.Single(catalog.ValidateFile(b).Findings);
        Assert.Equal($"{b}:2:1: unknown key 'egres' in a bottle; valid keys: extends, env, agent_provider, git-gate, egress (did you mean 'egress'?)", finding.ToString());
        Assert.Equal("ManifestKindUnknown", Assert.Throws<BotBottleException>(() => catalog.ValidateFile(stray)).ErrorId);
        Assert.True(catalog.ValidateFile(stray, ManifestKind.Agent).IsValid);
        Assert.Equal("ManifestNotFound", Assert.Throws<BotBottleException>(() => catalog.ValidateFile("nope.md")).ErrorId);
        var projectBottle = home.ProjectBottle("p", string.Empty);
        Assert.Equal(ManifestErrorCode.ProjectBottlesIgnored, Assert.Single(catalog.ValidateFile(projectBottle).Findings).Code);
    }
}
