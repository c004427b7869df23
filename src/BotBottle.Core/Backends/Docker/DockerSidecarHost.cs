using System.Globalization;
using System.Security.Cryptography;
using BotBottle.Assets;
using BotBottle.Backends.Docker.Engine;
using Docker.DotNet.Models;
using BotBottle.Backends.Docker.Images;
using BotBottle.Configuration;
using BotBottle.Errors;
using BotBottle.Operations;
using BotBottle.Planning;

namespace BotBottle.Backends.Docker;

/// <summary>
/// <see cref="ISidecarHost"/> on the host's Docker engine, for the smolmachines backend. Per bottle: a bridge network
/// <c>bot-bottle-&lt;slug&gt;-sidecar</c> on a random free /28 of 10.214.0.0/16 and the sidecar container at the
/// fixed address <c>.2</c> of it, listening on its proxy, DNS, supervise and git gate ports there. On Linux the
/// host routes to a bridge network's addresses directly, so that address is where the sidecar's ports are published
/// to the host, and the micro-VM's TSI allowlist admits exactly <c>address/32</c>. Objects carry the
/// <see cref="DockerDefaults.BackendLabel"/> of the owning backend, so the docker backend never touches them.
/// </summary>
internal sealed class DockerSidecarHost : ISidecarHost, IDisposable
{
    private const string SuperNet = "10.214";
    private readonly BotBottleHome _home;
    private readonly AssetLocator _assets;
    private readonly string _backend;
    private readonly Lazy<IDockerEngine> _engine;
    private readonly DockerOwnership _own;

    /// <summary>Creates the host for <paramref name="backend"/>'s bottles.</summary>
    public DockerSidecarHost(BotBottleHome home, AssetLocator assets, string backend, Func<IDockerEngine>? engineFactory = null)
    {
        _home = home;
        _assets = assets;
        _backend = backend;
        _engine = new Lazy<IDockerEngine>(engineFactory ?? (() => DockerEngineClient.FromEnvironment()));
        _own = new DockerOwnership(() => _engine.Value, home, backend, unlabelledAreOwn: false);
    }

    private IDockerEngine Engine => _engine.Value;

    /// <summary>Name of the sidecar container.</summary>
    public static string SidecarName(string slug) => DockerDefaults.NamePrefix + slug + "-sidecar";

    /// <summary>Name of the sidecar's network.</summary>
    public static string NetworkName(string slug) => DockerDefaults.NamePrefix + slug + "-sidecar";

    public async Task<BackendReadiness> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var v = await Engine.NegotiateAsync(timeout.Token).ConfigureAwait(false);
            var info = await Engine.GetInfoAsync(timeout.Token).ConfigureAwait(false);
            if (info.OSType != "linux")
            {
                return new BackendReadiness("docker", false, $"engine at {Engine.Endpoint.Address} runs {info.OSType} containers", ["Switch the engine to Linux containers."]);
            }

            if (!OperatingSystem.IsLinux())
            {
                return new BackendReadiness("docker", false, $"{info.ServerVersion} at {Engine.Endpoint.Address}",
                    ["The smolmachines sidecar needs a Docker network the host can route to (a Linux engine on this machine); Docker Desktop's container addresses are not reachable from the host. On macOS use the macos-container backend."]);
            }

