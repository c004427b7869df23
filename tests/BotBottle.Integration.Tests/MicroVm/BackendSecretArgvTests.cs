using BotBottle.Backends;
using BotBottle.Backends.AppleContainer;
using BotBottle.Backends.Smolmachines;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Processes;

namespace BotBottle.Tests.MicroVm;

/// <summary>
/// PRODUCT.md §3.2 (a <c>?</c> secret is never passed on a command line), §3.1 (no error echoes a secret) and §9.3
/// (no real secret in process arguments) on the CLI-driven backends: for a bottle with a <c>?</c> secret and a route
/// credential, no <c>container</c> or <c>smolvm</c> argument vector (what <c>ps</c> shows every host user) carries a
/// secret value, the sidecar still receives every value (the fake resolves bare <c>-e NAME</c> from its own
/// environment as the real tool does), and a failing <c>container run</c> does not echo one.
/// </summary>
public sealed class BackendSecretArgvTests
{
    private const string Bottle = """
        env:
          API_SECRET: "?"
        egress:
          routes:
            - host: api.example.test
              auth: { scheme: Bearer, token_ref: ROUTE_TOKEN }
        """ + "\n";

    private const string ApiValue = "sk-argv-secret-0d9f3a7c51";
    private const string RouteValue = "rt-argv-route-token-6b2e88";

    // A git key spans lines and ends with a newline: the value must arrive whole.
    private const string GitKeyValue = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

    private static Dictionary<string, SecretValue> Secrets => new()
    {
        ["API_SECRET"] = new SecretValue(ApiValue),
        ["ROUTE_TOKEN"] = new SecretValue(RouteValue),
        [SidecarContract.GitKeySecretName("origin")] = new SecretValue(GitKeyValue),
    };

