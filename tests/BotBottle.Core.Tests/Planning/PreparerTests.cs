using System.Text.Json;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Serialization;
using BotBottle.Tests.Manifest;

namespace BotBottle.Tests.Planning;

public class PreparerTests
{
    private static readonly DictionarySecretSource NoSecrets = new(new Dictionary<string, SecretValue>());

    private static TestHome Home()
    {
        var home = new TestHome();
        home.Skill("review");
        home.Bottle("base", """
            env:
              LANG: C.UTF-8
              USER_HOME: "${HOST_HOME}"
              API_TOKEN: "?Token for the API"
            egress:
              routes:
                - host: api.example.com
                  auth: {scheme: Bearer, token_ref: API_TOKEN}
            """);
        home.Agent("dev", "bottle: base\nskills: [review]\ndescription: Dev agent\n", "Be careful.\n");
        return home;
    }

    private static readonly Dictionary<string, string> HostEnv = new() { ["HOST_HOME"] = "/home/op" };

    private static DictionarySecretSource Secrets(string value = "s3cr3t-value") => new(new Dictionary<string, SecretValue> { ["API_TOKEN"] = new(value) });

    [Fact]
    public async Task Prepare_writes_plan_and_metadata_and_returns_a_prepared_bottle()
    {
        using var home = Home();
        var prepared = await home.Preparer(HostEnv).PrepareAsync(new PrepareRequest { Agent = "dev" }, Secrets(), dryRun: false);

        var bottle = prepared.Bottle;
        Assert.Matches("^dev-[0-9a-z]{5}$", bottle.Name);
        Assert.Equal(BottleState.Prepared, bottle.State);
        Assert.Equal("dev", bottle.Agent);
        Assert.Null(bottle.Backend);
        Assert.Equal(home.Project, bottle.ProjectPath);
        Assert.Equal(Path.Combine(home.Root, "state", bottle.Name), bottle.StateDirectory);
        Assert.Equal(bottle.Name, bottle.ToString());
        Assert.Same(prepared.Plan, bottle.Plan);
        Assert.Equal(["API_TOKEN"], prepared.Secrets.Names);

        Assert.Equal(["ca.crt", "ca.key", "metadata.json", "plan.json"], Directory.GetFiles(bottle.StateDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            // The bottle CA's key is owner-only; only the certificate ever enters the bottle.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(bottle.StateDirectory, "ca.key")));
        }

        using (var ca = BotBottle.Egress.CertificateAuthority.Load(bottle.StateDirectory))
        {
            Assert.Contains(bottle.Name, ca.Certificate.Subject, StringComparison.Ordinal);
        }
        var plan = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(bottle.StateDirectory, "plan.json")), CoreJsonContext.Default.BottlePlan)!;
        Assert.Equal(bottle.Name, plan.Slug);
        Assert.Equal(BottlePlan.CurrentSchemaVersion, plan.SchemaVersion);
        Assert.Equal("Be careful.", plan.Agent.Prompt);
        Assert.Equal(64, plan.Agent.PromptSha256.Length);
        Assert.Equal(ManifestSourceKind.Home, plan.Agent.Source);
        Assert.Equal(["base"], plan.BottleChain.ToArray());
        Assert.Equal(
            [
                new PlanEnvEntry("LANG", EnvValueKind.Literal, "C.UTF-8"),
                new PlanEnvEntry("USER_HOME", EnvValueKind.Host, "${HOST_HOME}", HostVariable: "HOST_HOME"),
                new PlanEnvEntry("API_TOKEN", EnvValueKind.Secret, "<secret>", Prompt: "Token for the API"),
            ],
            plan.Bottle.Env.ToArray());
        Assert.Equal(prepared.Plan.Bottle.Egress, plan.Bottle.Egress);
        Assert.Equal([new PlanSkill("review", Path.Combine(home.Root, "skills", "review"))], plan.Bottle.Skills.ToArray());
        Assert.Equal("claude", plan.Bottle.Provider.Name);
        Assert.Equal(RepoPaths.Version, plan.BotBottleVersion);

