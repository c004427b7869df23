using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using BotBottle.Assets;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Images;
using BotBottle.Backends.Provisioning;
using BotBottle.Configuration;
using BotBottle.Diagnostics;
using BotBottle.Errors;
using BotBottle.Planning;
using BotBottle.Processes;

namespace BotBottle.Backends.AppleContainer;

/// <summary>
/// Bottles on Apple's <c>container</c> (macOS 26+, each container a lightweight VM; PRODUCT.md §5). Per bottle: a
/// host-only network (<c>network create --internal</c>) and a NAT network; the sidecar joins both, the agent only the
/// host-only one and reaches the sidecar by the sidecar's host-only address (written to the guest's
/// <c>/etc/hosts</c> as <c>sidecar</c>; the sidecar is also its DNS server). Stop/resume stops and starts both
/// containers; a restarted sidecar may get another host-only address (<c>container run</c> cannot pin one), so
/// resume reads it again and rewrites the agent's hosts entry and resolver when it moved. Images are built with
/// <c>container build</c> from the same recipes as on docker. Provisioning goes through <c>container cp</c> and
/// <c>container exec</c> with the shared <see cref="GuestProvisioner"/>. Command lines are in
/// <see cref="AppleContainerCommands"/>.
/// </summary>
internal sealed class AppleContainerBackend : IBottleBackend
{
    /// <summary>Backend name.</summary>
    public const string BackendName = "macos-container";

    private readonly BotBottleHome _home;
    private readonly AssetLocator _assets;
    private readonly BackendTool _container;
    private readonly Func<string, string?> _environment;
    private readonly Func<bool> _isMacOs;
    private readonly Func<Version> _osVersion;

    /// <summary>Creates the backend.</summary>
    /// <param name="home">The BotBottle home.</param>
    /// <param name="assets">Image recipes and the sidecar binary.</param>
    /// <param name="runner">Runs <c>container</c>.</param>
    /// <param name="environment">Host environment (default: the process's).</param>
    /// <param name="locate">Finds <c>container</c> on PATH (default <see cref="ExecutableLocator.Find"/>).</param>
    /// <param name="isMacOs">Whether this host is macOS (default <see cref="OperatingSystem.IsMacOS"/>).</param>
    /// <param name="osVersion">The host OS version (default <see cref="Environment.OSVersion"/>; on macOS .NET reports the marketing version, e.g. 26.1).</param>
    public AppleContainerBackend(BotBottleHome home, AssetLocator assets, IProcessRunner runner, Func<string, string?>? environment = null, Func<string, string?>? locate = null, Func<bool>? isMacOs = null,
        Func<Version>? osVersion = null)
    {
        _osVersion = osVersion ?? (() => Environment.OSVersion.Version);
        _home = home;
        _assets = assets;
        _container = new BackendTool(runner, BackendName, "container", locate);
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _isMacOs = isMacOs ?? OperatingSystem.IsMacOS;
    }

    public string Name => BackendName;

    /// <summary>Stop/resume (<c>container stop/start</c>), exec, interactive and headless runs. No gVisor, no snapshots.</summary>
    public BackendCapabilities Capabilities => BackendCapabilities.StopResume | BackendCapabilities.Exec | BackendCapabilities.Interactive | BackendCapabilities.Headless;

    /// <summary>The agent container: <c>bot-bottle-&lt;slug&gt;</c>.</summary>
    public static string AgentName(string slug) => DockerDefaults.NamePrefix + slug;

    /// <summary>The sidecar container.</summary>
    public static string SidecarName(string slug) => DockerDefaults.NamePrefix + slug + "-sidecar";

    /// <summary>The host-only network.</summary>
    public static string HostOnlyNetworkName(string slug) => DockerDefaults.NamePrefix + slug + "-hostonly";

    /// <summary>The NAT network.</summary>
    public static string NatNetworkName(string slug) => DockerDefaults.NamePrefix + slug + "-nat";

