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
    private readonly DockerOwnership _own;

    public DockerBackend(BotBottleHome home, AssetLocator assets, IProcessRunner runner, Func<IDockerEngine>? engineFactory = null, Func<string, string?>? environment = null)
    {
        _home = home;
        _assets = assets;
        _runner = runner;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _engine = new Lazy<IDockerEngine>(engineFactory ?? (() => DockerEngineClient.FromEnvironment()));
        _own = new DockerOwnership(() => _engine.Value, home, BackendName, unlabelledAreOwn: true);
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
            // The negotiation's GET /version names the OS; no GET /info on every start (its runtimes are the doctor's).
            var v = await Engine.NegotiateAsync(timeout.Token).ConfigureAwait(false);
            if (v.Os != "linux")
            {
                return new BackendReadiness(Name, false, $"engine at {Engine.Endpoint.Address} runs {v.Os ?? "unknown"} containers", ["Switch the engine to Linux containers."]);
            }

            return new BackendReadiness(Name, true, $"{v.EngineVersion} at {Engine.Endpoint.Address}, API {v.ApiVersion}", []);
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new BackendReadiness(Name, false, $"no engine at {Engine.Endpoint.Address}", [ex is OperationCanceledException ? "The engine did not answer within 10 s." : ex.Message]);
        }
    }

    public LaunchTraits Launch { get; } = new()
    {
        // The standard steps, and "ready": the agent is provisioned and the sidecar's wait may still run.
        StepNames = LaunchTraits.StandardStepNames.SetItem(LaunchStep.Ready, "ready"),

        // The sidecar starts and gets ready while the agent container is created, started and firewalled.
        AgentStartsBeforeSidecarIsReady = true,

        // The networks are created while the images are hashed and looked up (or built).
        TopologyAlongsideImages = true,
        SidecarReadyTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The engine answers, and no container of another home already has this bottle's names.</summary>
    public async Task PreflightAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var slug = launch.Slug;
        await Engine.NegotiateAsync(cancellationToken).ConfigureAwait(false);
        string[] names = [AgentName(slug), SidecarName(slug)];
        var found = await Task.WhenAll(names.Select(name => Engine.InspectContainerAsync(name, cancellationToken))).ConfigureAwait(false);
        foreach (var (name, existing) in names.Zip(found))
        {
            if (existing?.Config?.Labels.Label(DockerDefaults.HomeLabel) is { } owner && owner != DockerDefaults.HomeId(_home.Root))
            {
                throw new BotBottleException("BottleNameInUse", BotBottleErrorCategory.ResourceExists,
                    $"The engine already runs a bottle named '{slug}' for another BotBottle home (container {name}, home id {owner}). Nothing was started; remove this instance and prepare it again with another label.") { TargetObject = slug };
            }
        }
    }

    /// <summary>Builds or reuses the sidecar image and the agent image (the bottle's Dockerfile or the provider's recipe).</summary>
    public async Task EnsureImagesAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var plan = launch.Plan;
        var builder = new ImageBuilder(Engine, ExtraCertificates.Load(_home), _home);

        // Independent (content-addressed, each its own tag): hashed, looked up and, when missing, built together.
        var sidecarImage = builder.EnsureRecipeAsync("sidecar", _assets, DockerDefaults.BaseImage, launch.Progress, cancellationToken);
        var agentImage = DockerSidecar.EnsureAgentImageAsync(builder, _assets, plan.Bottle.Provider, plan.Bottle.Dockerfile, launch.AgentUid, launch.Progress, cancellationToken);
        await Task.WhenAll(sidecarImage, agentImage).ConfigureAwait(false);
        launch.Record(r => r with
        {
            AgentImage = agentImage.Result.Tag,
            SidecarImage = sidecarImage.Result.Tag,
            AgentUid = launch.AgentUid,
            ContainerRuntime = "runc",
            Endpoint = Engine.Endpoint.Address,
        });
    }

    /// <summary>
    /// The internal network on a random free /28 of 10.213.0.0/16 (sidecar at <c>.2</c>, agent at <c>.3</c>) and the
    /// sidecar's egress network.
    /// </summary>
    /// <remarks>
    /// Create calls are not cancelled mid-flight (<see cref="CancellationToken.None"/>, then a check): the engine
    /// finishes a create whose HTTP request was abandoned, so a cancelled create would leave an object the rollback
    /// never heard of (seen with Ctrl+C during the sidecar step). They are short; the long waits stay cancellable.
    /// The rollback removes by name and then sweeps this bottle's labels.
    /// </remarks>
    public async Task CreateTopologyAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var slug = launch.Slug;
        // Both at once: neither depends on the other.
        launch.Creating("network", InternalNetworkName(slug));
        launch.Creating("network", EgressNetworkName(slug));
        var internalNetwork = CreateInternalNetworkAsync(slug, CancellationToken.None);
        var egressNetwork = Engine.CreateNetworkAsync(new NetworksCreateParameters { Name = EgressNetworkName(slug), Labels = Labels(slug, "egress-network") }, CancellationToken.None);
        await Task.WhenAll(internalNetwork, egressNetwork).ConfigureAwait(false);
        var (internalId, subnet) = internalNetwork.Result;
        var egressId = egressNetwork.Result;
        var prefix = subnet[..subnet.LastIndexOf('.')];
        var last = int.Parse(subnet[(subnet.LastIndexOf('.') + 1)..subnet.IndexOf('/', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        launch.Record(r => r with
        {
            InternalNetwork = internalId,
            EgressNetwork = egressId,
            Subnet = subnet,
            SidecarAddress = $"{prefix}.{last + 2}",
            AgentAddress = $"{prefix}.{last + 3}",
        });
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Creates the sidecar on the egress network, connects it to the internal one at its fixed address (alias <c>sidecar</c>), and starts it.</summary>
    public async Task StartSidecarAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var slug = launch.Slug;
        var runtime = launch.Runtime;
        launch.Creating("container", SidecarName(slug));
        var sidecarId = await Engine.CreateContainerAsync(SidecarName(slug),
            DockerSidecar.CreateRequest(runtime.SidecarImage!, launch, EgressNetworkName(slug), Labels(slug, "sidecar")), CancellationToken.None).ConfigureAwait(false);
        launch.Record(r => r with { SidecarContainer = sidecarId });
        cancellationToken.ThrowIfCancellationRequested();
        await Engine.ConnectNetworkAsync(InternalNetworkName(slug), sidecarId, new EndpointSettings
        {
            IPAMConfig = new EndpointIPAMConfig { IPv4Address = runtime.SidecarAddress! },
            Aliases = [SidecarContract.HostName],
        }, cancellationToken).ConfigureAwait(false);
        launch.SidecarStarting();
        await Engine.StartContainerAsync(sidecarId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> SidecarStatusAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return DockerSidecar.Describe(await Engine.InspectContainerAsync(launch.Runtime.SidecarContainer ?? SidecarName(launch.Slug), cancellationToken).ConfigureAwait(false));
    }

    public async Task<string> SidecarOutputAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var logs = await Engine.GetContainerLogsAsync(launch.Runtime.SidecarContainer ?? SidecarName(launch.Slug), 30, cancellationToken).ConfigureAwait(false);
        return $"Its last output:\n{logs.Trim()}";
    }

    /// <summary>
    /// Creates and starts the agent container (only <c>sleep</c> runs in it), says so
    /// (<see cref="LaunchContext.GuestStarted"/>: the guest's files are written alongside) and installs its firewall;
    /// reports the <c>firewall</c> step.
    /// </summary>
    public async Task StartAgentAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var slug = launch.Slug;
        var plan = launch.Plan;
        var runtime = launch.Runtime;
        var agentUid = launch.AgentUid;

        // Secrets never enter the agent: it sees a placeholder; the sidecar holds the value.
        var env = GuestProvisioner.AgentEnvironment(plan, _environment).Select(kv => $"{kv.Key}={kv.Value}").ToList();

        launch.Creating("container", AgentName(slug));
        var agentId = await Engine.CreateContainerAsync(AgentName(slug), new CreateContainerParameters
        {
            Image = runtime.AgentImage!,
            Hostname = slug.Length <= 63 ? slug : slug[..63],
            User = $"{agentUid}:{agentUid}",
            Env = env,
            WorkingDir = "/workspace",

            // Only 'sleep' (and the pipeline's file writes, GuestProvisioner.WriteFilesAsync) runs until the firewall
            // is in place: the image's own entrypoint is not used.
            Entrypoint = ["sleep", "infinity"],
            Labels = Labels(slug, "agent"),
            HostConfig = new HostConfig
            {
                NetworkMode = InternalNetworkName(slug),
                DNS = [runtime.SidecarAddress!],
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
                    [InternalNetworkName(slug)] = new() { IPAMConfig = new EndpointIPAMConfig { IPv4Address = runtime.AgentAddress! }, Aliases = ["agent"] },
                },
            },
        }, CancellationToken.None).ConfigureAwait(false);
        launch.Record(r => r with { AgentContainer = agentId });
        cancellationToken.ThrowIfCancellationRequested();

        // The firewall helper is created while the agent starts (it joins the namespace at its own start).
        var helper = AgentFirewall.CreateHelperAsync(Engine, slug, agentId, runtime.SidecarImage!, runtime.SidecarAddress!, Labels(slug, "firewall"), CancellationToken.None);
        try
        {
            await Engine.StartContainerAsync(agentId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The rollback's label sweep removes the helper; its own failure is not the one reported.
            await Task.WhenAny(helper).ConfigureAwait(false);
            _ = helper.Exception;
            throw;
        }

        // The pipeline writes the guest's files (BotBottle's own fixed commands) while the firewall goes in; nothing of
        // the agent's runs before this method returns.
        launch.GuestStarted();
        launch.Report("firewall", 80);
        var helperId = await helper.ConfigureAwait(false);
        await AgentFirewall.RunHelperAsync(Engine, slug, helperId, cancellationToken).ConfigureAwait(false);
    }

    public IGuestChannel OpenGuestChannel(BottleTarget bottle, int agentUid)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return new DockerGuestChannel(Engine, bottle.Runtime.AgentContainer ?? AgentName(bottle.Slug), agentUid);
    }

    /// <summary>Removes the containers, then the networks, the launch created (by name), then anything else of this home labelled with the bottle (what Remove-Bottle removes).</summary>
    public async Task RollbackAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var created = launch.Created;
        foreach (var c in created.Where(c => c.Kind == "container"))
        {
            await BestEffortAsync(() => Engine.RemoveContainerAsync(c.Name, true, true, true, cancellationToken)).ConfigureAwait(false);
        }

        foreach (var n in created.Where(c => c.Kind == "network"))
        {
            await BestEffortAsync(() => Engine.RemoveNetworkAsync(n.Name, true, cancellationToken)).ConfigureAwait(false);
        }

        await BestEffortAsync(() => _own.RemoveAllAsync(launch.Slug, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> ResumeSidecarAsync(LaunchContext resume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resume);
        var slug = resume.Slug;
        var sidecar = await _own.ContainerAsync(SidecarName(slug), cancellationToken).ConfigureAwait(false);
        var agent = await _own.ContainerAsync(AgentName(slug), cancellationToken).ConfigureAwait(false);
        if (sidecar is null || agent is null)
        {
            throw new BotBottleException("BottleBroken", BotBottleErrorCategory.InvalidOperation,
                $"Bottle '{slug}' cannot be resumed: its {(sidecar is null ? "sidecar" : "agent")} container is gone. Remove it and start a new one.") { TargetObject = slug, Recommended = RecommendedAction.Remove(slug) };
        }

        if (resume.Runtime.SidecarImage is null)
        {
            resume.Record(r => r with { SidecarImage = sidecar.Config?.Image });
        }

        if (sidecar.State?.Running == true)
        {
            return false;
        }

        resume.SidecarStarting();
        await Engine.StartContainerAsync(sidecar.ID, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Starts the agent when it is not running and installs its firewall again (a restarted container has a new network namespace; idempotent when it kept running).</summary>
    public async Task ResumeAgentAsync(LaunchContext resume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resume);
        var slug = resume.Slug;
        var agent = await _own.ContainerAsync(AgentName(slug), cancellationToken).ConfigureAwait(false)
            ?? throw new BotBottleException("BottleBroken", BotBottleErrorCategory.InvalidOperation,
                $"Bottle '{slug}' cannot be resumed: its agent container is gone. Remove it and start a new one.") { TargetObject = slug, Recommended = RecommendedAction.Remove(slug) };
        if (agent.State?.Running != true)
        {
            await Engine.StartContainerAsync(agent.ID, cancellationToken).ConfigureAwait(false);
        }

        var sidecarImage = resume.Runtime.SidecarImage;
        var sidecarIp = resume.Runtime.SidecarAddress;
        if (sidecarImage is null || sidecarIp is null)
        {
            await Engine.StopContainerAsync(agent.ID, 5, cancellationToken).ConfigureAwait(false);
            throw new BotBottleException("BottleBroken", BotBottleErrorCategory.InvalidOperation,
                $"Bottle '{slug}' cannot be resumed: its metadata does not record the sidecar's image and address the agent's firewall needs. Remove it and start a new one.") { TargetObject = slug, Recommended = RecommendedAction.Remove(slug) };
        }

        try
        {
            await AgentFirewall.InstallAsync(Engine, slug, agent.ID, sidecarImage, sidecarIp, Labels(slug, "firewall"), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await Engine.StopContainerAsync(agent.ID, 5, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task StopAsync(BottleTarget bottle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        await _own.StopIfPresentAsync(AgentName(bottle.Slug), cancellationToken).ConfigureAwait(false);
        await _own.StopIfPresentAsync(SidecarName(bottle.Slug), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes this home's containers, networks and volumes labelled with the bottle's slug.</summary>
    public Task RemoveAsync(BottleTarget bottle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return _own.RemoveAllAsync(bottle.Slug, cancellationToken);
    }

    public async Task<RuntimeStatus> InspectAsync(BottleTarget bottle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        var agent = await _own.ContainerAsync(AgentName(bottle.Slug), cancellationToken).ConfigureAwait(false);
        var sidecar = await _own.ContainerAsync(SidecarName(bottle.Slug), cancellationToken).ConfigureAwait(false);
        return RuntimeStatus.FromServices(DockerSidecar.Describe(agent), DockerSidecar.Describe(sidecar));
    }

    public async Task<GuestCommandResult> ExecAsync(BottleTarget instance, BottleExecRequest request, Action<ProcessOutputLine>? output, CancellationToken cancellationToken)
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

    public async Task<int> AttachAsync(BottleTarget instance, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(command);
        var docker = ExecutableLocator.Find("docker") ?? throw new ExecutableNotFoundException("docker",
            "Interactive sessions use the docker CLI (the engine API has no portable terminal); install it, or run one command at a time in the bottle, which needs no terminal.")
        {
            Recommended = RecommendedAction.RunCommand(instance.Slug),
        };
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

    /// <summary>Objects of this home on the engine (and from before the home label) whose bottle is unknown; the smolmachines sidecar's are that backend's.</summary>
    public Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken) =>
        _own.FindOrphansAsync(DockerDefaults.ManagedLabel, Name, knownSlugs, cancellationToken);

    public Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken) => _own.RemoveOrphanAsync(orphan, cancellationToken);

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

    private static async Task BestEffortAsync(Func<Task> remove)
    {
        try
        {
            await remove().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
        {
        }
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
