using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using BotBottle.Assets;
using BotBottle.Backends.Docker.Engine;
using Docker.DotNet.Models;
using BotBottle.Backends.Docker.Images;
using BotBottle.Backends.Provisioning;
using BotBottle.Configuration;
using BotBottle.Diagnostics;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Manifest;
using BotBottle.Processes;

namespace BotBottle.Backends.Docker;

/// <summary>
/// Bottles on a Docker Engine (or Podman's compatible API). Per bottle: an <c>--internal</c> network that only the
/// agent and the sidecar join (fixed /28 so their addresses survive restarts), an egress network for the sidecar
/// alone, the sidecar container (egress proxy, DNS, supervise, git gate) and the agent container. The agent has no
/// route anywhere but the sidecar; its proxy variables point there and its resolver is the sidecar's refusing DNS.
/// Before anything runs in it, <see cref="AgentFirewall"/> limits its network namespace at the IP layer to the
/// sidecar's listening ports (the host, other bridges, link-local and IPv6 are dropped). It runs as a non-root user
/// with every capability dropped, <c>no-new-privileges</c> and a pids limit, under the engine's default runtime
/// (gVisor's own network stack would bypass the namespace's firewall).
/// </summary>
internal sealed class DockerBackend : IBottleBackend, IDisposable
{
    /// <summary>Backend name.</summary>
    public const string BackendName = "docker";

    private const string InternalSuperNet = "10.213";
    private readonly Lazy<IDockerEngine> _engine;
    private readonly BotBottleHome _home;
    private readonly AssetLocator _assets;
    private readonly IProcessRunner _runner;
    private readonly Func<string, string?> _environment;

    public DockerBackend(BotBottleHome home, AssetLocator assets, IProcessRunner runner, Func<IDockerEngine>? engineFactory = null, Func<string, string?>? environment = null)
    {
        _home = home;
        _assets = assets;
        _runner = runner;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _engine = new Lazy<IDockerEngine>(engineFactory ?? (() => DockerEngineClient.FromEnvironment()));
    }

    public string Name => BackendName;

    public BackendCapabilities Capabilities => BackendCapabilities.StopResume | BackendCapabilities.Exec | BackendCapabilities.Interactive | BackendCapabilities.Headless;

    private IDockerEngine Engine => _engine.Value;

    /// <summary>Name of the agent container (<c>bot-bottle-&lt;slug&gt;</c>, PRODUCT.md §2).</summary>
    public static string AgentName(string slug) => DockerDefaults.NamePrefix + slug;

    /// <summary>Name of the sidecar container.</summary>
    public static string SidecarName(string slug) => DockerDefaults.NamePrefix + slug + "-sidecar";

    /// <summary>Name of the internal network.</summary>
    public static string InternalNetworkName(string slug) => DockerDefaults.NamePrefix + slug + "-internal";

