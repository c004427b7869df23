using System.Net;
using System.Text;
using BotBottle.Configuration;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Processes;

namespace BotBottle.Tests.Bottles;

/// <summary>
/// The git gate against an HTTPS upstream behind a private CA, end to end: a real git smart-HTTP server on the host
/// (<see cref="TestUpstream.GitProjectRoot"/>: <c>git http-backend</c> behind Kestrel, whose leaf certificate the test's
/// own CA signs), reached by the sidecar as <c>upstream.test</c>, and a <c>shell</c> bottle started with that CA as its
/// upstream CA (<c>--upstream-ca</c>) whose <c>git-gate.repos.project</c> is the HTTPS URL with a token file. No
/// system trust store knows the CA, so a clone that works proves that the gate's own git trusted the upstream CA.
/// </summary>
public sealed class GitGateHttpsHome : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("bbgatehttps");

    /// <summary>The token the gate injects (a file the manifest names); the upstream sees it as Basic x-access-token.</summary>
    public const string Token = "tok-https-gate-7f3a9c";

    public TestUpstream Upstream { get; private set; } = null!;

    public BotBottleServices Services { get; private set; } = null!;

    public Bottle Bottle { get; private set; } = null!;

    public string Url => $"https://upstream.test:{Upstream.HttpsPort}/git/project.git";

    public string BareRepository => _dir.Combine("git", "project.git");

    private static CancellationToken Timeout(int seconds = 900) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private async Task GitAsync(string? directory, params string[] args)
    {
        var r = await ProcessRunner.Default.RunAsync(new ProcessSpec("git", args) { WorkingDirectory = directory }, cancellationToken: Timeout(120));
        Assert.True(r.ExitCode == 0, $"git {string.Join(' ', args)}: {r.StandardError}");
    }

    public async Task InitializeAsync()
    {
        Upstream = await TestUpstream.StartAsync(_dir.Combine("upstream-ca.pem"), IPAddress.Any);
        Upstream.GitProjectRoot = _dir.Combine("git");
        await GitAsync(null, "init", "-q", "--bare", "-b", "main", BareRepository);
        await GitAsync(BareRepository, "config", "http.receivepack", "true");
        var seed = _dir.Combine("seed");
        Directory.CreateDirectory(seed);
        await GitAsync(seed, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(seed, "README.md"), "# served over https\n");
        await GitAsync(seed, "add", "README.md");
        await GitAsync(seed, "-c", "user.name=Seeder", "-c", "user.email=seed@example.com", "commit", "-qm", "initial over https");
        await GitAsync(seed, "push", "-q", BareRepository, "main");

        _dir.WriteFile("keys/token", Token + "\n");
        _dir.WriteFile("home/bottles/gated-https.md", $"""
            ---
            agent_provider:
              template: shell
            git-gate:
              user: {"{"} name: Bottle Agent, email: agent@bottle.example {"}"}
              repos:
                project:
                  url: {Url}
                  key: {_dir.Combine("keys", "token")}
            ---
            A shell bottle whose git goes through the gate to an HTTPS upstream behind a private CA.
            """);
        _dir.WriteFile("home/agents/https-gitter.md", """
            ---
            bottle: gated-https
            ---
            You push code.
            """);
        Directory.CreateDirectory(_dir.Combine("project"));
        Services = new BotBottleServices(new BotBottleHome(_dir.Combine("home")), _dir.Combine("project"), ProcessRunner.Default, Environment.GetEnvironmentVariable);
        var options = new StartOptions
        {
            UpstreamCaFiles = [Upstream.CaPemPath],
            HostAliases = new Dictionary<string, string> { ["upstream.test"] = "host-gateway" },
        };
        Bottle = await Services.Bottles.PrepareAndStartAsync(new PrepareRequest { Agent = "https-gitter", Backend = "docker" },
            new DictionarySecretSource(new Dictionary<string, SecretValue>()), options, null, Timeout());
    }

    /// <summary>Runs bash in the bottle as the agent.</summary>
    public Task<BottleCommandResult> AgentAsync(string script, int seconds = 300) =>
        Services.Bottles.ExecAsync(Bottle.Name, new Backends.BottleExecRequest { Command = ["bash", "-c", script] }, null, Timeout(seconds));

    /// <summary>The bare upstream's object name for <paramref name="rev"/>.</summary>
    public async Task<string> UpstreamRevAsync(string rev)
    {
        var r = await ProcessRunner.Default.RunAsync(new ProcessSpec("git", ["--git-dir", BareRepository, "rev-parse", "-q", "--verify", rev]), cancellationToken: Timeout(60));
        return r.StandardOutput.Trim();
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Bottle is not null)
            {
                await Services.Bottles.RemoveAsync(Bottle.Name, force: true, CancellationToken.None);
            }
        }
        catch (Errors.BotBottleException)
        {
        }

        if (Upstream is not null)
        {
            await Upstream.DisposeAsync();
        }

        _dir.Dispose();
    }
}

/// <summary>The git gate with an HTTPS upstream behind the bottle's upstream CA (docs/git-gate.md, "HTTPS").</summary>
public class GitGateHttpsTests(GitGateHttpsHome home) : IClassFixture<GitGateHttpsHome>
{
    [Fact]
    public async Task Clone_and_push_reach_an_https_upstream_that_only_the_upstream_ca_vouches_for()
    {
        // The agent uses the upstream URL unchanged; insteadOf sends it to the gate, whose git talks TLS to the upstream.
        var r = await home.AgentAsync("""
            set -e
            rm -rf /tmp/h && git clone -q URL /tmp/h 2>&1 && cd /tmp/h && git log --format=%s
            echo "pushed over https" > notes.txt && git add notes.txt && git commit -qm "https push" && git push origin main 2>&1 && git rev-parse HEAD
            """.Replace("URL", home.Url, StringComparison.Ordinal));
        var output = r.StandardOutput + r.StandardError;
        Assert.True(r.ExitCode == 0, output);
        Assert.Contains("initial over https", output, StringComparison.Ordinal);
        Assert.Contains("scanned clean", output, StringComparison.Ordinal);
        var head = r.StandardOutput.Trim().Split('\n')[^1].Trim();
        Assert.Equal(head, await home.UpstreamRevAsync("refs/heads/main"));

        // Every request the upstream saw came from the gate, with the token from the file the manifest names; the
        // push itself (receive-pack) was among them.
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + GitGateHttpsHome.Token));
        var gitRequests = home.Upstream.Received.Where(x => x.Path.StartsWith("/git/", StringComparison.Ordinal)).ToList();
        Assert.Contains(gitRequests, x => x.Method == "POST" && x.Path == "/git/project.git/git-receive-pack");
        Assert.All(gitRequests, x => Assert.Equal(basic, x.Headers.GetValueOrDefault("Authorization")));

        // The agent never holds the token.
        var env = await home.AgentAsync("env; cat ~/.gitconfig ~/.git-credentials 2>/dev/null; git config --list --show-origin 2>/dev/null || true");
        Assert.DoesNotContain(GitGateHttpsHome.Token, env.StandardOutput + env.StandardError, StringComparison.Ordinal);
    }
}
