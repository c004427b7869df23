using System.Globalization;
using System.Runtime.InteropServices;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;
using BotBottle.Configuration;
using BotBottle.Errors;
using BotBottle.Processes;

namespace BotBottle.Diagnostics;

/// <summary>
/// Inspects the host for everything BotBottle can use: the Docker engine (endpoint, version, negotiated API,
/// runtimes such as gVisor's <c>runsc</c>), the base image, KVM / Hypervisor.framework, <c>smolvm</c>, Apple
/// <c>container</c>, <c>pwsh</c> and <c>git</c>. Each finding says what to do when something is missing.
/// Checks are bounded in time and never throw; a failing check is reported as <see cref="DoctorStatus.Error"/>.
/// </summary>
public sealed class HostDoctor
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    private readonly IProcessRunner _runner;
    private readonly BotBottleHome _home;
    private readonly Func<DockerEndpoint> _endpoint;
    private readonly IReadOnlyList<Backends.IBottleBackend> _backends;

    /// <summary>Creates a doctor.</summary>
    /// <param name="runner">Runs the version probes.</param>
    /// <param name="home">The BotBottle home to report.</param>
    /// <param name="endpoint">Resolves the Docker endpoint (default: from the environment).</param>
    /// <param name="backends">Backends whose readiness (their preflight, <see cref="Backends.IBottleBackend.CheckAsync"/>) is reported as one <c>backend:&lt;name&gt;</c> check each, in order.</param>
    public HostDoctor(IProcessRunner runner, BotBottleHome home, Func<DockerEndpoint>? endpoint = null, IEnumerable<Backends.IBottleBackend>? backends = null)
    {
        _backends = [.. backends ?? []];
        _runner = runner ?? throw new ArgumentNullException(nameof(runner));
        _home = home ?? throw new ArgumentNullException(nameof(home));
        _endpoint = endpoint ?? DockerEndpoint.Resolve;
    }

    /// <summary>Runs every check.</summary>
    /// <param name="cancellationToken">Stops the checks.</param>
    /// <returns>The report; checks run concurrently and are listed in a fixed order.</returns>
    public async Task<DoctorReport> RunAsync(CancellationToken cancellationToken)
    {
        var engineTask = CheckEngineAsync(cancellationToken);
        var tasks = new[]
        {
            engineTask.ContinueWith(t => t.Result.Engine, cancellationToken, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default),
            engineTask.ContinueWith(t => t.Result.BaseImage, cancellationToken, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default),
            CheckKvmAsync(cancellationToken),
            CheckToolAsync("smolvm", ["--version"], "smolvm (smolmachines backend)", SmolvmRemedy, applies: !OperatingSystem.IsWindows(), cancellationToken),
            CheckToolAsync("container", ["--version"], "Apple container (macos-container backend)",
                "Install Apple's container tool (https://github.com/apple/container/releases) on macOS 26 or later, then run 'container system start'.",
                applies: OperatingSystem.IsMacOS(), cancellationToken),
            CheckToolAsync("pwsh", ["-NoLogo", "-NoProfile", "-Command", "$PSVersionTable.PSVersion.ToString()"], "PowerShell 7.6+ (the BotBottle module)",
                "Install PowerShell 7.6 or later (https://learn.microsoft.com/powershell/scripting/install/installing-powershell, or 'dotnet tool install --global PowerShell') to use the BotBottle module; the bot-bottle CLI works without it.",
                applies: true, cancellationToken),
            CheckToolAsync("git", ["--version"], "git",
                "Install git (e.g. 'apt-get install git', 'brew install git', 'winget install Git.Git'); the git gate and provisioning use it.",
                applies: true, cancellationToken),
            Task.Run(CheckCaTrust, cancellationToken),
        };
        var checks = (await Task.WhenAll(tasks).ConfigureAwait(false)).ToList();
        foreach (var backend in _backends)
        {
            var r = await backend.CheckAsync(cancellationToken).ConfigureAwait(false);
            checks.Add(new DoctorCheck
            {
                Name = "backend:" + backend.Name,
                Status = r.Ready ? DoctorStatus.Ok : DoctorStatus.Missing,
                Summary = r.Ready ? $"{backend.Name} backend ready: {r.Summary}" : $"{backend.Name} backend not ready ({r.Summary})",
                Remedy = r.Ready ? null : string.Join(" ", r.Problems),
                Details = new Dictionary<string, string> { ["capabilities"] = backend.Capabilities.ToString() },
                MinimumVersion = r.MinimumVersion,
                Requires = r.Requires,
            });
        }

        return new DoctorReport
        {
            Version = typeof(HostDoctor).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            Os = RuntimeInformation.OSDescription,
            Architecture = RuntimeInformation.OSArchitecture.ToString(),
            Runtime = RuntimeInformation.FrameworkDescription,
            Home = _home.Root,
            Checks = checks,
        };
    }

    /// <summary>
    /// <c>ca-trust</c>: whether the CAs this host trusts beyond Mozilla's roots (a corporate proxy's, typically) reach
    /// BotBottle's images. Compared against Debian's copy of the Mozilla set where the host has one.
    /// </summary>
    private DoctorCheck CheckCaTrust()
    {
        const string name = "ca-trust";
        var caFolder = Path.Combine(_home.Root, "ca-certificates");
        Backends.Docker.Images.ExtraCertificates extras;
        try
        {
            extras = Backends.Docker.Images.ExtraCertificates.Load(_home);
        }
        catch (BotBottleException ex)
        {
            return new DoctorCheck { Name = name, Status = DoctorStatus.Error, Summary = ex.Message, Remedy = $"Fix {Backends.Docker.Images.ExtraCertificates.FileVariable} or the files in {caFolder}/." };
        }

        var comparison = Backends.Docker.Images.CaTrust.Compare(extras);
        if (comparison is null)
        {
            return new DoctorCheck
            {
                Name = name,
                Status = DoctorStatus.NotApplicable,
                Summary = $"not compared: this host has no Debian-family CA reference ({Backends.Docker.Images.CaTrust.DebianMozillaDirectory}); images trust Mozilla's roots plus {extras.Certificates.Count} extra CA(s)",
            };
        }

        var details = new Dictionary<string, string>
        {
            ["hostBundle"] = comparison.Bundle,
            ["hostOnlyCas"] = comparison.HostOnly.Count.ToString(CultureInfo.InvariantCulture),
            ["extraCas"] = extras.Certificates.Count.ToString(CultureInfo.InvariantCulture),
            ["extraCaSources"] = string.Join(Path.PathSeparator, extras.Sources),
        };
        if (comparison.Uncovered.Count == 0)
        {
            return new DoctorCheck
            {
                Name = name,
                Status = DoctorStatus.Ok,
                Summary = comparison.HostOnly.Count == 0
                    ? "this host trusts only Mozilla's roots, as BotBottle's images do"
                    : $"the {comparison.HostOnly.Count} CA(s) this host trusts beyond Mozilla's roots are installed into images too",
                Details = details,
            };
        }

        var examples = string.Join("; ", comparison.Uncovered.Take(3).Select(c => c.Subject));
        return new DoctorCheck
        {
            Name = name,
            Status = DoctorStatus.Warning,
            Summary = $"this host trusts {comparison.Uncovered.Count} CA(s) that BotBottle's images would not ({examples})",
            Remedy = "If this network intercepts TLS (a corporate proxy), image builds (npm, pip, curl, apt over HTTPS) and the sidecar's upstream TLS fail with certificate errors. " +
                $"Set {Backends.Docker.Images.ExtraCertificates.TrustHostVariable}=1 to give images this host's bundle ({comparison.Bundle}), or " +
                $"{Backends.Docker.Images.ExtraCertificates.FileVariable}=<ca.pem>, or copy the CA's PEM into {caFolder}/.",
            Details = details,
        };
    }

    private const string SmolvmRemedy = "Install smolvm (https://github.com/smol-machines/smolvm) and make sure it is on PATH; it needs /dev/kvm on Linux or Hypervisor.framework on macOS.";

    private async Task<(DoctorCheck Engine, DoctorCheck BaseImage)> CheckEngineAsync(CancellationToken cancellationToken)
    {
        DockerEndpoint endpoint;
        try
        {
            endpoint = _endpoint();
        }
        catch (BotBottleException ex)
        {
            var bad = new DoctorCheck { Name = "engine", Status = DoctorStatus.Error, Summary = ex.Message, Remedy = "Fix DOCKER_HOST or the selected Docker context." };
            return (bad, Skipped("base-image", "no engine to look in"));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var engine = new DockerEngineClient(endpoint);
        try
        {
            var negotiated = await engine.NegotiateAsync(timeout.Token).ConfigureAwait(false);
            var version = await engine.GetVersionAsync(timeout.Token).ConfigureAwait(false);
            var info = await engine.GetInfoAsync(timeout.Token).ConfigureAwait(false);
            var runtimes = info.Runtimes?.Keys.Order(StringComparer.Ordinal).ToArray() ?? [];
            var hasGvisor = runtimes.Contains("runsc");
            var details = new Dictionary<string, string>
            {
                ["endpoint"] = endpoint.Address,
                ["endpointSource"] = endpoint.Source,
                ["serverVersion"] = version.Version ?? "?",
                ["engineApiVersion"] = negotiated.EngineApiVersion.ToString(),
                ["apiVersion"] = negotiated.ApiVersion.ToString(),
                ["os"] = info.OperatingSystem ?? version.Os ?? "?",
                ["osType"] = info.OSType ?? "?",
                ["architecture"] = info.Architecture ?? version.Arch ?? "?",
                ["storageDriver"] = info.Driver ?? "?",
                ["cgroupVersion"] = info.CgroupVersion ?? "?",
                ["runtimes"] = string.Join(",", runtimes),
                ["gvisor"] = hasGvisor ? "yes" : "no",
                ["cpus"] = info.NCPU.ToString(CultureInfo.InvariantCulture),
                ["memoryBytes"] = info.MemTotal.ToString(CultureInfo.InvariantCulture),
            };
            var isPodman = version.Components?.Any(c => c.Name?.Contains("Podman", StringComparison.OrdinalIgnoreCase) == true) == true;
            var engineCheck = new DoctorCheck
            {
                Name = "engine",
                Status = info.OSType == "linux" ? DoctorStatus.Ok : DoctorStatus.Error,
                Summary = $"{(isPodman ? "Podman" : "Docker")} {version.Version} at {endpoint.Address} (API {negotiated.ApiVersion}{(hasGvisor ? ", gVisor available" : string.Empty)})",
                Remedy = info.OSType == "linux" ? null : "Switch the engine to Linux containers; bottles are Linux containers.",
                Details = details,
            };

            var image = await engine.InspectImageAsync(DockerDefaults.BaseImage, timeout.Token).ConfigureAwait(false);
            var imageCheck = image is null
                ? new DoctorCheck
                {
                    Name = "base-image",
                    Status = DoctorStatus.Missing,
                    Summary = $"{DockerDefaults.BaseImage} is not in the engine's image store",
                    Remedy = $"Run 'docker pull {DockerDefaults.BaseImage}', or without a registry 'scripts/build-base-image.sh' (debootstrap + docker import).",
                }
                : new DoctorCheck
                {
                    Name = "base-image",
                    Status = DoctorStatus.Ok,
                    Summary = $"{DockerDefaults.BaseImage} present ({image.ID[..Math.Min(19, image.ID.Length)]})",
                    Details = new Dictionary<string, string> { ["image"] = DockerDefaults.BaseImage, ["id"] = image.ID, ["created"] = image.Created?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "?" },
                };
            return (engineCheck, imageCheck);
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is OperationCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : ex.Message;
            return (new DoctorCheck
            {
                Name = "engine",
                Status = DoctorStatus.Missing,
                Summary = $"no Docker engine answers at {endpoint.Address}: {reason}",
                Remedy = "Start Docker Desktop, 'sudo systemctl start docker', or 'dockerd &' (Debian: 'apt-get install docker.io'); or set DOCKER_HOST to a reachable engine.",
                Details = new Dictionary<string, string> { ["endpoint"] = endpoint.Address, ["endpointSource"] = endpoint.Source },
            }, Skipped("base-image", "no engine to look in"));
        }
    }

    private async Task<DoctorCheck> CheckKvmAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsLinux())
        {
            const string dev = "/dev/kvm";
            if (!File.Exists(dev))
            {
                return new DoctorCheck { Name = "kvm", Status = DoctorStatus.Missing, Summary = "/dev/kvm does not exist", Remedy = "Enable virtualization in firmware and load kvm_intel or kvm_amd (or enable nested virtualization on the VM) to use the smolmachines backend." };
            }

            try
            {
                using var fs = new FileStream(dev, FileMode.Open, FileAccess.ReadWrite);
                return new DoctorCheck { Name = "kvm", Status = DoctorStatus.Ok, Summary = "/dev/kvm is present and writable" };
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                return new DoctorCheck { Name = "kvm", Status = DoctorStatus.Error, Summary = $"/dev/kvm is present but not usable: {ex.Message}", Remedy = "Add your user to the 'kvm' group (sudo usermod -aG kvm $USER) and log in again." };
            }
        }

        if (OperatingSystem.IsMacOS())
        {
            try
            {
                var r = await _runner.RunAsync(new ProcessSpec("sysctl", "-n", "kern.hv_support") { Timeout = ProbeTimeout }, cancellationToken: cancellationToken).ConfigureAwait(false);
                return r.StandardOutput.Trim() == "1"
                    ? new DoctorCheck { Name = "kvm", Status = DoctorStatus.Ok, Summary = "Hypervisor.framework is available" }
                    : new DoctorCheck { Name = "kvm", Status = DoctorStatus.Missing, Summary = "Hypervisor.framework is not available", Remedy = "Use a Mac that supports Hypervisor.framework (Apple silicon or VT-x)." };
            }
            catch (BotBottleException ex)
            {
                return new DoctorCheck { Name = "kvm", Status = DoctorStatus.Error, Summary = ex.Message };
            }
        }

        return new DoctorCheck { Name = "kvm", Status = DoctorStatus.NotApplicable, Summary = "hardware virtualization for micro-VMs is only used on Linux and macOS" };
    }

    private async Task<DoctorCheck> CheckToolAsync(string tool, string[] versionArgs, string what, string remedy, bool applies, CancellationToken cancellationToken)
    {
        if (!applies)
        {
            return new DoctorCheck { Name = tool, Status = DoctorStatus.NotApplicable, Summary = $"{what} is not used on {RuntimeInformation.OSDescription}" };
        }

        var path = ExecutableLocator.Find(tool);
        if (path is null)
        {
            return new DoctorCheck { Name = tool, Status = DoctorStatus.Missing, Summary = $"{what}: '{tool}' is not on PATH", Remedy = remedy };
        }

        try
        {
            var r = await _runner.RunAsync(new ProcessSpec(path, versionArgs) { Timeout = ProbeTimeout }, cancellationToken: cancellationToken).ConfigureAwait(false);
            var text = (r.StandardOutput.Length > 0 ? r.StandardOutput : r.StandardError).Trim().Split('\n')[0].Trim();
            return r.Succeeded
                ? new DoctorCheck { Name = tool, Status = DoctorStatus.Ok, Summary = $"{what}: {text}", Details = new Dictionary<string, string> { ["path"] = path, ["version"] = text } }
                : new DoctorCheck { Name = tool, Status = DoctorStatus.Error, Summary = $"{what}: '{tool} {string.Join(' ', versionArgs)}' exited {r.ExitCode}: {text}", Remedy = remedy, Details = new Dictionary<string, string> { ["path"] = path } };
        }
        catch (BotBottleException ex)
        {
            return new DoctorCheck { Name = tool, Status = DoctorStatus.Error, Summary = $"{what}: {ex.Message}", Remedy = remedy, Details = new Dictionary<string, string> { ["path"] = path } };
        }
    }

    private static DoctorCheck Skipped(string name, string why) =>
        new() { Name = name, Status = DoctorStatus.Missing, Summary = $"not checked: {why}", Remedy = "Start a Docker engine first." };
}