    /// <summary>Name of the egress network.</summary>
    public static string EgressNetworkName(string slug) => DockerDefaults.NamePrefix + slug + "-egress";

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
                return new BackendReadiness(Name, false, $"engine at {Engine.Endpoint.Address} runs {info.OSType} containers", ["Switch the engine to Linux containers."]);
            }

            var gvisor = info.Runtimes?.ContainsKey("runsc") == true ? ", gVisor" : string.Empty;
            return new BackendReadiness(Name, true, $"{info.ServerVersion} at {Engine.Endpoint.Address}, API {v.ApiVersion}{gvisor}", []);
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new BackendReadiness(Name, false, $"no engine at {Engine.Endpoint.Address}", [ex is OperationCanceledException ? "The engine did not answer within 10 s." : ex.Message]);
        }
    }

    public async Task<BottleRuntime> LaunchAsync(LaunchRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instance = request.Instance;
        var plan = instance.Plan;
        var slug = instance.Slug;
        const string activity = "Starting bottle";
        void Step(string status, int percent) => progress?.Report(new OperationProgress(activity, $"{slug}: {status}", percent));

        // Preflight: everything that can fail without touching the engine fails first.
        await Engine.NegotiateAsync(cancellationToken).ConfigureAwait(false);
        var missingSkills = plan.Bottle.Skills.Where(s => !Directory.Exists(s.HostPath)).Select(s => s.Name).ToList();
        if (missingSkills.Count > 0)
        {
            throw new BotBottleException("SkillNotFound", BotBottleErrorCategory.ObjectNotFound,
                $"Skill folder(s) missing on the host: {string.Join(", ", missingSkills)} (under {_home.SkillsDirectory}). Nothing was started.") { TargetObject = slug };
        }

        _ = GuestProvisioner.SkillsDirectory(plan.Bottle.Provider, _environment);
        if (plan.Bottle.Dockerfile is { } df && !File.Exists(df))
        {
            throw new BotBottleException("DockerfileNotFound", BotBottleErrorCategory.ObjectNotFound, $"The bottle's agent_provider.dockerfile {df} does not exist. Nothing was started.") { TargetObject = df };
        }

        foreach (var name in new[] { AgentName(slug), SidecarName(slug) })
        {
            var existing = await Engine.InspectContainerAsync(name, cancellationToken).ConfigureAwait(false);
            if (existing?.Config?.Labels.Label(DockerDefaults.HomeLabel) is { } owner && owner != DockerDefaults.HomeId(_home.Root))
            {
                throw new BotBottleException("BottleNameInUse", BotBottleErrorCategory.ResourceExists,
                    $"The engine already runs a bottle named '{slug}' for another BotBottle home (container {name}, home id {owner}). Nothing was started; remove this instance and prepare it again with another label.") { TargetObject = slug };
            }
        }

        var identity = HostIdentity.Current;
        var agentUid = identity is { Uid: > 0 } id ? id.Uid : DockerGuestChannel.DefaultAgentUid;

        // Images.
        Step("images", 5);
        var extraCas = ExtraCertificates.Load(_home);
        var builder = new ImageBuilder(Engine, extraCas, _home);
        var sidecarImage = await builder.EnsureRecipeAsync("sidecar", _assets, DockerDefaults.BaseImage, progress, cancellationToken).ConfigureAwait(false);
        var agentImage = await DockerSidecar.EnsureAgentImageAsync(builder, _assets, plan.Bottle.Provider, plan.Bottle.Dockerfile, agentUid, progress, cancellationToken).ConfigureAwait(false);

        // State files the sidecar reads.
        var hasUpstreamCa = DockerSidecar.PrepareStateFiles(request);

        var created = new Created();
        try
        {
            // Create calls are not cancelled mid-flight (CancellationToken.None, then a check): the engine finishes a
            // create whose HTTP request was abandoned, so a cancelled create would leave an object the rollback never
            // heard of (seen with Ctrl+C during the sidecar step). They are short; the long waits stay cancellable.
            // The rollback also removes by name and then sweeps this bottle's labels.
            Step("networks", 40);
            created.Networks.Add(InternalNetworkName(slug));
            var (internalId, subnet) = await CreateInternalNetworkAsync(slug, CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            created.Networks.Add(EgressNetworkName(slug));
            var egressId = await Engine.CreateNetworkAsync(new NetworksCreateParameters { Name = EgressNetworkName(slug), Labels = Labels(slug, "egress-network") }, CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var prefix = subnet[..subnet.LastIndexOf('.')];
            var last = int.Parse(subnet[(subnet.LastIndexOf('.') + 1)..subnet.IndexOf('/', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            var sidecarIp = $"{prefix}.{last + 2}";
            var agentIp = $"{prefix}.{last + 3}";

            Step("sidecar", 55);
            created.Containers.Add(SidecarName(slug));
            var sidecarId = await Engine.CreateContainerAsync(SidecarName(slug),
                DockerSidecar.CreateRequest(sidecarImage.Tag, request, hasUpstreamCa, EgressNetworkName(slug), Labels(slug, "sidecar")), CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await Engine.ConnectNetworkAsync(InternalNetworkName(slug), sidecarId, new EndpointSettings
            {
                IPAMConfig = new EndpointIPAMConfig { IPv4Address = sidecarIp },
                Aliases = [SidecarContract.HostName],
            }, cancellationToken).ConfigureAwait(false);

            // The sidecar starts and gets ready while the agent container is created, started and firewalled: the
            // agent runs only 'sleep' until provisioning, and provisioning begins only when both are done. A failure
            // on either path stops the other (the sidecar's wait is cancelled, or the agent path finishes first) and
            // the rollback below removes both.
            using var sidecarWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sidecarReady = DockerSidecar.StartAndWaitAsync(Engine, instance, sidecarId, sidecarWait.Token);
            string agentId;
            try
            {
                agentId = await StartAgentAsync(slug, plan, agentImage.Tag, agentUid, sidecarImage.Tag, sidecarIp, agentIp, created, Step, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await sidecarWait.CancelAsync().ConfigureAwait(false);
                try
                {
                    await sidecarReady.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or BotBottleException or DockerEngineException)
                {
                    // The agent path's failure is the one reported.
                }

                throw;
            }

            await sidecarReady.ConfigureAwait(false);

            Step("provisioning", 85);
            await ProvisionAsync(instance, agentId, agentUid, progress, cancellationToken).ConfigureAwait(false);
            Step("ready", 100);
            progress?.Report(new OperationProgress(activity, $"{slug}: running", 100, Completed: true));
            return new BottleRuntime
            {
                AgentContainer = agentId,
                SidecarContainer = sidecarId,
                InternalNetwork = internalId,
                EgressNetwork = egressId,
                Subnet = subnet,
                SidecarAddress = sidecarIp,
                AgentAddress = agentIp,
                AgentImage = agentImage.Tag,
                SidecarImage = sidecarImage.Tag,
                AgentUid = agentUid,
                ContainerRuntime = "runc",
                Endpoint = Engine.Endpoint.Address,
            };
        }
        catch
        {
            // Roll back everything this launch created, whatever the failure (cancellation included).
            await RollbackAsync(slug, created).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Creates and starts the agent container (only <c>sleep</c> runs in it) and installs its firewall; reports the
    /// <c>agent</c> and <c>firewall</c> steps. Returns the agent's container id.
    /// </summary>
    private async Task<string> StartAgentAsync(string slug, Planning.BottlePlan plan, string agentImage, int agentUid, string sidecarImage, string sidecarIp, string agentIp, Created created, Action<string, int> step, CancellationToken cancellationToken)
    {
        step("agent", 70);

        // Secrets never enter the agent: it sees a placeholder; the sidecar holds the value.
        var env = GuestProvisioner.AgentEnvironment(plan, _environment).Select(kv => $"{kv.Key}={kv.Value}").ToList();

        created.Containers.Add(AgentName(slug));
        var agentId = await Engine.CreateContainerAsync(AgentName(slug), new CreateContainerParameters
        {
            Image = agentImage,
            Hostname = slug.Length <= 63 ? slug : slug[..63],
            User = $"{agentUid}:{agentUid}",
            Env = env,
            WorkingDir = "/workspace",

            // Only 'sleep' runs until the firewall is in place: the image's own entrypoint is not used.
            Entrypoint = ["sleep", "infinity"],
            Labels = Labels(slug, "agent"),
            HostConfig = new HostConfig
            {
                NetworkMode = InternalNetworkName(slug),
                DNS = [sidecarIp],
                DNSSearch = ["."],
                // No host folder is mounted: the workspace starts empty or as a copy (GuestProvisioner).
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                PidsLimit = 4096,
                Init = true,
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [InternalNetworkName(slug)] = new() { IPAMConfig = new EndpointIPAMConfig { IPv4Address = agentIp }, Aliases = ["agent"] },
                },
            },
        }, CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await Engine.StartContainerAsync(agentId, cancellationToken).ConfigureAwait(false);
        step("firewall", 80);
        await AgentFirewall.InstallAsync(Engine, slug, agentId, sidecarImage, sidecarIp, Labels(slug, "firewall"), cancellationToken).ConfigureAwait(false);
        return agentId;
    }

    public async Task<BottleRuntime> ResumeAsync(LaunchRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instance = request.Instance;
        var sidecar = await OwnContainerAsync(SidecarName(instance.Slug), cancellationToken).ConfigureAwait(false);
        var agent = await OwnContainerAsync(AgentName(instance.Slug), cancellationToken).ConfigureAwait(false);
        if (sidecar is null || agent is null)
        {
            throw new BotBottleException("BottleBroken", BotBottleErrorCategory.InvalidOperation,
                $"Bottle '{instance.Slug}' cannot be resumed: its {(sidecar is null ? "sidecar" : "agent")} container is gone. Remove it ('Remove-Bottle {instance.Slug}') and start a new one.") { TargetObject = instance.Slug };
        }

        progress?.Report(new OperationProgress("Starting bottle", $"{instance.Slug}: resuming sidecar", 30));
        if (sidecar.State?.Running != true)
        {
            await DockerSidecar.StartAndWaitAsync(Engine, instance, sidecar.ID, cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(new OperationProgress("Starting bottle", $"{instance.Slug}: resuming agent", 70));
        if (agent.State?.Running != true)
        {
            await Engine.StartContainerAsync(agent.ID, cancellationToken).ConfigureAwait(false);
        }

        // A restarted container has a new network namespace: the firewall goes in again before the agent is used
        // (idempotent when the agent kept running).
        var sidecarImage = instance.Runtime.SidecarImage ?? sidecar.Config?.Image;
        var sidecarIp = instance.Runtime.SidecarAddress;
        if (sidecarImage is null || sidecarIp is null)
        {
            await Engine.StopContainerAsync(agent.ID, 5, cancellationToken).ConfigureAwait(false);
            throw new BotBottleException("BottleBroken", BotBottleErrorCategory.InvalidOperation,
                $"Bottle '{instance.Slug}' cannot be resumed: its metadata does not record the sidecar's image and address the agent's firewall needs. Remove it and start a new one.") { TargetObject = instance.Slug };
        }

        try
        {
            await AgentFirewall.InstallAsync(Engine, instance.Slug, agent.ID, sidecarImage, sidecarIp, Labels(instance.Slug, "firewall"), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await Engine.StopContainerAsync(agent.ID, 5, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        progress?.Report(new OperationProgress("Starting bottle", $"{instance.Slug}: running", 100, Completed: true));
        return instance.Runtime;
    }

    public async Task StopAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        await StopIfPresentAsync(AgentName(instance.Slug), cancellationToken).ConfigureAwait(false);
        await StopIfPresentAsync(SidecarName(instance.Slug), cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        await RemoveOwnObjectsAsync(instance.Slug, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes this home's containers, networks and volumes labelled with <paramref name="slug"/>.</summary>
    private async Task RemoveOwnObjectsAsync(string slug, CancellationToken cancellationToken)
    {
        var slugLabel = $"{DockerDefaults.SlugLabel}={slug}";
        foreach (var c in (await Engine.ListContainersAsync([slugLabel], cancellationToken).ConfigureAwait(false)).Where(c => IsOwn(c.Labels)))
        {
            await Engine.RemoveContainerAsync(c.ID, force: true, removeVolumes: true, ignoreMissing: true, cancellationToken).ConfigureAwait(false);
        }

        foreach (var n in (await Engine.ListNetworksAsync([slugLabel], cancellationToken).ConfigureAwait(false)).Where(n => IsOwn(n.Labels)))
        {
            await Engine.RemoveNetworkAsync(n.ID, ignoreMissing: true, cancellationToken).ConfigureAwait(false);
        }

        foreach (var v in (await Engine.ListVolumesAsync([slugLabel], cancellationToken).ConfigureAwait(false)).Where(v => IsOwn(v.Labels)))
        {
            await Engine.RemoveVolumeAsync(v.Name, force: true, ignoreMissing: true, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<RuntimeStatus> InspectAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var agent = await OwnContainerAsync(AgentName(instance.Slug), cancellationToken).ConfigureAwait(false);
        var sidecar = await OwnContainerAsync(SidecarName(instance.Slug), cancellationToken).ConfigureAwait(false);
        return RuntimeStatus.FromServices(DockerSidecar.Describe(agent), DockerSidecar.Describe(sidecar));
    }

    public async Task<GuestCommandResult> ExecAsync(InstanceRecord instance, BottleExecRequest request, Action<ProcessOutputLine>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(request);
        var uid = (instance.Runtime.AgentUid ?? DockerGuestChannel.DefaultAgentUid).ToString(CultureInfo.InvariantCulture);
        var splitter = new LineSplitter(output);
        var r = await Engine.ExecAsync(AgentName(instance.Slug), new ContainerExecCreateParameters
        {
            Cmd = [.. request.Command],
            User = request.AsRoot ? "0:0" : $"{uid}:{uid}",
            WorkingDir = request.WorkingDirectory ?? "/workspace",
        }, chunk => splitter.Add(chunk), cancellationToken).ConfigureAwait(false);
        splitter.Flush();
        return new GuestCommandResult(r.ExitCode, r.StdOut, r.StdErr);
    }

    public async Task<int> AttachAsync(InstanceRecord instance, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(command);
        var docker = ExecutableLocator.Find("docker") ?? throw new ExecutableNotFoundException("docker",
            "Interactive sessions use the docker CLI (the engine API has no portable terminal); install it, or use Invoke-BottleCommand / 'bot-bottle exec'.");
        var uid = (instance.Runtime.AgentUid ?? DockerGuestChannel.DefaultAgentUid).ToString(CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string?>();
        if (Engine.Endpoint.Source != "default")
        {
            env["DOCKER_HOST"] = Engine.Endpoint.Address;
        }

        var r = await _runner.RunAsync(new ProcessSpec(docker, ["exec", "-it", "-u", $"{uid}:{uid}", "-w", "/workspace", AgentName(instance.Slug), .. command])
        {
            Interactive = true,
            Environment = env,
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return r.ExitCode;
    }

    public async Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knownSlugs);
        var result = new List<OrphanResource>();
        var managed = new[] { DockerDefaults.ManagedLabel };
        var homeId = DockerDefaults.HomeId(_home.Root);
        bool IsOrphan(IDictionary<string, string>? labels, out string? slug)
        {
            slug = labels.Label(DockerDefaults.SlugLabel);
            var owner = labels.Label(DockerDefaults.HomeLabel);

            // Objects of another home on the same engine are never ours to clean up (objects from before the home
            // label existed are considered this home's).
            // Objects another backend created on this engine (the smolmachines sidecar) are that backend's to clean up.
            var backend = labels.Label(DockerDefaults.BackendLabel);
            return slug is not null && (owner is null || owner == homeId) && (backend is null || backend == BackendName) && !knownSlugs.Contains(slug);
        }

        foreach (var c in await Engine.ListContainersAsync(managed, cancellationToken).ConfigureAwait(false))
        {
            if (IsOrphan(c.Labels, out var slug))
            {
                result.Add(new OrphanResource(Name, "container", c.ID, c.Names?.FirstOrDefault()?.TrimStart('/') ?? c.ID[..12], slug));
            }
        }

        foreach (var n in await Engine.ListNetworksAsync(managed, cancellationToken).ConfigureAwait(false))
        {
            if (IsOrphan(n.Labels, out var slug))
            {
                result.Add(new OrphanResource(Name, "network", n.ID, n.Name ?? n.ID, slug));
            }
        }

        foreach (var v in await Engine.ListVolumesAsync(managed, cancellationToken).ConfigureAwait(false))
        {
            if (IsOrphan(v.Labels, out var slug))
            {
                result.Add(new OrphanResource(Name, "volume", v.Name, v.Name, slug));
            }
        }

        return result;
    }

    public async Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orphan);
        switch (orphan.Kind)
        {
            case "container":
                await Engine.RemoveContainerAsync(orphan.Id, true, true, true, cancellationToken).ConfigureAwait(false);
                break;
            case "network":
                await Engine.RemoveNetworkAsync(orphan.Id, true, cancellationToken).ConfigureAwait(false);
                break;
            case "volume":
                await Engine.RemoveVolumeAsync(orphan.Id, true, true, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    public void Dispose()
    {
        if (_engine.IsValueCreated)
        {
            _engine.Value.Dispose();
        }
    }

    private Dictionary<string, string> Labels(string slug, string role) => DockerSidecar.Labels(_home, slug, role, BackendName);

    /// <summary>Creates the internal network on a random free /28 of 10.213.0.0/16 (so the sidecar's address can be fixed).</summary>
    private Task<(string Id, string Subnet)> CreateInternalNetworkAsync(string slug, CancellationToken ct) =>
        DockerSidecar.CreateNetworkOnFreeSubnetAsync(Engine, InternalSuperNet, subnet => new NetworksCreateParameters
        {
            Name = InternalNetworkName(slug),
            Internal = true,
            Labels = Labels(slug, "internal-network"),
            IPAM = new IPAM { Config = [new IPAMConfig { Subnet = subnet }] },
        }, ct);

    private async Task ProvisionAsync(InstanceRecord instance, string agentId, int agentUid, IProgress<OperationProgress>? progress, CancellationToken ct)
    {
        var provisioner = new GuestProvisioner(new DockerGuestChannel(Engine, agentId, agentUid));
        var caPem = await File.ReadAllTextAsync(instance.PathOf(Egress.CertificateAuthority.CertificateFileName), ct).ConfigureAwait(false);
        await provisioner.ProvisionAsync(instance.Plan, caPem, _environment, progress, ct).ConfigureAwait(false);
    }

    /// <summary>Whether an object's labels say it belongs to this home (objects from before the home label count as ours).</summary>
    private bool IsOwn(IDictionary<string, string>? labels) =>
        (labels.Label(DockerDefaults.HomeLabel) is not { } owner || owner == DockerDefaults.HomeId(_home.Root))
        && (labels.Label(DockerDefaults.BackendLabel) is not { } backend || backend == BackendName);

    /// <summary>The container called <paramref name="name"/> if it exists and belongs to this home; another home's is treated as absent.</summary>
    private async Task<ContainerInspectResponse?> OwnContainerAsync(string name, CancellationToken ct)
    {
        var c = await Engine.InspectContainerAsync(name, ct).ConfigureAwait(false);
        return c is not null && IsOwn(c.Config?.Labels) ? c : null;
    }

    private async Task StopIfPresentAsync(string name, CancellationToken ct)
    {
        if (await OwnContainerAsync(name, ct).ConfigureAwait(false) is null)
        {
            return;
        }

        try
        {
            await Engine.StopContainerAsync(name, 5, ct).ConfigureAwait(false);
        }
        catch (DockerNotFoundException)
        {
        }
    }

    private async Task RollbackAsync(string slug, Created created)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var c in created.Containers)
        {
            try
            {
                await Engine.RemoveContainerAsync(c, true, true, true, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
            {
            }
        }

        foreach (var n in created.Networks)
        {
            try
            {
                await Engine.RemoveNetworkAsync(n, true, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
            {
            }
        }

        // Then anything else of this home labelled with this bottle (what Remove-Bottle removes).
        try
        {
            await RemoveOwnObjectsAsync(slug, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
        {
        }
    }

    private sealed class Created
    {
        public List<string> Containers { get; } = [];

        public List<string> Networks { get; } = [];
    }

    /// <summary>Turns demultiplexed exec chunks into lines (UTF-8 safe across chunk boundaries).</summary>
    private sealed class LineSplitter(Action<ProcessOutputLine>? sink)
    {
        private readonly Decoder _out = Encoding.UTF8.GetDecoder();
        private readonly Decoder _err = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder _outLine = new();
        private readonly StringBuilder _errLine = new();

        public void Add(ExecOutputChunk chunk)
        {
            if (sink is null)
            {
                return;
            }

            var isErr = chunk.Stream == ExecStream.StdErr;
            var decoder = isErr ? _err : _out;
            var line = isErr ? _errLine : _outLine;
            var chars = new char[Encoding.UTF8.GetMaxCharCount(chunk.Data.Length)];
            var n = decoder.GetChars(chunk.Data.Span, chars, flush: false);
            for (var i = 0; i < n; i++)
            {
                if (chars[i] == '\n')
                {
                    if (line.Length > 0 && line[^1] == '\r')
                    {
                        line.Length--;
                    }

                    sink(new ProcessOutputLine(isErr ? ProcessStream.StandardError : ProcessStream.StandardOutput, line.ToString()));
                    line.Clear();
                }
                else
                {
                    line.Append(chars[i]);
                }
            }
        }

        public void Flush()
        {
            if (sink is null)
            {
                return;
            }

            if (_outLine.Length > 0)
            {
                sink(new ProcessOutputLine(ProcessStream.StandardOutput, _outLine.ToString()));
            }

            if (_errLine.Length > 0)
            {
                sink(new ProcessOutputLine(ProcessStream.StandardError, _errLine.ToString()));
            }
        }
    }
}
