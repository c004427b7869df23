using System.Globalization;
using System.Text.Json;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Provisioning;
using BotBottle.Configuration;
using BotBottle.Diagnostics;
using BotBottle.Errors;
using BotBottle.Planning;
using BotBottle.Processes;

namespace BotBottle.Backends.Smolmachines;

/// <summary>
/// Bottles whose agent runs in a per-bottle <c>smolvm</c> (libkrun) micro-VM (PRODUCT.md §5). The sidecar is a
/// container on the host's Docker engine (<see cref="ISidecarHost"/>) at one host-routable address; the machine is
/// created with virtio-net networking whose egress allowlist is exactly that address's <c>/32</c>
/// (<c>--allow-cidr</c>, enforced by smolvm's host-side gateway) and whose DNS resolver is the sidecar
/// (<c>--dns</c>), so the agent has no route anywhere but the sidecar. The guest image is the agent image built
/// from the same recipe as on docker, with <c>USER root</c> on top (<c>smolvm machine exec</c> has no user option
/// and runs as the image's user), exported as a <c>docker save</c> archive. Root steps run as-is; agent commands
/// drop to the agent's uid with <c>setpriv</c> (<see cref="SmolvmCommands.AsAgent"/>). Provisioning goes through
/// <c>smolvm machine cp</c> and <c>smolvm machine exec</c> (<see cref="SmolvmGuestChannel"/>) with the shared
/// <see cref="GuestProvisioner"/>. Every command line is in <see cref="SmolvmCommands"/>.
/// </summary>
internal sealed class SmolmachinesBackend : IBottleBackend
{
    /// <summary>Backend name.</summary>
    public const string BackendName = "smolmachines";

    private readonly BotBottleHome _home;
    private readonly BackendTool _smolvm;
    private readonly ISidecarHost _sidecar;
    private readonly Func<string, string?> _environment;
    private readonly Func<CancellationToken, Task<string?>> _hypervisorProblem;

    /// <summary>Creates the backend.</summary>
    /// <param name="home">The BotBottle home.</param>
    /// <param name="runner">Runs <c>smolvm</c>.</param>
    /// <param name="sidecar">Runs the sidecar on the host engine.</param>
    /// <param name="environment">Host environment (default: the process's).</param>
    /// <param name="locate">Finds <c>smolvm</c> on PATH (default <see cref="ExecutableLocator.Find"/>).</param>
    /// <param name="hypervisorProblem">What is wrong with KVM / Hypervisor.framework, or null when usable (default: <see cref="HypervisorProblemAsync"/> on this host).</param>
    public SmolmachinesBackend(BotBottleHome home, IProcessRunner runner, ISidecarHost sidecar, Func<string, string?>? environment = null,
        Func<string, string?>? locate = null, Func<CancellationToken, Task<string?>>? hypervisorProblem = null)
    {
        _home = home;
        _smolvm = new BackendTool(runner, BackendName, "smolvm", locate);
        _sidecar = sidecar;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _hypervisorProblem = hypervisorProblem ?? (ct => HypervisorProblemAsync("/dev/kvm", runner, ct));
    }

    public string Name => BackendName;

    /// <summary>Stop/resume (<c>machine stop/start</c>), exec, interactive (<c>machine exec -i -t</c>) and headless runs. No gVisor (the VM is the boundary) and no snapshots.</summary>
    public BackendCapabilities Capabilities => BackendCapabilities.StopResume | BackendCapabilities.Exec | BackendCapabilities.Interactive | BackendCapabilities.Headless;

    /// <summary>The machine of a bottle: <c>bot-bottle-&lt;slug&gt;</c> (PRODUCT.md §2).</summary>
    public static string MachineName(string slug) => DockerDefaults.NamePrefix + slug;

