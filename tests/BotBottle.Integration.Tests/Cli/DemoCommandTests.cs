using System.Text.Json;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;

namespace BotBottle.Tests.Cli;

/// <summary>The README's first command, <c>bot-bottle demo</c>, as a real process against the real engine.</summary>
public class DemoCommandTests
{
    [Fact]
    public async Task Demo_runs_every_step_on_the_real_engine_and_leaves_nothing_behind()
    {
        using var home = new TempDirectory();
        var r = await CliProcess.RunAsync(new Dictionary<string, string?> { ["BOT_BOTTLE_HOME"] = home.Path }, "demo", "--format", "json");
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);

        using var doc = JsonDocument.Parse(r.StandardOutput);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["start", "allowed", "credential", "no-route", "dlp", "proposal", "approved", "audit", "remove"], steps.Select(s => s.GetProperty("name").GetString()));
        Assert.All(steps, s => Assert.True(s.GetProperty("ok").GetBoolean(), s.GetProperty("observed").GetString()));

        // Progress goes to stderr, one line per step; the token never appears anywhere.
        Assert.Contains("[demo] ok   dlp:", r.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-token-7f3a9c1e5b2d4f60", r.StandardOutput + r.StandardError, StringComparison.Ordinal);

        // The bottle is gone: no container or network carries its slug; the user's own home was not touched.
        var slug = root.GetProperty("bottle").GetString()!;
        using var engine = DockerEngineClient.FromEnvironment();
        Assert.Empty(await engine.ListContainersAsync([$"{DockerDefaults.SlugLabel}={slug}"], CancellationToken.None));
        Assert.Empty(await engine.ListNetworksAsync([$"{DockerDefaults.SlugLabel}={slug}"], CancellationToken.None));
        Assert.Empty(Directory.EnumerateFileSystemEntries(home.Path));
    }
}