    public async Task<BackendReadiness> CheckAsync(CancellationToken cancellationToken)
    {
        var readiness = await CheckToolAsync(cancellationToken).ConfigureAwait(false);
        return readiness with { MinimumVersion = AppleContainerCommands.MinimumVersion.ToString(), Requires = Requirements };
    }

    /// <summary>What the backend needs, one line each, for doctor: macOS 26 and each container feature with its first release.</summary>
    internal static IReadOnlyList<string> Requirements =>
        [$"macOS >= {AppleContainerCommands.MinimumMacOsMajor}: container network create/attach of non-default networks (the sidecar joins two)", .. AppleContainerCommands.Features.Select(f => f.Describe())];

    /// <summary>
    /// Names the backend would create for <paramref name="slug"/> that <c>container</c> refuses (network names
    /// <see cref="AppleContainerCommands.NetworkNameValid"/>, container names
    /// <see cref="AppleContainerCommands.ContainerNameValid"/>), or null when all are accepted.
    /// </summary>
    internal static string? NameProblem(string slug)
    {
        var bad = new[] { AgentName(slug), SidecarName(slug) }.Where(n => !AppleContainerCommands.ContainerNameValid(n))
            .Concat(new[] { HostOnlyNetworkName(slug), NatNetworkName(slug) }.Where(n => !AppleContainerCommands.NetworkNameValid(n)))
            .ToList();
        var longest = HostOnlyNetworkName(string.Empty).Length;
        return bad.Count == 0 ? null
            : $"Apple's container tool refuses the names {string.Join(", ", bad)} (at most {AppleContainerCommands.MaxNameLength} characters, lower-case letters, digits, '.', '_' and '-'): prepare the bottle with a label of at most {AppleContainerCommands.MaxNameLength - longest} characters for the macos-container backend.";
    }