    /// <summary>
    /// Linux: <c>/dev/kvm</c> (at <paramref name="kvmPath"/>) must exist and open read-write. macOS:
    /// <c>sysctl -n kern.hv_support</c> must print 1. Elsewhere smolvm has no hypervisor BotBottle drives.
    /// </summary>
    /// <returns>The problem with what to do, or null.</returns>
    public static async Task<string?> HypervisorProblemAsync(string kvmPath, IProcessRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        if (OperatingSystem.IsLinux())
        {
            if (!File.Exists(kvmPath))
            {
                return $"{kvmPath} does not exist: enable hardware virtualization (load kvm_intel or kvm_amd, or turn on nested virtualization for this VM).";
            }

            try
            {
                using var fs = new FileStream(kvmPath, FileMode.Open, FileAccess.ReadWrite);
                return null;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                return $"{kvmPath} is not usable ({ex.Message}): add your user to the 'kvm' group (sudo usermod -aG kvm $USER) and log in again.";
            }
        }

        if (OperatingSystem.IsMacOS())
        {
            try
            {
                var r = await runner.RunAsync(new ProcessSpec("sysctl", "-n", "kern.hv_support") { Timeout = TimeSpan.FromSeconds(10) }, cancellationToken: cancellationToken).ConfigureAwait(false);
                return r.StandardOutput.Trim() == "1" ? null : "Hypervisor.framework is not available (sysctl kern.hv_support is not 1): use a Mac that supports it.";
            }
            catch (BotBottleException ex)
            {
                return $"Hypervisor.framework could not be checked: {ex.Message}";
            }
        }

        return "smolvm micro-VMs run on Linux (KVM) and macOS (Hypervisor.framework) only; use the docker backend on this host.";
    }

    public async Task<BackendReadiness> CheckAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        string? version = null;
        if (_smolvm.Locate() is null)
        {
            problems.Add("smolvm is not on PATH: install it (https://github.com/smol-machines/smolvm/releases, or 'curl -sSL https://smolmachines.com/install.sh | bash') and put it on PATH.");
        }
        else
        {
            try
            {
                var r = await _smolvm.RunAsync(SmolvmCommands.Version(), cancellationToken, timeout: TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                var v = BackendTool.ParseVersion(r.StandardOutput + " " + r.StandardError);
                if (!r.Succeeded)
                {
                    problems.Add($"'smolvm --version' exited {r.ExitCode}: {(r.StandardError + r.StandardOutput).Trim()} — reinstall smolvm.");
                }
                else if (v is null)
                {
                    problems.Add($"'smolvm --version' printed no version ({r.StandardOutput.Trim()}): install smolvm {SmolvmCommands.MinimumVersion} or later.");
                }
                else if (v < SmolvmCommands.MinimumVersion)
                {
                    var missing = SmolvmCommands.Features.Where(f => f.MinimumVersion > v).Select(f => $"{f.Feature} needs {f.MinimumVersion}");
                    problems.Add($"smolvm {v} is too old: BotBottle needs {SmolvmCommands.MinimumVersion} or later ({string.Join("; ", missing)}); upgrade it.");
                }
                else
                {
                    version = v.ToString();
                }
            }
            catch (Exception ex) when (ex is BotBottleException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                problems.Add($"'smolvm --version' failed: {ex.Message}");
            }
        }

        if (await _hypervisorProblem(cancellationToken).ConfigureAwait(false) is { } hv)
        {
            problems.Add(hv);
        }

        if (HomeProblem(_home) is { } home)
        {
            problems.Add(home);
        }

        var engine = await _sidecar.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (!engine.Ready)
        {
            problems.AddRange(engine.Problems.Select(p => $"sidecar engine: {p}"));
        }

        var readiness = problems.Count == 0
            ? new BackendReadiness(Name, true, $"smolvm {version}; sidecar on Docker {engine.Summary}", [])
            : new BackendReadiness(Name, false, version is null ? "smolvm unavailable" : $"smolvm {version}", problems);
        return readiness with { MinimumVersion = SmolvmCommands.MinimumVersion.ToString(), Requires = [.. SmolvmCommands.Features.Select(f => f.Describe())] };
    }

    /// <summary>
    /// A home the smolvm CLI cannot address, or null: every file goes in with <c>smolvm machine cp HOST MACHINE:PATH</c>,
    /// which takes the first argument containing <c>:</c> as the machine side (smolvm v1.9.3 <c>src/cli/machine.rs</c>
    /// <c>CpCmd::run</c>, <c>split_once(':')</c>), and the staged files live under the home.
    /// </summary>
    internal static string? HomeProblem(BotBottleHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return home.Root.Contains(':', StringComparison.Ordinal)
            ? $"The BotBottle home '{home.Root}' contains ':', which 'smolvm machine cp' reads as MACHINE:PATH, so no file could be copied into the micro-VM: set BOT_BOTTLE_HOME to a path without ':'."
            : null;
    }

