using System.Management.Automation;
using BotBottle.Instances;
using BotBottle.Planning;

namespace BotBottle.Tests;

/// <summary>
/// New-Bottle and Start-Bottle -Agent read the manifests once: they learn which secrets to ask for, prompt on the
/// pipeline thread (through the host), and prepare from the same reading. The host changes the agent file while it
/// prompts, so a second reading would show: the changed prompt in the plan, or AgentNotFound when the file is gone.
/// </summary>
[Collection(ModuleSessionCollection.Name)]
public sealed class SecretPromptTests : IDisposable
{
    private const string FirstPrompt = "The prompt as read when the cmdlet began.";
    private readonly PromptingHost _host = new(name => "s3cr3t-" + name);
    private readonly ModuleSession _s;
    private readonly string _agent;

    public SecretPromptTests()
    {
        _s = new ModuleSession(_host);
        _agent = _s.Home.WriteFile("agents/asker.md", "---\nbottle: secretive\n---\n" + FirstPrompt + "\n");
    }

    public void Dispose() => _s.Dispose();

    [Fact]
    public void New_Bottle_prompts_and_prepares_from_one_reading_of_the_manifests()
    {
        _s.Home.WriteFile("bottles/secretive.md", "---\nagent_provider:\n  template: shell\nenv:\n  API_TOKEN: \"?Token for the API\"\negress:\n  routes:\n    - host: example.com\n---\n");
        _host.WhilePrompting = () => File.WriteAllText(_agent, "---\nbottle: secretive\n---\nWritten while the operator typed the secret.\n");

        var bottle = (Bottle)_s.Invoke("New-Bottle asker -Label read-once")[0].BaseObject;

        Assert.Equal(["API_TOKEN"], _host.Prompted);
        Assert.Equal(FirstPrompt, bottle.Plan!.Agent.Prompt.Trim());
    }

    [SkippableFact]
    public void Start_Bottle_Agent_prompts_and_starts_from_one_reading_of_the_manifests()
    {
        // The launch stops at its first host check (the custom Dockerfile is missing), before any engine object is
        // made; the engine is only asked whether the docker backend can run (BackendUnavailable otherwise).
        var missing = _s.Home.Combine("no-such.Dockerfile");
        _s.Home.WriteFile("bottles/secretive.md", $"---\nagent_provider:\n  template: shell\n  dockerfile: {missing}\nenv:\n  API_TOKEN: \"?Token for the API\"\negress:\n  routes:\n    - host: example.com\n---\n");
        _host.WhilePrompting = () => File.Delete(_agent);

        var (_, errors) = _s.Run("Start-Bottle -Agent asker -Label started-once -Backend docker");

        var error = Assert.Single(errors);
        Skip.If(error.FullyQualifiedErrorId.StartsWith("BackendUnavailable,", StringComparison.Ordinal), "needs a Docker engine: " + error.Exception.Message);
        Assert.Equal(["API_TOKEN"], _host.Prompted);
        Assert.Equal("DockerfileNotFound,BotBottle.PowerShell.Cmdlets.StartBottleCommand", error.FullyQualifiedErrorId);
        var failed = (Bottle)_s.Invoke("Get-Bottle started-once")[0].BaseObject;
        Assert.Equal(FirstPrompt, failed.Plan!.Agent.Prompt.Trim());
    }

    [SkippableFact]
    public void New_Bottle_piped_to_Start_Bottle_asks_for_each_secret_once_and_only_for_that_instance()
    {
        var missing = _s.Home.Combine("no-such.Dockerfile");
        _s.Home.WriteFile("bottles/secretive.md", $"---\nagent_provider:\n  template: shell\n  dockerfile: {missing}\nenv:\n  API_TOKEN: \"?Token for the API\"\negress:\n  routes:\n    - host: example.com\n---\n");

        // New-Bottle asks; the piped Start-Bottle uses that answer (its launch then stops at the missing Dockerfile).
        var (_, errors) = _s.Run("New-Bottle asker -Label piped | Start-Bottle -Backend docker");
        var error = Assert.Single(errors);
        Skip.If(error.FullyQualifiedErrorId.StartsWith("BackendUnavailable,", StringComparison.Ordinal), "needs a Docker engine: " + error.Exception.Message);
        Assert.Equal("DockerfileNotFound,BotBottle.PowerShell.Cmdlets.StartBottleCommand", error.FullyQualifiedErrorId);
        Assert.Equal(["API_TOKEN"], _host.Prompted);

        // A retry in the same session still knows it.
        (_, errors) = _s.Run("Start-Bottle piped -Backend docker");
        Assert.Equal("DockerfileNotFound,BotBottle.PowerShell.Cmdlets.StartBottleCommand", Assert.Single(errors).FullyQualifiedErrorId);
        Assert.Equal(["API_TOKEN"], _host.Prompted);

        // Another instance under the same name, made behind the module's back (as the CLI's rm and start --label
        // would), is asked for its own secret: the kept answer belonged to the instance that is gone.
        Directory.Delete(_s.Home.Combine("state", "piped"), recursive: true);
        var services = new BotBottleServices(BotBottle.Configuration.BotBottleHome.FromEnvironment(), _s.Project, BotBottle.Processes.ProcessRunner.Default);
        services.Preparer.PrepareAsync(new PrepareRequest { Agent = "asker", Label = "piped" }, new DictionarySecretSource(new Dictionary<string, SecretValue> { ["API_TOKEN"] = new("typed-into-the-cli") }), dryRun: false).GetAwaiter().GetResult();
        (_, errors) = _s.Run("Start-Bottle piped -Backend docker");
        Assert.Equal("DockerfileNotFound,BotBottle.PowerShell.Cmdlets.StartBottleCommand", Assert.Single(errors).FullyQualifiedErrorId);
        Assert.Equal(["API_TOKEN", "API_TOKEN"], _host.Prompted);
    }
}