    private static void AssertNoSecretIn(IEnumerable<string[]> calls)
    {
        foreach (var argv in calls)
        {
            foreach (var a in argv)
            {
                Assert.DoesNotContain(ApiValue, a, StringComparison.Ordinal);
                Assert.DoesNotContain(RouteValue, a, StringComparison.Ordinal);
                Assert.DoesNotContain("b3BlbnNzaC1rZXktdjEAAAAA", a, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Apple_container_command_lines_carry_secret_names_only_and_the_sidecar_gets_the_values()
    {
        using var home = new MicroVmHome(Bottle);
        using var container = new FakeTool("container");
        var instance = await home.PrepareAsync("dev-sec", Secrets);
        container
            .On("run -d --name bot-bottle-dev-sec-sidecar", touch: instance.PathOf("sidecar-ready.json"))
            .On("inspect bot-bottle-dev-sec-sidecar", stdout: FakeFixtures.Read("container", "inspect-sidecar-running.json").Replace("dev-test", "dev-sec", StringComparison.Ordinal));
        var backend = new AppleContainerBackend(home.Home, BotBottle.Assets.AssetLocator.Default, ProcessRunner.Default, _ => null, _ => container.ToolPath, () => true);

        await LaunchPipeline.LaunchAsync(backend, new LaunchRequest { Bottle = instance.Target, SidecarSecrets = Secrets }, home.Home, _ => null, null, default);

        var calls = container.Calls;
        Assert.True(calls.Count > 6, string.Join('\n', container.Lines));
        AssertNoSecretIn(calls);
        var run = calls.Select((c, i) => (c, i)).Single(x => x.c.Length > 3 && x.c[0] == "run" && x.c[3] == "bot-bottle-dev-sec-sidecar");
        var line = string.Join(' ', run.c);
        Assert.Contains(" -e BB_SIDECAR_SECRET_API_SECRET ", line, StringComparison.Ordinal);
        Assert.Contains(" -e BB_SIDECAR_SECRET_ROUTE_TOKEN ", line, StringComparison.Ordinal);
        var guest = container.GuestEnvironment(run.i);
        Assert.Contains("BB_SIDECAR_SECRET_API_SECRET=" + ApiValue, guest);
        Assert.Contains("BB_SIDECAR_SECRET_ROUTE_TOKEN=" + RouteValue, guest);
        Assert.Contains($"BB_SIDECAR_SECRET_{SidecarContract.GitKeySecretName("origin")}={GitKeyValue}", guest);

        // The agent gets the placeholder, never the value.
        var agent = calls.Select((c, i) => (c, i)).Single(x => x.c.Length > 3 && x.c[0] == "run" && x.c[3] == "bot-bottle-dev-sec");
        Assert.Contains("API_SECRET=" + ProviderDefinition.PlaceholderValue, container.GuestEnvironment(agent.i));
    }

    [Fact]
    public async Task A_failing_container_run_does_not_echo_a_secret()
    {
        using var home = new MicroVmHome(Bottle);
        using var container = new FakeTool("container");
        var instance = await home.PrepareAsync("dev-secfail", Secrets);
        container.On("run -d --name bot-bottle-dev-secfail-sidecar", exit: 1, stderr: "Error: internalError: \"failed to bootstrap container bot-bottle-dev-secfail-sidecar\"");
        var backend = new AppleContainerBackend(home.Home, BotBottle.Assets.AssetLocator.Default, ProcessRunner.Default, _ => null, _ => container.ToolPath, () => true);

        var ex = await Assert.ThrowsAsync<BackendCommandFailedException>(() => LaunchPipeline.LaunchAsync(backend, new LaunchRequest { Bottle = instance.Target, SidecarSecrets = Secrets }, home.Home, _ => null, null, default));

        Assert.DoesNotContain(ApiValue, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RouteValue, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("b3BlbnNzaC1rZXktdjEAAAAA", ex.Message, StringComparison.Ordinal);
        AssertNoSecretIn(container.Calls);
        Assert.Contains("could not start the sidecar bot-bottle-dev-secfail-sidecar", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-e BB_SIDECAR_SECRET_API_SECRET ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smolvm_command_lines_carry_no_secret()
    {
        using var home = new MicroVmHome(Bottle);
        using var smolvm = new FakeTool("smolvm");
        smolvm.On("machine status", exit: 1, stderr: FakeFixtures.Read("smolvm", "status-missing.stderr"));
        var instance = await home.PrepareAsync("dev-smolsec", Secrets);
        var backend = new SmolmachinesBackend(home.Home, ProcessRunner.Default, new StubSidecarHost(), _ => null, _ => smolvm.ToolPath, _ => Task.FromResult<string?>(null));

        await LaunchPipeline.LaunchAsync(backend, new LaunchRequest { Bottle = instance.Target, SidecarSecrets = Secrets }, home.Home, _ => null, null, default);

        var calls = smolvm.Calls;
        Assert.Contains(calls, c => c.Length > 1 && c[1] == "create");
        AssertNoSecretIn(calls);
        var create = calls.Select((c, i) => (c, i)).Single(x => x.c.Length > 1 && x.c[1] == "create");
        Assert.Contains("API_SECRET=" + ProviderDefinition.PlaceholderValue, smolvm.GuestEnvironment(create.i));
    }

    [Fact]
    public void A_tool_error_that_echoes_a_secret_environment_value_is_redacted()
    {
        var spec = new ProcessSpec("/usr/local/bin/container", "run", "-e", "BB_SIDECAR_SECRET_API_SECRET", "img")
        {
            Environment = new Dictionary<string, string?> { ["BB_SIDECAR_SECRET_API_SECRET"] = ApiValue },
        };
        var ex = new BackendCommandFailedException("macos-container", "start the sidecar s", new ProcessResult(spec, 1, string.Empty, $"Error: bad value {ApiValue} in env", TimeSpan.Zero));

        Assert.DoesNotContain(ApiValue, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"Error: bad value {BackendCommandFailedException.Redacted} in env", ex.Message, StringComparison.Ordinal);
    }
}
