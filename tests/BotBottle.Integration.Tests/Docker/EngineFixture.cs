using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;

namespace BotBottle.Tests.Docker;

/// <summary>
/// A client for the real engine selected by the environment. Tests that use it fail — never skip — when no engine
/// answers or the base image is missing: CI provides both (.ci/run starts dockerd and builds the base image).
/// Everything a test creates carries <see cref="TestLabel"/> and is removed when the fixture is disposed.
/// </summary>
public sealed class EngineFixture : IAsyncLifetime
{
    public const string TestLabelKey = "dev.botbottle.test";

    public EngineFixture()
    {
        Engine = DockerEngineClient.FromEnvironment();
        RunId = Guid.NewGuid().ToString("N")[..10];
    }

    internal IDockerEngine Engine { get; }

    public string RunId { get; }

    public string TestLabel => $"{TestLabelKey}={RunId}";

    public Dictionary<string, string> Labels => new() { [TestLabelKey] = RunId, [DockerDefaults.ManagedLabel] = "test" };

    public string BaseImage => DockerDefaults.BaseImage;

    public string Name(string what) => $"bbtest-{RunId}-{what}";

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await Engine.NegotiateAsync(cts.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"Integration tests need a running Docker engine ({Engine.Endpoint}). Run ./test.sh (it starts one on Debian) or start Docker yourself. {ex.Message}", ex);
        }

        if (await Engine.InspectImageAsync(BaseImage, cts.Token) is null)
        {
            throw new InvalidOperationException(
                $"Integration tests need the base image {BaseImage}. Run 'docker pull {BaseImage}' or scripts/build-base-image.sh.");
        }
    }

    public async Task DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        foreach (var c in await Engine.ListContainersAsync([TestLabel], ct))
        {
            await Engine.RemoveContainerAsync(c.ID, force: true, removeVolumes: true, ignoreMissing: true, ct);
        }

        foreach (var n in await Engine.ListNetworksAsync([TestLabel], ct))
        {
            await Engine.RemoveNetworkAsync(n.ID, ignoreMissing: true, ct);
        }

        foreach (var v in await Engine.ListVolumesAsync([TestLabel], ct))
        {
            await Engine.RemoveVolumeAsync(v.Name, force: true, ignoreMissing: true, ct);
        }

        foreach (var i in await Engine.ListImagesAsync([TestLabel], ct))
        {
            await Engine.RemoveImageAsync(i.ID, force: true, ignoreMissing: true, ct);
        }

        Engine.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "docker-engine";
}