        var meta = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(bottle.StateDirectory, "metadata.json")), CoreJsonContext.Default.BottleMetadata)!;
        Assert.Equal((bottle.Name, BottleState.Prepared, "dev", home.Project), (meta.Slug, meta.State, meta.Agent, meta.ProjectPath));
        Assert.Equal(meta.CreatedAt, meta.UpdatedAt);
        Assert.Equal(TimeSpan.Zero, meta.CreatedAt.Offset);
    }

    [Fact]
    public async Task Plan_json_uses_camel_case_and_the_secret_placeholder()
    {
        using var home = Home();
        var prepared = await home.Preparer(HostEnv).PrepareAsync(new PrepareRequest { Agent = "dev", Backend = "docker", Label = "my-dev" }, Secrets(), dryRun: false);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(prepared.Bottle.StateDirectory, "plan.json")));
        var root = doc.RootElement;
        Assert.Equal("my-dev", root.GetProperty("slug").GetString());
        Assert.Equal("my-dev", root.GetProperty("label").GetString());
        Assert.Equal("docker", root.GetProperty("backend").GetString());
        var secret = root.GetProperty("bottle").GetProperty("env").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "API_TOKEN");
        Assert.Equal("secret", secret.GetProperty("kind").GetString());
        Assert.Equal("<secret>", secret.GetProperty("value").GetString());
        var route = root.GetProperty("bottle").GetProperty("egress").GetProperty("routes")[0];
        Assert.Equal("bearer", route.GetProperty("auth").GetProperty("scheme").GetString());
        Assert.Equal("API_TOKEN", route.GetProperty("auth").GetProperty("tokenRef").GetString());
        Assert.Equal("supervise", route.GetProperty("dlp").GetProperty("outboundOnMatch").GetString());
    }

    [Fact]
    public async Task A_dry_run_writes_nothing()
    {
        using var home = Home();
        var prepared = await home.Preparer(HostEnv).PrepareAsync(new PrepareRequest { Agent = "dev" }, null, dryRun: true);
        Assert.True(prepared.DryRun);
        Assert.False(Directory.Exists(Path.Combine(home.Root, "state")));
        Assert.Equal(0, prepared.Secrets.Count);
        Assert.Equal("<secret>", prepared.Plan.Bottle.Env.Single(e => e.Name == "API_TOKEN").Value);
    }

    /// <summary>New-Bottle -WhatIf resolves the agent (to name the target and warn) and does nothing else.</summary>
    [Fact]
    public void Resolving_an_agent_for_WhatIf_writes_nothing()
    {
        using var home = Home();
        static string Snapshot(string root) => string.Join('\n', Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{p} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p)))}" : p));
        var before = Snapshot(home.Root);
        var resolved = home.Preparer(HostEnv).Resolve(new PrepareRequest { Agent = "dev" });
        Assert.Contains(resolved.RequiredSecrets, s => s.Name == "API_TOKEN");
        Assert.Equal(before, Snapshot(home.Root));
        Assert.False(Directory.Exists(Path.Combine(home.Root, "state")));
    }

    [Fact]
    public async Task A_real_prepare_needs_a_secret_source()
    {
        using var home = Home();
        await Assert.ThrowsAsync<ArgumentNullException>(() => home.Preparer(HostEnv).PrepareAsync(new PrepareRequest { Agent = "dev" }, null, dryRun: false));
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task State_dir_and_files_are_owner_only()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix permissions");
        using var home = Home();
        var prepared = await home.Preparer(HostEnv).PrepareAsync(new PrepareRequest { Agent = "dev" }, Secrets(), dryRun: false);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(prepared.Bottle.StateDirectory));
        foreach (var f in Directory.GetFiles(prepared.Bottle.StateDirectory))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
        }

        // Nothing temporary is left beside it.
        Assert.Equal([prepared.Bottle.Name], Directory.GetFileSystemEntries(Path.Combine(home.Root, "state")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_label_that_exists_is_an_error_naming_the_existing_instance_and_its_state()
    {
        using var home = Home();
        var preparer = home.Preparer(HostEnv);
        await preparer.PrepareAsync(new PrepareRequest { Agent = "dev", Label = "taken" }, Secrets(), dryRun: false);
        foreach (var dryRun in new[] { false, true })
        {
            var ex = await Assert.ThrowsAsync<BotBottleException>(() => preparer.PrepareAsync(new PrepareRequest { Agent = "dev", Label = "taken" }, Secrets(), dryRun));
            Assert.Equal("BottleExists", ex.ErrorId);
            Assert.Equal(BotBottleErrorCategory.ResourceExists, ex.Category);
            Assert.Contains("'taken' already exists (state prepared, agent dev", ex.Message, StringComparison.Ordinal);
            Assert.Equal("taken", ex.TargetObject);
        }
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("1starts-with-digit")]
    [InlineData("ends-with-")]
    [InlineData("has_underscore")]
    [InlineData("a-label-that-is-far-too-long-to-be-part-of-a-dns-label-x")]
    public async Task Bad_labels_are_invalid_arguments(string label)
    {
        using var home = Home();
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => home.Preparer(HostEnv).PrepareAsync(new PrepareRequest { Agent = "dev", Label = label }, Secrets(), dryRun: true));
        Assert.Equal("InvalidLabel", ex.ErrorId);
        Assert.Equal(BotBottleErrorCategory.InvalidArgument, ex.Category);
    }

    [Fact]
    public async Task Unknown_backends_are_invalid_arguments()
    {
        using var home = Home();
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => home.Preparer(HostEnv).PrepareAsync(new PrepareRequest { Agent = "dev", Backend = "vmware" }, Secrets(), dryRun: true));
        Assert.Equal("InvalidBackend", ex.ErrorId);
    }

    [Fact]
    public async Task A_missing_host_variable_is_named()
    {
        using var home = Home();
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => home.Preparer().PrepareAsync(new PrepareRequest { Agent = "dev" }, Secrets(), dryRun: true));
        Assert.Equal("HostVariableMissing", ex.ErrorId);
        Assert.Contains("USER_HOME (from host variable HOST_HOME)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_secret_says_which_variable_to_set()
    {
        using var home = Home();
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => home.Preparer(HostEnv).PrepareAsync(new PrepareRequest { Agent = "dev" }, NoSecrets, dryRun: false));
        Assert.Equal("SecretMissing", ex.ErrorId);
        Assert.Contains("API_TOKEN (Token for the API)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BOT_BOTTLE_SECRET_API_TOKEN", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(home.Root, "state")));

        var empty = await Assert.ThrowsAsync<BotBottleException>(() => home.Preparer(HostEnv).PrepareAsync(new PrepareRequest { Agent = "dev" }, Secrets(string.Empty), dryRun: false));
        Assert.Contains("API_TOKEN (given empty)", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_skill_folder_is_not_found()
    {
        using var home = Home();
        Directory.Delete(Path.Combine(home.Root, "skills", "review"), recursive: true);
        var ex = await Assert.ThrowsAsync<BotBottleException>(() => home.Preparer(HostEnv).PrepareAsync(new PrepareRequest { Agent = "dev" }, Secrets(), dryRun: true));
        Assert.Equal(("SkillNotFound", BotBottleErrorCategory.ObjectNotFound), (ex.ErrorId, ex.Category));
    }

    [Fact]
    public async Task Unset_host_token_variables_are_a_warning_not_an_error()
    {
        using var home = new TestHome();
        home.Bottle("b", "agent_provider:\n  auth_token: ANTHROPIC_KEY_ON_HOST\n");
        home.Agent("a", "bottle: b\n");
        var prepared = await home.Preparer().PrepareAsync(new PrepareRequest { Agent = "a" }, NoSecrets, dryRun: true);
        Assert.Contains(prepared.Warnings, w => w.Contains("ANTHROPIC_KEY_ON_HOST", StringComparison.Ordinal));
        var withHost = await home.Preparer(new Dictionary<string, string> { ["ANTHROPIC_KEY_ON_HOST"] = "x" }).PrepareAsync(new PrepareRequest { Agent = "a" }, NoSecrets, dryRun: true);
        Assert.Empty(withHost.Warnings);
    }

    [Fact]
    public async Task Minted_slugs_are_unique()
    {
        using var home = Home();
        var preparer = home.Preparer(HostEnv);
        var names = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            Assert.True(names.Add((await preparer.PrepareAsync(new PrepareRequest { Agent = "dev" }, Secrets(), dryRun: false)).Bottle.Name));
        }

        Assert.Equal(20, Directory.GetDirectories(Path.Combine(home.Root, "state")).Length);
    }

    [Fact]
    public void Slug_rules()
    {
        Assert.Matches("^agent-[0-9a-z]{5}$", BottleSlug.Mint("agent"));
        Assert.Null(BottleSlug.LabelProblem("ok-label-1"));
        Assert.Null(BottleSlug.LabelProblem(new string('a', BottleSlug.MaxLength)));
        Assert.NotNull(BottleSlug.LabelProblem(new string('a', BottleSlug.MaxLength + 1)));
        Assert.Equal(63, (BottleSlug.ResourcePrefix + BottleSlug.Mint(new string('a', ManifestNames.MaxAgentNameLength))).Length);
    }

    [Fact]
    public async Task Secret_sources()
    {
        var request = new SecretRequest("TOKEN", "Prompt", "agent");
        var env = new EnvironmentSecretSource(n => n == "BOT_BOTTLE_SECRET_TOKEN" ? "from-env" : null);
        Assert.Equal("BOT_BOTTLE_SECRET_TOKEN", EnvironmentSecretSource.VariableFor("TOKEN"));
        Assert.Equal("from-env", (await env.GetSecretAsync(request, default))!.Reveal());
        Assert.Null(await env.GetSecretAsync(request with { Name = "OTHER" }, default));
        var dict = new DictionarySecretSource(new Dictionary<string, SecretValue>(StringComparer.OrdinalIgnoreCase) { ["token"] = new("from-dict") });
        Assert.Equal("from-dict", (await dict.GetSecretAsync(request, default))!.Reveal());
        var composite = new CompositeSecretSource(NoSecrets, dict, env);
        Assert.Equal("from-dict", (await composite.GetSecretAsync(request, default))!.Reveal());
        Assert.Equal("Prompt (TOKEN)", request.PromptText);
        Assert.Equal("TOKEN", (request with { Prompt = string.Empty }).PromptText);
    }

    [Fact]
    public async Task Host_variables_are_read_at_start_and_never_written_to_the_plan_or_printed()
    {
        using var home = new TestHome();
        home.Bottle("b", "env:\n  FROM_HOST: \"${HOST_SECRET}\"\n");
        home.Agent("a", "bottle: b\n", "x\n");
        const string value = "host-value-9f8e7d6c5b4a39281706";
        var env = new Dictionary<string, string> { ["HOST_SECRET"] = value };
        var prepared = await home.Preparer(env).PrepareAsync(new PrepareRequest { Agent = "a" }, NoSecrets, dryRun: false);
        var planText = File.ReadAllText(Path.Combine(prepared.Bottle.StateDirectory, "plan.json"));
        Assert.DoesNotContain(value, planText, StringComparison.Ordinal);
        Assert.Contains("${HOST_SECRET}", planText, StringComparison.Ordinal);
        var dry = await home.Preparer(env).PrepareAsync(new PrepareRequest { Agent = "a" }, NoSecrets, dryRun: true);
        Assert.DoesNotContain(value, JsonSerializer.Serialize(dry.Plan, CoreJsonContext.Readable.BottlePlan), StringComparison.Ordinal);

        // At start the agent gets the host's value as it is then; a variable unset by then stops the start.
        var agentEnv = BotBottle.Backends.Provisioning.GuestProvisioner.AgentEnvironment(prepared.Plan, k => k == "HOST_SECRET" ? "at-start" : null);
        Assert.Contains(new KeyValuePair<string, string>("FROM_HOST", "at-start"), agentEnv);
        var ex = Assert.Throws<BotBottleException>(() => BotBottle.Backends.Provisioning.GuestProvisioner.AgentEnvironment(prepared.Plan, _ => null));
        Assert.Equal("HostVariableMissing", ex.ErrorId);
    }
}