            return new BackendReadiness("docker", true, $"{info.ServerVersion} at {Engine.Endpoint.Address}, API {v.ApiVersion}", []);
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new BackendReadiness("docker", false, "no engine", [$"The sidecar runs on the host's Docker engine, which does not answer at {Engine.Endpoint.Address}: {(ex is OperationCanceledException ? "no answer within 10 s" : ex.Message)} Start it ('sudo systemctl start docker') or set DOCKER_HOST."]);
        }
    }

    public async Task<string> ExportAgentImageAsync(BottlePlan plan, int agentUid, string destinationTar, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var builder = new ImageBuilder(Engine, ExtraCertificates.Load(_home), _home);
        var agent = await DockerSidecar.EnsureAgentImageAsync(builder, _assets, plan.Bottle.Provider, plan.Bottle.Dockerfile, agentUid, progress, cancellationToken).ConfigureAwait(false);
        var image = await DockerSidecar.EnsureRootGuestImageAsync(builder, _assets, agent.Tag, progress, cancellationToken).ConfigureAwait(false);
        progress?.Report(new OperationProgress($"Image {image.Tag}", "exporting for smolvm (docker save archive)"));
        var temp = destinationTar + ".partial";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await Engine.SaveImageAsync(image.Tag, file, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, destinationTar, overwrite: true);
        return image.Tag;
    }

    public async Task<SidecarEndpoint> StartAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var slug = launch.Slug;
        var builder = new ImageBuilder(Engine, ExtraCertificates.Load(_home), _home);
        var image = await builder.EnsureRecipeAsync("sidecar", _assets, DockerDefaults.BaseImage, launch.Progress, cancellationToken).ConfigureAwait(false);
        var (networkId, subnet) = await CreateNetworkAsync(slug, cancellationToken).ConfigureAwait(false);
        var prefix = subnet[..subnet.LastIndexOf('.')];
        var last = int.Parse(subnet[(subnet.LastIndexOf('.') + 1)..subnet.IndexOf('/', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        var address = $"{prefix}.{last + 2}";
        var create = DockerSidecar.CreateRequest(image.Tag, launch, NetworkName(slug), DockerSidecar.Labels(_home, slug, "sidecar", _backend));
        create.NetworkingConfig = new NetworkingConfig
        {
            EndpointsConfig = new Dictionary<string, EndpointSettings>
            {
                [NetworkName(slug)] = new() { IPAMConfig = new EndpointIPAMConfig { IPv4Address = address }, Aliases = [SidecarContract.HostName] },
            },
        };
        var containerId = await Engine.CreateContainerAsync(SidecarName(slug), create, cancellationToken).ConfigureAwait(false);
        launch.SidecarStarting();
        await Engine.StartContainerAsync(containerId, cancellationToken).ConfigureAwait(false);
        return new SidecarEndpoint(address, new BottleRuntime
        {
            SidecarContainer = containerId,
            SidecarNetwork = networkId,
            SidecarSubnet = subnet,
            SidecarImage = image.Tag,
            Endpoint = Engine.Endpoint.Address,
        });
    }

    public async Task<bool> ResumeAsync(LaunchContext resume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resume);
        var c = await _own.ContainerAsync(SidecarName(resume.Slug), cancellationToken).ConfigureAwait(false)
            ?? throw new BotBottleException("BottleBroken", BotBottleErrorCategory.InvalidOperation,
                $"Bottle '{resume.Slug}' cannot be resumed: its sidecar container is gone. Remove it and start a new one.") { TargetObject = resume.Slug, Recommended = RecommendedAction.Remove(resume.Slug) };
        if (c.State?.Running == true)
        {
            return false;
        }

        resume.SidecarStarting();
        await Engine.StartContainerAsync(c.ID, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public Task StopAsync(BottleTarget bottle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return _own.StopIfPresentAsync(SidecarName(bottle.Slug), cancellationToken);
    }

    public Task RemoveAsync(BottleTarget bottle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return _own.RemoveAllAsync(bottle.Slug, cancellationToken);
    }

    public async Task<string> StatusAsync(BottleTarget bottle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return DockerSidecar.Describe(await _own.ContainerAsync(SidecarName(bottle.Slug), cancellationToken).ConfigureAwait(false));
    }

    public async Task<string> OutputAsync(BottleTarget bottle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        var logs = await Engine.GetContainerLogsAsync(SidecarName(bottle.Slug), 30, cancellationToken).ConfigureAwait(false);
        return $"Its last output:\n{logs.Trim()}";
    }

    public Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(string backend, IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken) =>
        _own.FindOrphansAsync($"{DockerDefaults.BackendLabel}={_backend}", backend, knownSlugs, cancellationToken);

    public Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken) => _own.RemoveOrphanAsync(orphan, cancellationToken);

    public void Dispose()
    {
        if (_engine.IsValueCreated)
        {
            _engine.Value.Dispose();
        }
    }

    private Task<(string Id, string Subnet)> CreateNetworkAsync(string slug, CancellationToken ct) =>
        DockerSidecar.CreateNetworkOnFreeSubnetAsync(Engine, SuperNet, subnet => new NetworksCreateParameters
        {
            Name = NetworkName(slug),
            Labels = DockerSidecar.Labels(_home, slug, "sidecar-network", _backend),
            IPAM = new IPAM { Config = [new IPAMConfig { Subnet = subnet }] },
        }, ct);
}
