using BotBottle.Manifest;
using BotBottle.Sidecar.Egress;

namespace BotBottle.Tests.Sidecar;

/// <summary>
/// The routes file's live reload (<see cref="PolicyHolder"/>), polled by hand (<see cref="PolicyHolder.Poll"/>; the
/// timer's interval is an hour, so it never runs here). A writer that truncates and then writes (File.WriteAllText, an
/// editor's save, <c>cat &gt; routes.yaml</c>) can be read empty in between; an empty file is a valid routes file (deny
/// all), so the CI run of 6 December 2026 saw deny-all installed mid-write, then a bad file written next keep deny-all
/// instead of the policy before it.
/// </summary>
public sealed class PolicyReloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bbreload").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string TwoRoutes = "routes:\n  - host: a.test\n  - host: b.test\n";

    [Fact]
    public async Task An_empty_read_is_installed_only_when_the_next_poll_reads_it_empty_again()
    {
        var routes = Path.Combine(_dir, "routes.yaml");
        File.WriteAllText(routes, "routes:\n  - host: a.test\n");
        await using var log = new EgressLog(TextWriter.Null);
        using var holder = new PolicyHolder(routes, t => RoutesFile.Parse(t, routes), log, TimeSpan.FromHours(1));
        Assert.Single(holder.Current.Policy.Routes);

        File.WriteAllText(routes, TwoRoutes);
        Assert.True(holder.Poll());
        Assert.Equal(2, holder.Current.Policy.Routes.Length);

        // Caught between truncation and write: not installed.
        File.WriteAllText(routes, "");
        Assert.False(holder.Poll());
        Assert.Equal(2, holder.Current.Policy.Routes.Length);

        // The write then lands a bad file: the policy before it stays (not deny-all).
        File.WriteAllText(routes, "routes:\n  - hots: nope\n");
        Assert.False(holder.Poll());
        Assert.Equal(2, holder.Current.Policy.Routes.Length);

        // An operator who empties the file to deny everything gets it at the second poll.
        File.WriteAllText(routes, "");
        Assert.False(holder.Poll());
        Assert.True(holder.Poll());
        Assert.Empty(holder.Current.Policy.Routes);

        // And a file written after an empty read is installed at once.
        File.WriteAllText(routes, TwoRoutes);
        Assert.True(holder.Poll());
        File.WriteAllText(routes, "");
        Assert.False(holder.Poll());
        File.WriteAllText(routes, "routes:\n  - host: c.test\n");
        Assert.True(holder.Poll());
        Assert.Equal("c.test", Assert.Single(holder.Current.Policy.Routes).Host);
    }
}
