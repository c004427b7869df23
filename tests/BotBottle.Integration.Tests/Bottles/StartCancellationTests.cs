using BotBottle.Backends;
using BotBottle.Backends.Docker;
using BotBottle.Instances;
using BotBottle.Operations;
using BotBottle.Planning;

namespace BotBottle.Tests.Bottles;

/// <summary>
/// Ctrl+C (the cancellation token every cmdlet's StopProcessing cancels) at each step of a start leaves nothing
/// half-made: no container, network or volume with the bottle's slug, none of the sidecar state files the start
/// wrote (upstream CA bundle, live routes, ready file), the bottle marked Failed with the reason, and a later start
/// of the same bottle works. The rollback is the bottle service's launch pipeline's, whatever the backend.
/// </summary>
[Collection(BottleCollection.Name)]
public class StartCancellationTests(BottleHome home)
{
    /// <summary>Cancels the start as soon as the backend reports the step named <c>step</c>.</summary>
    private sealed class CancelAt(string step, CancellationTokenSource cts) : IProgress<OperationProgress>
    {
        public string? Slug { get; private set; }

        public void Report(OperationProgress value)
        {
            var parts = value.Status.Split(": ", 2);
            if (parts.Length == 2 && parts[1] == step)
            {
                Slug = parts[0];
                cts.Cancel();
            }
        }
    }

    [Theory]
    [InlineData("networks")]
    [InlineData("sidecar")]
    [InlineData("agent")]
    [InlineData("firewall")]
    [InlineData("provisioning")]
    public async Task Cancelling_a_start_at_any_step_removes_what_it_created_and_marks_the_bottle_failed(string step)
    {
        using var cts = new CancellationTokenSource();
        var progress = new CancelAt(step, cts);
        var label = "cancel-" + step;
        var options = home.StartOptions;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            home.Services.Bottles.PrepareAndStartAsync(new PrepareRequest { Agent = "tester", Label = label, Backend = "docker" }, BottleHome.Secrets, options, progress, cts.Token));
        Assert.NotNull(progress.Slug);
        var slug = progress.Slug!;
        try
        {
            Assert.Empty(await home.Engine.ListContainersAsync([$"{DockerDefaults.SlugLabel}={slug}"], CancellationToken.None));
            Assert.Empty(await home.Engine.ListNetworksAsync([$"{DockerDefaults.SlugLabel}={slug}"], CancellationToken.None));
            Assert.Empty(await home.Engine.ListVolumesAsync([$"{DockerDefaults.SlugLabel}={slug}"], CancellationToken.None));
            var record = home.Services.Bottles.Store.Load(slug);
            foreach (var file in new[] { SidecarContract.UpstreamCaFile, SidecarContract.RoutesFile, SidecarContract.ReadyFile })
            {
                Assert.False(File.Exists(record.PathOf(file)), $"{file} is left in the state folder after a start cancelled at '{step}'");
            }

            var failed = (await home.Services.Bottles.ListAsync(slug, CancellationToken.None)).Single();
            Assert.Equal(BottleState.Failed, failed.State);
            Assert.Equal("start was cancelled", failed.Error);

            // Starting it again works from the Failed state.
            var again = await home.Services.Bottles.StartAsync(slug, BottleHome.Secrets, options, null, new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
            Assert.Equal(BottleState.Running, again.State);
        }
        finally
        {
            await home.Services.Bottles.RemoveAsync(slug, force: true, CancellationToken.None);
        }
    }

    /// <summary>Start-Bottle -Wait: a running bottle is healthy at once; a stopped one times out with BottleNotHealthy.</summary>
    [Fact]
    public async Task Waiting_for_health_returns_a_running_bottle_and_times_out_on_a_stopped_one()
    {
        var b = await home.StartAsync("wait-health", new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        var healthy = await home.Services.Bottles.WaitHealthyAsync(b.Name, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(BottleState.Running, healthy.State);
        Assert.All(healthy.Services.Values, v => Assert.Equal("running", v));

        await home.Services.Bottles.StopAsync(b.Name, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<Errors.BotBottleException>(() => home.Services.Bottles.WaitHealthyAsync(b.Name, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal("BottleNotHealthy", ex.ErrorId);
        Assert.Equal(Errors.BotBottleErrorCategory.OperationTimeout, ex.Category);
    }
}