    private async Task<BackendReadiness> CheckToolAsync(CancellationToken cancellationToken)
    {
        if (!_isMacOs())
        {
            return new BackendReadiness(Name, false, "not macOS",
                [$"The macos-container backend runs only on macOS {AppleContainerCommands.MinimumMacOsMajor} or later with Apple's container tool; this host runs {RuntimeInformation.OSDescription}. Use --backend docker (or smolmachines on a KVM host)."]);
        }

        if (_osVersion().Major < AppleContainerCommands.MinimumMacOsMajor)
        {
            return new BackendReadiness(Name, false, $"macOS {_osVersion()}",
                [$"macOS {_osVersion()} is too old: the macos-container backend needs macOS {AppleContainerCommands.MinimumMacOsMajor} or later (Apple's container tool offers 'network' and attaches non-default networks only there). Upgrade macOS or use --backend docker."]);
        }

        if (_container.Locate() is null)
        {
            return new BackendReadiness(Name, false, "container unavailable",
                ["Apple's 'container' is not on PATH: install it from https://github.com/apple/container/releases, then run 'container system start'."]);
        }

        var problems = new List<string>();
        if (Smolmachines.SmolmachinesBackend.HomeProblem(_home) is not null)
        {
            problems.Add($"The BotBottle home '{_home.Root}' contains ':', which 'container cp' and 'container run -v' read as a separator, so nothing could be copied or mounted: set BOT_BOTTLE_HOME to a path without ':'.");
        }

        Version? version = null;
        try
        {
            var r = await _container.RunAsync(AppleContainerCommands.Version(), cancellationToken, timeout: TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            version = BackendTool.ParseVersion(r.StandardOutput + " " + r.StandardError);
            if (!r.Succeeded || version is null)
            {
                problems.Add($"'container --version' exited {r.ExitCode} without a version: reinstall Apple's container tool.");
            }
            else if (version < AppleContainerCommands.MinimumVersion)
            {
                var missing = AppleContainerCommands.Features.Where(f => f.MinimumVersion > version).Select(f => $"{f.Feature} needs {f.MinimumVersion}");
                problems.Add($"container {version} is too old: BotBottle needs {AppleContainerCommands.MinimumVersion} or later ({string.Join("; ", missing)}); upgrade it.");
            }

            var status = await _container.RunAsync(AppleContainerCommands.SystemStatus(), cancellationToken, timeout: TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            if (!status.Succeeded)
            {
                problems.Add("The container system service is not running: run 'container system start'.");
            }
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            problems.Add($"'container' could not be run: {ex.Message}");
        }

        return problems.Count == 0 ? new BackendReadiness(Name, true, $"container {version}", []) : new BackendReadiness(Name, false, version is null ? "container unavailable" : $"container {version}", problems);
    }

    public LaunchTraits Launch { get; } = new()
    {
        // The standard step names (LaunchTraits.StandardStepNames).
        // The agent's resolver is the sidecar's host-only address, which 'container run' cannot pin: it is read from
        // the running sidecar, so the agent starts once the sidecar is ready.
        AgentStartsBeforeSidecarIsReady = false,
        SidecarInGuestHosts = true,
        SidecarReadyTimeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Every name the backend would create is one <c>container</c> accepts, and the home has no <c>:</c>.</summary>
    public Task PreflightAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        if (NameProblem(launch.Slug) is { } nameProblem)
        {
            throw new BotBottleException("NameNotSupported", BotBottleErrorCategory.InvalidArgument, nameProblem + " Nothing was started.") { TargetObject = launch.Slug };
        }

        if (_home.Root.Contains(':', StringComparison.Ordinal))
        {
            throw new BotBottleException("HomeNotSupported", BotBottleErrorCategory.InvalidArgument,
                $"The BotBottle home '{_home.Root}' contains ':', which 'container cp' and 'container run -v' read as a separator: set BOT_BOTTLE_HOME to a path without ':'. Nothing was started.") { TargetObject = _home.Root };
        }

        return Task.CompletedTask;
    }

    /// <summary>Builds the sidecar image and the agent image (the bottle's Dockerfile or the provider's recipe) with <c>container build</c>.</summary>
    public async Task EnsureImagesAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var plan = launch.Plan;
        var uid = launch.AgentUid.ToString(CultureInfo.InvariantCulture);
        var sidecarImage = await BuildAsync("sidecar", _assets.RecipeDirectory("sidecar"), "Dockerfile", new Dictionary<string, string>(), includeSidecar: true, cancellationToken).ConfigureAwait(false);
        var agentImage = plan.Bottle.Dockerfile is { } custom
            ? await BuildAsync("custom", Path.GetDirectoryName(Path.GetFullPath(custom))!, Path.GetFileName(custom), new Dictionary<string, string> { ["AGENT_UID"] = uid }, includeSidecar: false, cancellationToken).ConfigureAwait(false)
            : await BuildAsync(plan.Bottle.Provider.Image, _assets.RecipeDirectory(plan.Bottle.Provider.Image), "Dockerfile", new Dictionary<string, string> { ["AGENT_UID"] = uid }, includeSidecar: false, cancellationToken).ConfigureAwait(false);
        launch.Record(r => r with { AgentImage = agentImage, SidecarImage = sidecarImage, AgentUid = launch.AgentUid });
    }

    /// <summary>The host-only network (<c>--internal</c>) and the NAT network.</summary>
    public async Task CreateTopologyAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var slug = launch.Slug;
        foreach (var (name, hostOnly) in new[] { (HostOnlyNetworkName(slug), true), (NatNetworkName(slug), false) })
        {
            launch.Creating("network", name);
            await _container.RequireAsync($"create the network {name}", AppleContainerCommands.NetworkCreate(name, hostOnly, Labels(slug)), cancellationToken).ConfigureAwait(false);
        }

        launch.Record(r => r with { HostOnlyNetwork = HostOnlyNetworkName(slug), NatNetwork = NatNetworkName(slug) });
    }

