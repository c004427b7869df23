using System.Globalization;
using System.Security.Cryptography;
using BotBottle.Assets;
using BotBottle.Backends.Docker.Engine;
using Docker.DotNet.Models;
using BotBottle.Backends.Docker.Images;
using BotBottle.Configuration;
using BotBottle.Diagnostics;
using BotBottle.Errors;
using BotBottle.Instances;
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

    /// <summary>Creates the host for <paramref name="backend"/>'s bottles.</summary>
    public DockerSidecarHost(BotBottleHome home, AssetLocator assets, string backend, Func<IDockerEngine>? engineFactory = null)
    {
        _home = home;
        _assets = assets;
        _backend = backend;
        _engine = new Lazy<IDockerEngine>(engineFactory ?? (() => DockerEngineClient.FromEnvironment()));
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

    public async Task<SidecarEndpoint> StartAsync(LaunchRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instance = request.Instance;
        var slug = instance.Slug;
        var builder = new ImageBuilder(Engine, ExtraCertificates.Load(_home), _home);
        var image = await builder.EnsureRecipeAsync("sidecar", _assets, DockerDefaults.BaseImage, progress, cancellationToken).ConfigureAwait(false);
        var hasUpstreamCa = DockerSidecar.PrepareStateFiles(request);
        string? networkId = null, containerId = null;
        try
        {
            var (id, subnet) = await CreateNetworkAsync(slug, cancellationToken).ConfigureAwait(false);
            networkId = id;
            var prefix = subnet[..subnet.LastIndexOf('.')];
            var last = int.Parse(subnet[(subnet.LastIndexOf('.') + 1)..subnet.IndexOf('/', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            var address = $"{prefix}.{last + 2}";
            var create = DockerSidecar.CreateRequest(image.Tag, request, hasUpstreamCa, NetworkName(slug), DockerSidecar.Labels(_home, slug, "sidecar", _backend));
            create.NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [NetworkName(slug)] = new() { IPAMConfig = new EndpointIPAMConfig { IPv4Address = address }, Aliases = [SidecarContract.HostName] },
                },
            };
            containerId = await Engine.CreateContainerAsync(SidecarName(slug), create, cancellationToken).ConfigureAwait(false);
            await DockerSidecar.StartAndWaitAsync(Engine, instance, containerId, cancellationToken).ConfigureAwait(false);
            return new SidecarEndpoint(address, new BottleRuntime
            {
                SidecarContainer = containerId,
                SidecarNetwork = networkId,
                SidecarSubnet = subnet,
                SidecarImage = image.Tag,
                Endpoint = Engine.Endpoint.Address,
            });
        }
        catch
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                if (containerId is not null)
                {
                    await Engine.RemoveContainerAsync(containerId, true, true, true, cts.Token).ConfigureAwait(false);
                }

                if (networkId is not null)
                {
                    await Engine.RemoveNetworkAsync(networkId, true, cts.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
            {
                // Best effort; 'bot-bottle cleanup' finds what is left by its labels.
            }

            throw;
        }
    }

    public async Task ResumeAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var c = await OwnAsync(instance.Slug, cancellationToken).ConfigureAwait(false)
            ?? throw new BotBottleException("BottleBroken", BotBottleErrorCategory.InvalidOperation,
                $"Bottle '{instance.Slug}' cannot be resumed: its sidecar container is gone. Remove it ('Remove-Bottle {instance.Slug}') and start a new one.") { TargetObject = instance.Slug };
        if (c.State?.Running != true)
        {
            await DockerSidecar.StartAndWaitAsync(Engine, instance, c.ID, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (await OwnAsync(instance.Slug, cancellationToken).ConfigureAwait(false) is { } c)
        {
            try
            {
                await Engine.StopContainerAsync(c.ID, 5, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerNotFoundException)
            {
            }
        }
    }

    public async Task RemoveAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var slugLabel = $"{DockerDefaults.SlugLabel}={instance.Slug}";
        foreach (var c in (await Engine.ListContainersAsync([slugLabel], cancellationToken).ConfigureAwait(false)).Where(c => IsOwn(c.Labels)))
        {
            await Engine.RemoveContainerAsync(c.ID, force: true, removeVolumes: true, ignoreMissing: true, cancellationToken).ConfigureAwait(false);
        }

        foreach (var n in (await Engine.ListNetworksAsync([slugLabel], cancellationToken).ConfigureAwait(false)).Where(n => IsOwn(n.Labels)))
        {
            await Engine.RemoveNetworkAsync(n.ID, ignoreMissing: true, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<string> StatusAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return DockerSidecar.Describe(await OwnAsync(instance.Slug, cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(string backend, IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knownSlugs);
        var result = new List<OrphanResource>();
        var filter = new[] { $"{DockerDefaults.BackendLabel}={_backend}" };
        foreach (var c in await Engine.ListContainersAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            if (IsOwn(c.Labels) && c.Labels.Label(DockerDefaults.SlugLabel) is { } slug && !knownSlugs.Contains(slug))
            {
                result.Add(new OrphanResource(backend, "container", c.ID, c.Names?.FirstOrDefault()?.TrimStart('/') ?? c.ID[..12], slug));
            }
        }

        foreach (var n in await Engine.ListNetworksAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            if (IsOwn(n.Labels) && n.Labels.Label(DockerDefaults.SlugLabel) is { } slug && !knownSlugs.Contains(slug))
            {
                result.Add(new OrphanResource(backend, "network", n.ID, n.Name ?? n.ID, slug));
            }
        }

        return result;
    }

    public async Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orphan);
        if (orphan.Kind == "container")
        {
            await Engine.RemoveContainerAsync(orphan.Id, true, true, true, cancellationToken).ConfigureAwait(false);
        }
        else if (orphan.Kind == "network")
        {
            await Engine.RemoveNetworkAsync(orphan.Id, true, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (_engine.IsValueCreated)
        {
            _engine.Value.Dispose();
        }
    }

    private bool IsOwn(IDictionary<string, string>? labels) =>
        labels.Label(DockerDefaults.HomeLabel) == DockerDefaults.HomeId(_home.Root)
        && labels.Label(DockerDefaults.BackendLabel) == _backend;

    private async Task<ContainerInspectResponse?> OwnAsync(string slug, CancellationToken ct)
    {
        var c = await Engine.InspectContainerAsync(SidecarName(slug), ct).ConfigureAwait(false);
        return c is not null && IsOwn(c.Config?.Labels) ? c : null;
    }

    private Task<(string Id, string Subnet)> CreateNetworkAsync(string slug, CancellationToken ct) =>
        DockerSidecar.CreateNetworkOnFreeSubnetAsync(Engine, SuperNet, subnet => new NetworksCreateParameters
        {
            Name = NetworkName(slug),
            Labels = DockerSidecar.Labels(_home, slug, "sidecar-network", _backend),
            IPAM = new IPAM { Config = [new IPAMConfig { Subnet = subnet }] },
        }, ct);
}