    public LaunchTraits Launch { get; } = new()
    {
        // The sidecar host makes the sidecar's network with the sidecar, so there is no topology step to report; the
        // images step prepares the guest image and the agent step boots the micro-VM.
        StepNames = LaunchTraits.StandardStepNames.Remove(LaunchStep.Topology).SetItem(LaunchStep.Images, "guest image").SetItem(LaunchStep.Agent, "micro-VM"),

        // The machine is created with the sidecar as its only allowed address and resolver: it starts once the sidecar is ready.
        AgentStartsBeforeSidecarIsReady = false,
        SidecarInGuestHosts = true,
    };

    /// <summary>The home is one smolvm can address, and smolvm has no machine of this name yet.</summary>
    public async Task PreflightAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        if (HomeProblem(_home) is { } homeProblem)
        {
            throw new BotBottleException("HomeNotSupported", BotBottleErrorCategory.InvalidArgument, homeProblem + " Nothing was started.") { TargetObject = _home.Root };
        }

        var machine = MachineName(launch.Slug);
        var existing = await _smolvm.RunAsync(SmolvmCommands.Status(machine), cancellationToken).ConfigureAwait(false);
        if (existing.Succeeded)
        {
            throw new BotBottleException("BottleNameInUse", BotBottleErrorCategory.ResourceExists,
                $"smolvm already has a machine named '{machine}'. Nothing was started; remove it ('smolvm machine delete --name {machine} -f') or prepare this bottle again with another label.") { TargetObject = launch.Slug };
        }
    }

    /// <summary>The guest image: the agent image with <c>USER root</c>, exported by the sidecar host as a <c>docker save</c> archive in the state folder.</summary>
    public async Task EnsureImagesAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var image = await _sidecar.ExportAgentImageAsync(launch.Plan, launch.AgentUid, Archive(launch.Bottle), launch.Progress, cancellationToken).ConfigureAwait(false);
        launch.Record(r => r with { AgentImage = image, AgentUid = launch.AgentUid, Machine = MachineName(launch.Slug) });
    }

    /// <summary>Nothing: the sidecar host creates the sidecar's network with the sidecar.</summary>
    public Task CreateTopologyAsync(LaunchContext launch, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Starts the sidecar on the host engine at its host-routable address.</summary>
    public async Task StartSidecarAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        launch.Creating("sidecar", launch.Slug);
        var sidecar = await _sidecar.StartAsync(launch, cancellationToken).ConfigureAwait(false);
        launch.Record(r => sidecar.Facts with
        {
            AgentImage = r.AgentImage,
            AgentUid = r.AgentUid,
            Machine = r.Machine,
            SidecarAddress = sidecar.Address,
            AllowCidr = SmolvmCommands.AllowCidr(sidecar.Address),
        });
    }

    public Task<string> SidecarStatusAsync(LaunchContext launch, CancellationToken cancellationToken) => _sidecar.StatusAsync(launch.Bottle, cancellationToken);

    public Task<string> SidecarOutputAsync(LaunchContext launch, CancellationToken cancellationToken) => _sidecar.OutputAsync(launch.Bottle, cancellationToken);

    /// <summary>Creates the micro-VM from the exported archive (allowlist and resolver: the sidecar's address) and starts it; the archive is deleted once imported.</summary>
    public async Task StartAgentAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var slug = launch.Slug;
        var machine = MachineName(slug);
        var labels = new Dictionary<string, string>
        {
            [DockerDefaults.ManagedLabel] = typeof(SmolmachinesBackend).Assembly.GetName().Version?.ToString(3) ?? "0",
            [DockerDefaults.HomeLabel] = DockerDefaults.HomeId(_home.Root),
            [DockerDefaults.SlugLabel] = slug,
        };
        launch.Creating("vm", machine);
        try
        {
            await _smolvm.RequireAsync($"create the micro-VM {machine}",
                SmolvmCommands.Create(machine, Archive(launch.Bottle), launch.Runtime.SidecarAddress!, GuestProvisioner.AgentEnvironment(launch.Plan, _environment), labels),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(Archive(launch.Bottle));
        }

        await _smolvm.RequireAsync($"start the micro-VM {machine}", SmolvmCommands.Start(machine), cancellationToken).ConfigureAwait(false);
    }

    public IGuestChannel OpenGuestChannel(BottleTarget bottle, int agentUid) => Channel(bottle, agentUid);

    /// <summary>Deletes the micro-VM, then the sidecar, when the launch got as far as creating them; and the exported archive.</summary>
    public async Task RollbackAsync(LaunchContext launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        File.Delete(Archive(launch.Bottle));
        if (launch.WasCreating("vm", MachineName(launch.Slug)))
        {
            try
            {
                await _smolvm.RunAsync(SmolvmCommands.Delete(MachineName(launch.Slug)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
            {
            }
        }

        if (launch.WasCreating("sidecar", launch.Slug))
        {
            try
            {
                await _sidecar.RemoveAsync(launch.Bottle, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Checks the micro-VM is still there, then resumes the sidecar.</summary>
    public async Task<bool> ResumeSidecarAsync(LaunchContext resume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resume);
        var machine = MachineName(resume.Slug);
        if (await MachineStateAsync(machine, cancellationToken).ConfigureAwait(false) == "missing")
        {
            throw new BotBottleException("BottleBroken", BotBottleErrorCategory.InvalidOperation,
                $"Bottle '{resume.Slug}' cannot be resumed: its micro-VM {machine} is gone. Remove it and start a new one.") { TargetObject = resume.Slug, Recommended = RecommendedAction.Remove(resume.Slug) };
        }

        return await _sidecar.ResumeAsync(resume, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the micro-VM. The sidecar keeps its fixed address; the hosts entry is written again (idempotent) in
    /// case the guest's <c>/etc/hosts</c> did not survive the restart.
    /// </summary>
    public async Task ResumeAgentAsync(LaunchContext resume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resume);
        var machine = MachineName(resume.Slug);
        await _smolvm.RequireAsync($"start the micro-VM {machine}", SmolvmCommands.Start(machine), cancellationToken).ConfigureAwait(false);
        if (resume.Runtime.SidecarAddress is { Length: > 0 } address)
        {
            await new GuestProvisioner(Channel(resume.Bottle, resume.AgentUid)).AddHostEntryAsync(SidecarContract.HostName, address, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(BottleTarget instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var machine = MachineName(instance.Slug);
        if (await MachineStateAsync(machine, cancellationToken).ConfigureAwait(false) == "running")
        {
            await _smolvm.RequireAsync($"stop the micro-VM {machine}", SmolvmCommands.Stop(machine), cancellationToken).ConfigureAwait(false);
        }

        await _sidecar.StopAsync(instance, cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveAsync(BottleTarget instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var machine = MachineName(instance.Slug);
        var r = await _smolvm.RunAsync(SmolvmCommands.Delete(machine), cancellationToken).ConfigureAwait(false);
        if (!r.Succeeded && await MachineStateAsync(machine, cancellationToken).ConfigureAwait(false) != "missing")
        {
            throw new BackendCommandFailedException(Name, $"delete the micro-VM {machine}", r, $"Delete it by hand ('smolvm machine delete --name {machine} -f') and remove the bottle again.") { Recommended = RecommendedAction.Remove(instance.Slug) };
        }

        await _sidecar.RemoveAsync(instance, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RuntimeStatus> InspectAsync(BottleTarget instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var agent = await MachineStateAsync(MachineName(instance.Slug), cancellationToken).ConfigureAwait(false);
        var sidecar = await _sidecar.StatusAsync(instance, cancellationToken).ConfigureAwait(false);
        return RuntimeStatus.FromServices(agent, sidecar, agentObject: "micro-VM", agentName: "micro-VM");
    }

    public async Task<GuestCommandResult> ExecAsync(BottleTarget instance, BottleExecRequest request, Action<ProcessOutputLine>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(request);
        var r = await _smolvm.RunAsync(
            SmolvmCommands.Exec(MachineName(instance.Slug), request.AsRoot ? request.Command : SmolvmCommands.AsAgent(AgentUid(instance), request.Command), request.WorkingDirectory ?? "/workspace", GuestProvisioner.AgentEnvironment(instance.Plan, _environment)),
            cancellationToken, output).ConfigureAwait(false);
        return new GuestCommandResult(r.ExitCode, r.StandardOutput, r.StandardError);
    }

    public async Task<int> AttachAsync(BottleTarget instance, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var r = await _smolvm.RunAsync(
            SmolvmCommands.Exec(MachineName(instance.Slug), SmolvmCommands.AsAgent(AgentUid(instance), command), "/workspace", GuestProvisioner.AgentEnvironment(instance.Plan, _environment), interactive: true),
            cancellationToken, interactive: true).ConfigureAwait(false);
        return r.ExitCode;
    }

    public async Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knownSlugs);
        var result = new List<OrphanResource>();
        var r = await _smolvm.RunAsync(SmolvmCommands.List(), cancellationToken).ConfigureAwait(false);
        if (r.Succeeded)
        {
            var homeId = DockerDefaults.HomeId(_home.Root);
            foreach (var (name, labels) in ParseMachineList(r.StandardOutput))
            {
                // Only machines this home labelled are provably ours.
                if (labels.GetValueOrDefault(DockerDefaults.HomeLabel) == homeId && labels.GetValueOrDefault(DockerDefaults.SlugLabel) is { } slug && !knownSlugs.Contains(slug))
                {
                    result.Add(new OrphanResource(Name, "vm", name, name, slug));
                }
            }
        }

        result.AddRange(await _sidecar.FindOrphansAsync(Name, knownSlugs, cancellationToken).ConfigureAwait(false));
        return result;
    }

    public async Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orphan);
        if (orphan.Kind == "vm")
        {
            await _smolvm.RequireAsync($"delete the micro-VM {orphan.Name}", SmolvmCommands.Delete(orphan.Name), cancellationToken).ConfigureAwait(false);
            return;
        }

        await _sidecar.RemoveOrphanAsync(orphan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads <c>smolvm machine status --json</c>: <c>running</c>, <c>stopped</c> (any other reported state, lower
    /// case), or <c>missing</c> when the command fails (no such machine). The state is taken from a top-level
    /// <c>state</c> or <c>status</c> string; plain text containing "running" also counts.
    /// </summary>
    internal static string ParseStatus(ProcessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Succeeded)
        {
            return "missing";
        }

        string? state = null;
        try
        {
            using var doc = JsonDocument.Parse(result.StandardOutput);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if ((p.NameEquals("state") || p.NameEquals("status")) && p.Value.ValueKind == JsonValueKind.String)
                    {
                        state = p.Value.GetString();
                        break;
                    }
                }
            }
        }
        catch (JsonException)
        {
            state = result.StandardOutput;
        }

        return state?.Contains("running", StringComparison.OrdinalIgnoreCase) == true ? "running" : "stopped";
    }

    /// <summary>Machine names and labels from <c>smolvm machine ls --json</c> (an array of objects with <c>name</c> and optional <c>labels</c>); unreadable output yields nothing.</summary>
    internal static IEnumerable<(string Name, IReadOnlyDictionary<string, string> Labels)> ParseMachineList(string json)
    {
        var list = new List<(string, IReadOnlyDictionary<string, string>)>();
        try
        {
            using var doc = JsonDocument.Parse(json);
            var items = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement
                : doc.RootElement.TryGetProperty("machines", out var m) ? m : default;
            if (items.ValueKind != JsonValueKind.Array)
            {
                return list;
            }

            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var n) || n.GetString() is not { } name)
                {
                    continue;
                }

                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                if (item.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in l.EnumerateObject())
                    {
                        labels[p.Name] = p.Value.ToString();
                    }
                }

                list.Add((name, labels));
            }
        }
        catch (JsonException)
        {
        }

        return list;
    }

    private async Task<string> MachineStateAsync(string machine, CancellationToken ct) =>
        ParseStatus(await _smolvm.RunAsync(SmolvmCommands.Status(machine), ct).ConfigureAwait(false));

    private SmolvmGuestChannel Channel(BottleTarget bottle, int agentUid) =>
        new(_smolvm, MachineName(bottle.Slug), agentUid, bottle.PathOf(".staging"));

    private static int AgentUid(BottleTarget bottle) => bottle.Runtime.AgentUid ?? DockerGuestChannel.DefaultAgentUid;

    /// <summary>Where the guest image archive is exported to until <c>machine create</c> imports it.</summary>
    private static string Archive(BottleTarget bottle) => bottle.PathOf("guest-image.tar");
}