    /// <summary>
    /// Runs the sidecar on both networks with the state folder mounted and its secrets in its environment. The
    /// secrets are passed as bare <c>-e BB_SIDECAR_SECRET_&lt;NAME&gt;</c> with the values in <c>container</c>'s own
    /// environment (<see cref="CliArgs.AddInherited"/>), never on its command line (PRODUCT.md §3.2, §9.3).
    /// </summary>
    public async Task StartSidecarAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var slug = launch.Slug;
        launch.Creating("container", SidecarName(slug));
        launch.SidecarStarting();
        var secrets = launch.SidecarSecrets.Select(kv => new KeyValuePair<string, string>(SidecarContract.SecretPrefix + kv.Key, kv.Value.Reveal())).ToList();
        await _container.RequireAsync($"start the sidecar {SidecarName(slug)}",
            AppleContainerCommands.Run(SidecarName(slug), launch.Runtime.SidecarImage!, [NatNetworkName(slug), HostOnlyNetworkName(slug)], [], secrets,
                Labels(slug).Append(new(DockerDefaults.RoleLabel, "sidecar")), [$"{launch.Bottle.Directory}:{SidecarContract.StateMount}"],
                HostIdentity.Current is { } h ? $"{h.Uid}:{h.Gid}" : null, null, null, SidecarContract.Command(launch.HasUpstreamCa, launch.ProposalTimeout)),
            cancellationToken).ConfigureAwait(false);
        launch.Record(r => r with { SidecarContainer = SidecarName(slug) });
    }

    public async Task<string> SidecarStatusAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return ParseState(await InspectJsonAsync(SidecarName(launch.Slug), cancellationToken).ConfigureAwait(false));
    }

    public Task<string> SidecarOutputAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return Task.FromResult($"See 'container logs {SidecarName(launch.Slug)}'.");
    }

    /// <summary>Reads the ready sidecar's host-only address, then runs the agent on the host-only network only, with that address as its resolver.</summary>
    public async Task StartAgentAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var slug = launch.Slug;
        var uid = launch.AgentUid.ToString(CultureInfo.InvariantCulture);
        var sidecarAddress = ParseAddress(await InspectJsonAsync(SidecarName(slug), cancellationToken).ConfigureAwait(false), HostOnlyNetworkName(slug))
            ?? throw new BotBottleException("SidecarFailed", BotBottleErrorCategory.InvalidOperation, $"The sidecar of bottle '{slug}' has no address on {HostOnlyNetworkName(slug)} ('container inspect {SidecarName(slug)}'). Nothing is left running.") { TargetObject = slug };
        launch.Record(r => r with { SidecarAddress = sidecarAddress });
        launch.Creating("container", AgentName(slug));
        await _container.RequireAsync($"start the agent {AgentName(slug)}",
            AppleContainerCommands.Run(AgentName(slug), launch.Runtime.AgentImage!, [HostOnlyNetworkName(slug)], GuestProvisioner.AgentEnvironment(launch.Plan, _environment), [],
                Labels(slug).Append(new(DockerDefaults.RoleLabel, "agent")), [], // no host folder is mounted: the workspace starts empty or as a copy (GuestProvisioner)
                $"{uid}:{uid}", "/workspace", sidecarAddress, ["sleep", "infinity"]),
            cancellationToken).ConfigureAwait(false);
        launch.Record(r => r with { AgentContainer = AgentName(slug) });
    }

    public IGuestChannel OpenGuestChannel(BottleTarget bottle, int agentUid)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return new AppleContainerGuestChannel(_container, AgentName(bottle.Slug), agentUid, bottle.PathOf(".staging"));
    }

    /// <summary>Deletes what the launch created: the containers (latest first), then the networks (latest first).</summary>
    public async Task RollbackAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        foreach (var c in launch.Created.Reverse().OrderBy(c => c.Kind == "network"))
        {
            try
            {
                await _container.RunAsync(c.Kind == "network" ? AppleContainerCommands.NetworkDelete(c.Name) : AppleContainerCommands.Delete(c.Name), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Checks both containers are still there, then starts the sidecar (<c>container start</c>).</summary>
    /// <exception cref="BotBottleException"><c>BottleBroken</c> when a container is gone.</exception>
    public async Task<bool> ResumeSidecarAsync(LaunchContext resume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resume);
        var slug = resume.Slug;
        foreach (var name in new[] { SidecarName(slug), AgentName(slug) })
        {
            if (ParseState(await InspectJsonAsync(name, cancellationToken).ConfigureAwait(false)) == "missing")
            {
                throw new BotBottleException("BottleBroken", BotBottleErrorCategory.InvalidOperation,
                    $"Bottle '{slug}' cannot be resumed: its container {name} is gone. Remove it and start a new one.") { TargetObject = slug, Recommended = RecommendedAction.Remove(slug) };
            }
        }

        resume.SidecarStarting();
        await _container.RequireAsync($"start the sidecar {SidecarName(slug)}", AppleContainerCommands.Start(SidecarName(slug)), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Reads the sidecar's host-only address again (it may have changed), starts the agent, and when the address
    /// moved rewrites the agent's hosts entry and resolver to it; records the current <c>sidecarAddress</c>.
    /// </summary>
    /// <exception cref="BotBottleException"><c>SidecarFailed</c> when the sidecar has no address.</exception>
    public async Task ResumeAgentAsync(LaunchContext resume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resume);
        var slug = resume.Slug;
        var address = ParseAddress(await InspectJsonAsync(SidecarName(slug), cancellationToken).ConfigureAwait(false), HostOnlyNetworkName(slug))
            ?? throw new BotBottleException("SidecarFailed", BotBottleErrorCategory.InvalidOperation, $"The sidecar of bottle '{slug}' has no address on {HostOnlyNetworkName(slug)} after resuming ('container inspect {SidecarName(slug)}').") { TargetObject = slug };
        await _container.RequireAsync($"start the agent {AgentName(slug)}", AppleContainerCommands.Start(AgentName(slug)), cancellationToken).ConfigureAwait(false);
        var provisioner = new GuestProvisioner(OpenGuestChannel(resume.Bottle, resume.AgentUid));
        await provisioner.AddHostEntryAsync(SidecarContract.HostName, address, cancellationToken).ConfigureAwait(false);
        if (address != resume.Bottle.Runtime.SidecarAddress)
        {
            // The agent was created with --dns <old address>; point its resolver at the sidecar's new one.
            await provisioner.SetNameserverAsync(address, cancellationToken).ConfigureAwait(false);
        }

        resume.Record(r => r with { SidecarAddress = address });
    }

    /// <summary>Stops the agent, then the sidecar (<c>container stop</c>), keeping both; a container that is not running is left alone.</summary>
    /// <exception cref="BackendCommandFailedException"><c>container stop</c> failed.</exception>
    public async Task StopAsync(BottleTarget instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        foreach (var name in new[] { AgentName(instance.Slug), SidecarName(instance.Slug) })
        {
            if (ParseState(await InspectJsonAsync(name, cancellationToken).ConfigureAwait(false)) == "running")
            {
                await _container.RequireAsync($"stop the container {name}", AppleContainerCommands.Stop(name), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task RemoveAsync(BottleTarget instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var slug = instance.Slug;
        foreach (var name in new[] { AgentName(slug), SidecarName(slug) })
        {
            var r = await _container.RunAsync(AppleContainerCommands.Delete(name), cancellationToken).ConfigureAwait(false);
            if (!r.Succeeded && (await _container.RunAsync(AppleContainerCommands.Inspect(name), cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                throw new BackendCommandFailedException(Name, $"delete the container {name}", r, $"Delete it by hand ('container delete --force {name}') and remove the bottle again.") { Recommended = RecommendedAction.Remove(slug) };
            }
        }

        foreach (var name in new[] { HostOnlyNetworkName(slug), NatNetworkName(slug) })
        {
            // A missing network is fine (idempotent); anything else left is reported by 'bot-bottle cleanup'.
            await _container.RunAsync(AppleContainerCommands.NetworkDelete(name), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<RuntimeStatus> InspectAsync(BottleTarget instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var agent = ParseState(await InspectJsonAsync(AgentName(instance.Slug), cancellationToken).ConfigureAwait(false));
        var sidecar = ParseState(await InspectJsonAsync(SidecarName(instance.Slug), cancellationToken).ConfigureAwait(false));
        return RuntimeStatus.FromServices(agent, sidecar);
    }

    public async Task<GuestCommandResult> ExecAsync(BottleTarget instance, BottleExecRequest request, Action<ProcessOutputLine>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(request);
        var r = await _container.RunAsync(AppleContainerCommands.Exec(AgentName(instance.Slug), request.Command, request.AsRoot ? 0 : AgentUid(instance), request.WorkingDirectory ?? "/workspace", []), cancellationToken, output).ConfigureAwait(false);
        return new GuestCommandResult(r.ExitCode, r.StandardOutput, r.StandardError);
    }

    public async Task<int> AttachAsync(BottleTarget instance, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var r = await _container.RunAsync(AppleContainerCommands.Exec(AgentName(instance.Slug), command, AgentUid(instance), "/workspace", [], interactive: true), cancellationToken, interactive: true).ConfigureAwait(false);
        return r.ExitCode;
    }

    public async Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knownSlugs);
        var result = new List<OrphanResource>();
        var homeId = DockerDefaults.HomeId(_home.Root);
        foreach (var (args, kind) in new[] { (AppleContainerCommands.List(), "container"), (AppleContainerCommands.NetworkList(), "network") })
        {
            var r = await _container.RunAsync(args, cancellationToken).ConfigureAwait(false);
            if (!r.Succeeded)
            {
                continue;
            }

            foreach (var (name, labels) in ParseLabelledList(r.StandardOutput))
            {
                if (labels.GetValueOrDefault(DockerDefaults.HomeLabel) == homeId && labels.GetValueOrDefault(DockerDefaults.SlugLabel) is { } slug && !knownSlugs.Contains(slug))
                {
                    result.Add(new OrphanResource(Name, kind, name, name, slug));
                }
            }
        }

        return result;
    }

    public Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orphan);
        return _container.RequireAsync($"remove the {orphan.Kind} {orphan.Name}", orphan.Kind == "network" ? AppleContainerCommands.NetworkDelete(orphan.Id) : AppleContainerCommands.Delete(orphan.Id), cancellationToken);
    }

    /// <summary>
    /// The container's state from <c>container inspect</c> JSON (1.0+: an array of
    /// <c>{id, configuration, status: {state, networks, startedDate}}</c>, apple/container
    /// <c>Sources/ContainerResource/Container/ManagedContainer.swift</c> and <c>ContainerStatus.swift</c>):
    /// <c>status.state</c> in lower case (<c>running</c>, <c>stopped</c>, <c>stopping</c>, <c>unknown</c> —
    /// <c>RuntimeStatus.swift</c>), <c>missing</c> when inspect failed or printed no container, and <c>unknown</c>
    /// when the JSON has another shape.
    /// </summary>
    internal static string ParseState(string? inspectJson)
    {
        if (inspectJson is null || First(inspectJson) is not { } c)
        {
            return "missing";
        }

        return c.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.String
            ? s.GetString()!.ToLowerInvariant()
            : "unknown";
    }

    /// <summary>
    /// The container's IPv4 address on <paramref name="network"/> from <c>container inspect</c> JSON: the entry of
    /// <c>status.networks</c> whose <c>network</c> is that name, its <c>ipv4Address</c> (a CIDR, <c>a.b.c.d/nn</c>:
    /// <c>Sources/ContainerResource/Network/Attachment.swift</c>) without the prefix. Null when absent.
    /// </summary>
    internal static string? ParseAddress(string? inspectJson, string network)
    {
        if (inspectJson is null || First(inspectJson) is not { } c || !c.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object
            || !status.TryGetProperty("networks", out var nets) || nets.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var n in nets.EnumerateArray())
        {
            if (n.ValueKind == JsonValueKind.Object && n.TryGetProperty("network", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == network
                && n.TryGetProperty("ipv4Address", out var a) && a.ValueKind == JsonValueKind.String && a.GetString() is { Length: > 0 } addr)
            {
                return addr.Split('/')[0];
            }
        }

        return null;
    }

    private static JsonElement? First(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var c = root.ValueKind == JsonValueKind.Array ? (root.GetArrayLength() > 0 ? root[0] : default) : root;
            return c.ValueKind == JsonValueKind.Object ? c.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Names and labels from a <c>--format json</c> listing: objects with <c>configuration.id</c>/<c>id</c>/<c>name</c> and <c>configuration.labels</c>/<c>labels</c>.</summary>
    internal static IEnumerable<(string Name, IReadOnlyDictionary<string, string> Labels)> ParseLabelledList(string json)
    {
        var list = new List<(string, IReadOnlyDictionary<string, string>)>();
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return list;
            }

            foreach (var item in doc.RootElement.EnumerateArray())
            {
                var scope = item.TryGetProperty("configuration", out var cfg) && cfg.ValueKind == JsonValueKind.Object ? cfg : item;
                string? name = null;
                foreach (var key in new[] { "id", "name" })
                {
                    if (scope.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String)
                    {
                        name = v.GetString();
                        break;
                    }
                }

                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                if (scope.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in l.EnumerateObject())
                    {
                        labels[p.Name] = p.Value.ToString();
                    }
                }

                if (name is not null)
                {
                    list.Add((name, labels));
                }
            }
        }
        catch (JsonException)
        {
        }

        return list;
    }

    private async Task<string?> InspectJsonAsync(string name, CancellationToken ct)
    {
        var r = await _container.RunAsync(AppleContainerCommands.Inspect(name), ct).ConfigureAwait(false);
        return r.Succeeded ? r.StandardOutput : null;
    }

    /// <summary>Builds <paramref name="recipe"/> with <c>container build</c> from a staged context (recipe files, the operator's extra CAs, and for the sidecar its Linux binary), tagged <c>bot-bottle/&lt;recipe&gt;:&lt;uid|sidecar&gt;</c>.</summary>
    private async Task<string> BuildAsync(string recipe, string contextDirectory, string dockerfile, Dictionary<string, string> args, bool includeSidecar, CancellationToken ct)
    {
        var staging = Path.Combine(Path.GetTempPath(), "bot-bottle-build-" + Guid.NewGuid().ToString("n"));
        try
        {
            CopyTree(contextDirectory, staging);
            Directory.CreateDirectory(Path.Combine(staging, "extra-ca"));
            foreach (var (name, pem) in ExtraCertificates.Load(_home).AsFiles())
            {
                await File.WriteAllTextAsync(Path.Combine(staging, "extra-ca", name), pem, Encoding.ASCII, ct).ConfigureAwait(false);
            }

            if (includeSidecar)
            {
                var rid = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
                File.Copy(_assets.SidecarBinary(rid), Path.Combine(staging, "bot-bottle-sidecar"), overwrite: true);
                if (_assets.SidecarX8664V3Binary(rid) is { } v3)
                {
                    File.Copy(v3, Path.Combine(staging, AssetLocator.SidecarX8664V3FileName), overwrite: true);
                }
            }

            var tag = $"bot-bottle/{recipe}:{(args.TryGetValue("AGENT_UID", out var u) ? "uid" + u : "local")}";
            await _container.RequireAsync($"build the image {tag}", AppleContainerCommands.Build(tag, Path.Combine(staging, dockerfile), args, staging), ct, timeout: TimeSpan.FromMinutes(30)).ConfigureAwait(false);
            return tag;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
        }
    }

    private static int AgentUid(BottleTarget bottle) => bottle.Runtime.AgentUid ?? DockerGuestChannel.DefaultAgentUid;

    private Dictionary<string, string> Labels(string slug) => new()
    {
        [DockerDefaults.ManagedLabel] = typeof(AppleContainerBackend).Assembly.GetName().Version?.ToString(3) ?? "0",
        [DockerDefaults.HomeLabel] = DockerDefaults.HomeId(_home.Root),
        [DockerDefaults.SlugLabel] = slug,
    };
}
