using System.Net;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;
using BotBottle.Configuration;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Processes;

namespace BotBottle.Tests.Bottles;

/// <summary>
/// A temporary BOT_BOTTLE_HOME with a <c>shell</c> bottle and agent, a real HTTPS upstream on the host that bottles
/// reach as <c>upstream.test</c> (a sidecar host alias for the engine host, trusted through a per-bottle extra CA),
/// and the services over the real engine. Every bottle it starts is removed on dispose.
/// </summary>
public sealed class BottleHome : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("bbhome");
    private readonly List<string> _started = [];
    private readonly object _doneLock = new();

    public TestUpstream Upstream { get; private set; } = null!;

    public BotBottleServices Services { get; private set; } = null!;

    public string Root => _dir.Path;

    public string ProjectDirectory => _dir.Combine("project");

    internal IDockerEngine Engine { get; } = DockerEngineClient.FromEnvironment();

    public StartOptions StartOptions => new()
    {
        UpstreamCaFiles = [Upstream.CaPemPath],
        HostAliases = new Dictionary<string, string> { ["upstream.test"] = "host-gateway" },
    };

    public async Task InitializeAsync()
    {
        Upstream = await TestUpstream.StartAsync(_dir.Combine("upstream-ca.pem"), IPAddress.Any);
        Directory.CreateDirectory(ProjectDirectory);
        File.WriteAllText(Path.Combine(ProjectDirectory, "README.md"), "project file\n");

        // A git repository, as a real project folder is: its .git/hooks and .git/config must stay out of the agent's reach.
        Directory.CreateDirectory(Path.Combine(ProjectDirectory, ".git", "hooks"));
        File.WriteAllText(Path.Combine(ProjectDirectory, ".git", "config"), "[core]\n\trepositoryformatversion = 0\n");
        _dir.WriteFile("home/bottles/test.md", $$"""
            ---
            agent_provider:
              template: shell
            env:
              GREETING: hello-from-the-plan
              API_SECRET: "?"
            egress:
              log: 2
              routes:
                - host: upstream.test
                  ports: [{{Upstream.HttpsPort}}, {{Upstream.HttpPort}}]
                  allow_private: true
                - host: auth.test
                  ports: [{{Upstream.HttpsPort}}, {{Upstream.HttpPort}}]
                  allow_private: true
                  auth: { scheme: Bearer, token_ref: API_SECRET }
                - host: dlp.test
                  ports: [{{Upstream.HttpsPort}}, {{Upstream.HttpPort}}]
                  allow_private: true
                  dlp: { outbound_on_match: block }
                - host: "*.wild.test"
                  ports: [{{Upstream.HttpsPort}}]
                  allow_private: true
                  dlp: { outbound_on_match: block }
            ---
            A shell bottle for integration tests.
            """);
        _dir.WriteFile("home/agents/tester.md", """
            ---
            bottle: test
            description: integration test agent
            ---
            You are a test agent.
            """);
        var env = new Dictionary<string, string?>();
        Services = new BotBottleServices(new BotBottleHome(_dir.Combine("home")), ProjectDirectory, ProcessRunner.Default, k => env.TryGetValue(k, out var v) ? v : Environment.GetEnvironmentVariable(k));
    }

    /// <summary>The secret every test bottle gets for API_SECRET.</summary>
    public const string ApiSecret = "tok_live_0123456789abcdefABCDEF0123456789";

    public static ISecretSource Secrets => new DictionarySecretSource(new Dictionary<string, SecretValue> { ["API_SECRET"] = new(ApiSecret) });

    public Task<Bottle> StartAsync(string? label = null, CancellationToken ct = default) => StartOnAsync("docker", label, ct: ct);

    /// <summary>Prepares and starts the test agent on <paramref name="backend"/>; removed on dispose.</summary>
    /// <param name="workspaceCopy">A folder copied into /workspace (what --cwd / -Path do), or null for an empty workspace.</param>
    public async Task<Bottle> StartOnAsync(string backend, string? label = null, string? workspaceCopy = null, CancellationToken ct = default)
    {
        var options = StartOptions with
        {
            HostAliases = new[] { "upstream.test", "auth.test", "other.test", "denied.test", "crash1.test", "crash2.test", "crash3.test", "dlp.test", "ok.wild.test" }.ToDictionary(h => h, _ => "host-gateway"),
        };
        var b = await Services.Bottles.PrepareAndStartAsync(new PrepareRequest { Agent = "tester", Label = label, Backend = backend, WorkspaceCopy = workspaceCopy }, Secrets, options, null, ct);
        lock (_doneLock)
        {
            _started.Add(b.Name);
        }

        return b;
    }

    private Task<Bottle>? _shared;

    /// <summary>One bottle shared by read-only attack tests (started on first use).</summary>
    public Task<Bottle> SharedBottleAsync(CancellationToken ct)
    {
        lock (_started)
        {
            return _shared ??= StartAsync(null, ct);
        }
    }

    /// <summary>Runs a bash script in the bottle as the agent and returns the result.</summary>
    public Task<BottleCommandResult> ShAsync(string bottle, string script, CancellationToken ct = default) =>
        Services.Bottles.ExecAsync(bottle, new Backends.BottleExecRequest { Command = ["bash", "-c", script] }, null, ct);

    public string UpstreamUrl(string path, string host = "upstream.test") => $"https://{host}:{Upstream.HttpsPort}{path}";

    /// <summary>BOT_BOTTLE_HOME of this home.</summary>
    public string HomeDirectory => _dir.Combine("home");

    /// <summary>Runs the built CLI against this home (its project folder as the working directory).</summary>
    public Task<ProcessResult> CliAsync(IReadOnlyDictionary<string, string?>? env, params string[] args)
    {
        var all = new Dictionary<string, string?>(env ?? new Dictionary<string, string?>()) { ["BOT_BOTTLE_HOME"] = HomeDirectory };
        return Cli.CliProcess.RunInAsync(ProjectDirectory, all, args);
    }

    public async Task DisposeAsync()
    {
        foreach (var name in _started)
        {
            try
            {
                await Services.Bottles.RemoveAsync(name, force: true, CancellationToken.None);
            }
            catch (Errors.BotBottleException)
            {
            }
        }

        await Upstream.DisposeAsync();
        Engine.Dispose();
        _dir.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BottleCollection : ICollectionFixture<BottleHome>
{
    public const string Name = "docker-bottles";
}
