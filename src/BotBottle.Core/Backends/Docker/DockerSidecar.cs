using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BotBottle.Assets;
using BotBottle.Backends.Docker.Engine;
using Docker.DotNet.Models;
using BotBottle.Backends.Docker.Images;
using BotBottle.Configuration;
using BotBottle.Manifest;
using BotBottle.Operations;

namespace BotBottle.Backends.Docker;

/// <summary>
/// The pieces of running a bottle's sidecar as a container on a Docker engine that every backend using the engine
/// shares: the docker backend (sidecar next to the agent container) and the smolmachines backend (sidecar on the
/// host engine, agent in a micro-VM). Labels, the hardened container spec, the agent image built from the provider's
/// recipe, and networks on a free range. (The state files the sidecar reads and its ready wait are the bottle
/// service's launch pipeline's.)
/// </summary>
internal static class DockerSidecar
{
    /// <summary>Labels for an object of bottle <paramref name="slug"/> in <paramref name="home"/> with <paramref name="role"/>, created by <paramref name="backend"/>.</summary>
    public static Dictionary<string, string> Labels(BotBottleHome home, string slug, string role, string backend) => new()
    {
        [DockerDefaults.ManagedLabel] = typeof(DockerSidecar).Assembly.GetName().Version?.ToString(3) ?? "0",
        [DockerDefaults.HomeLabel] = DockerDefaults.HomeId(home.Root),
        [DockerDefaults.SlugLabel] = slug,
        [DockerDefaults.RoleLabel] = role,
        [DockerDefaults.BackendLabel] = backend,
    };

    /// <summary>The sidecar container's memory limit: 1 GiB.</summary>
    public const long SidecarMemoryLimitBytes = 1024L * 1024 * 1024;

    /// <summary>
    /// The sidecar container: read-only root, every capability dropped, <c>no-new-privileges</c>, the state folder
    /// mounted at <see cref="SidecarContract.StateMount"/>, secrets only in its environment, restarted by the engine
    /// when it crashes (a stop through the API is never undone).
    /// </summary>
    public static CreateContainerParameters CreateRequest(string image, LaunchContext launch, string networkMode, IReadOnlyDictionary<string, string> labels)
    {
        var identity = HostIdentity.Current;
        return new CreateContainerParameters
        {
            Image = image,
            Cmd = [.. SidecarContract.Command(launch.HasUpstreamCa, launch.ProposalTimeout)],
            User = identity is { } hid ? $"{hid.Uid}:{hid.Gid}" : string.Empty,
            Env = [.. launch.SidecarSecrets.Select(kv => $"{SidecarContract.SecretPrefix}{kv.Key}={kv.Value.Reveal()}")],
            Labels = new Dictionary<string, string>(labels),
            Hostname = SidecarContract.HostName,
            HostConfig = new HostConfig
            {
                NetworkMode = networkMode,
                ExtraHosts = [.. launch.HostAliases.Select(kv => $"{kv.Key}:{kv.Value}")],
                Mounts = [new Mount { Type = "bind", Source = launch.Bottle.Directory, Target = SidecarContract.StateMount }],
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string> { ["/tmp"] = "rw,nosuid,nodev,size=64m" },
                Sysctls = new Dictionary<string, string> { ["net.ipv4.ip_unprivileged_port_start"] = "0" },
                PidsLimit = 1024,
                Init = true,

                // Bounded memory: the proxy's own budgets (bodies, connections) keep it well below this, so a flood
                // from the agent makes requests fail (503/413) rather than the sidecar die or the host suffer.
                Memory = SidecarMemoryLimitBytes,

                // A crashed sidecar (killed, out of memory) is restarted by the engine: it reloads the live routes
                // and approved allowances from the state folder, and pending proposals wait on the host.
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.OnFailure, MaximumRetryCount = 5 },
            },
        };
    }

    /// <summary>Builds (or reuses) the agent image from the bottle's custom Dockerfile or the provider's shipped recipe.</summary>
    public static async Task<BuiltImage> EnsureAgentImageAsync(ImageBuilder builder, AssetLocator assets, ProviderDefinition provider, string? dockerfile, int agentUid, IProgress<OperationProgress>? progress, CancellationToken ct)
    {
        var args = new Dictionary<string, string> { ["AGENT_UID"] = agentUid.ToString(CultureInfo.InvariantCulture) };
        if (dockerfile is not null)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(dockerfile))!;
            var name = "custom-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dockerfile)))).ToLowerInvariant()[..8];
            return await builder.EnsureAsync(new ImageSpec { Recipe = name, ContextDirectory = dir, Dockerfile = Path.GetFileName(dockerfile), BuildArgs = args }, progress, ct).ConfigureAwait(false);
        }

        return await builder.EnsureAsync(new ImageSpec { Recipe = provider.Image, ContextDirectory = assets.RecipeDirectory(provider.Image), BuildArgs = args }, progress, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The smolmachines guest image: <paramref name="agentImage"/> with <c>USER root</c> (recipe
    /// <c>smolvm-guest</c>, built with <c>BASE_IMAGE</c> = the agent image, so it is rebuilt whenever the agent
    /// image changes). <c>smolvm machine exec</c> has no user option and runs as the image's user; root steps need
    /// root, and agent commands drop with <c>setpriv</c>, whose presence the build checks.
    /// </summary>
    /// <exception cref="DockerBuildException">The build failed, e.g. the agent image has no <c>setpriv</c>.</exception>
    public static Task<BuiltImage> EnsureRootGuestImageAsync(ImageBuilder builder, AssetLocator assets, string agentImage, IProgress<OperationProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(assets);
        return builder.EnsureAsync(new ImageSpec { Recipe = "smolvm-guest", ContextDirectory = assets.RecipeDirectory("smolvm-guest"), BaseImage = agentImage }, progress, ct);
    }

    /// <summary>
    /// Creates a network on a random free /28 of <c>&lt;superNet&gt;.0.0/16</c> (so containers on it can have fixed
    /// addresses), retrying with another range when the engine reports an overlap (at most 16 retries).
    /// </summary>
    /// <param name="engine">The engine.</param>
    /// <param name="superNet">The first two octets, e.g. <c>10.213</c>.</param>
    /// <param name="request">The network to create for a given subnet (<c>a.b.c.d/28</c>).</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>The network id and the subnet it got.</returns>
    /// <exception cref="DockerEngineException">The engine refused for another reason, or every range tried overlapped.</exception>
    public static async Task<(string Id, string Subnet)> CreateNetworkOnFreeSubnetAsync(IDockerEngine engine, string superNet, Func<string, NetworksCreateParameters> request, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var n = RandomNumberGenerator.GetInt32(0, 4096);
            var subnet = $"{superNet}.{n / 16}.{(n % 16) * 16}/28";
            try
            {
                return (await engine.CreateNetworkAsync(request(subnet), ct).ConfigureAwait(false), subnet);
            }
            catch (DockerEngineException ex) when (attempt < 16 && ex.EngineMessage.Contains("overlap", StringComparison.OrdinalIgnoreCase))
            {
                // Another network has this range; pick another.
            }
        }
    }

    /// <summary>Describes a container's state for <see cref="RuntimeStatus.Services"/>.</summary>
    public static string Describe(ContainerInspectResponse? c) => c?.State is null ? "missing" : c.State.Running ? "running" : $"{c.State.Status} ({c.State.ExitCode})";
}
