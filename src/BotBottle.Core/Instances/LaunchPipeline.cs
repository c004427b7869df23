using System.Text;
using BotBottle.Backends;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Provisioning;
using BotBottle.Configuration;
using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Operations;
using BotBottle.Planning;

namespace BotBottle.Instances;

/// <summary>
/// The one launch sequence every backend runs through (see <see cref="IBottleBackend"/>): the shared checks, the
/// sidecar's state files, the backend's steps with progress, the sidecar's ready wait (alongside the agent step when
/// the backend allows it), provisioning, and the rollback of everything on failure or cancellation.
/// </summary>
internal static class LaunchPipeline
{
    /// <summary>How long the rollback may take, whatever cancelled the launch.</summary>
    private static readonly TimeSpan RollbackBudget = TimeSpan.FromSeconds(60);

    /// <summary>Launches <paramref name="request"/>'s bottle on <paramref name="backend"/>; returns the facts to record.</summary>
    /// <exception cref="BotBottleException"><c>SkillNotFound</c>, <c>DockerfileNotFound</c>, <c>SidecarFailed</c>, and the backend's own errors; everything created is removed first.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; everything created is removed first.</exception>
    public static async Task<BottleRuntime> LaunchAsync(IBottleBackend backend, LaunchRequest request, BotBottleHome home, Func<string, string?> environment, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(environment);
        var bottle = request.Bottle with { Runtime = BottleRuntime.Empty };
        var traits = backend.Launch;

        // Checks every backend shares: everything that can fail without touching the backend fails first.
        CheckHostFiles(bottle.Plan, home, environment);
        var probe = new LaunchContext(bottle, AgentUid, progress);
        await backend.PreflightAsync(probe, cancellationToken).ConfigureAwait(false);

        var files = new StateFiles(bottle);
        LaunchContext? launch = null;
        try
        {
            var hasUpstreamCa = files.Write(request.UpstreamCaFiles);
            launch = new LaunchContext(bottle, AgentUid, progress)
            {
                SidecarSecrets = request.SidecarSecrets,
                HasUpstreamCa = hasUpstreamCa,
                HostAliases = request.HostAliases,
                ProposalTimeout = request.ProposalTimeout,
            };
            Step(launch, traits, LaunchStep.Images);
            if (traits.TopologyAlongsideImages)
            {
                await ImagesAlongsideTopologyAsync(backend, launch, traits, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await backend.EnsureImagesAsync(launch, cancellationToken).ConfigureAwait(false);
                Step(launch, traits, LaunchStep.Topology);
                await backend.CreateTopologyAsync(launch, cancellationToken).ConfigureAwait(false);
            }

            var caPem = await File.ReadAllTextAsync(bottle.PathOf(Egress.CertificateAuthority.CertificateFileName), cancellationToken).ConfigureAwait(false);
            GuestProvisioner Provisioner() => new(backend.OpenGuestChannel(bottle with { Runtime = launch.Runtime }, launch.AgentUid));
            Step(launch, traits, LaunchStep.Sidecar);
            var filesWritten = false;
            if (traits.AgentStartsBeforeSidecarIsReady)
            {
                filesWritten = await AgentWhileSidecarGetsReadyAsync(backend, launch, traits, ct => Provisioner().WriteFilesAsync(bottle.Plan, caPem, environment, ct), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await StartSidecarAndWaitAsync(backend, launch, traits.SidecarReadyTimeout, cancellationToken).ConfigureAwait(false);
                Step(launch, traits, LaunchStep.Agent);
                await backend.StartAgentAsync(launch, cancellationToken).ConfigureAwait(false);
            }

            Step(launch, traits, LaunchStep.Provisioning);
            var runtime = launch.Runtime;
            var provisioner = Provisioner();
            if (traits.SidecarInGuestHosts)
            {
                await provisioner.AddHostEntryAsync(SidecarContract.HostName, runtime.SidecarAddress!, cancellationToken).ConfigureAwait(false);
            }

            if (!filesWritten)
            {
                await provisioner.WriteFilesAsync(bottle.Plan, caPem, environment, cancellationToken).ConfigureAwait(false);
            }

            await provisioner.RunCommandsAsync(bottle.Plan, environment, progress, cancellationToken).ConfigureAwait(false);

            // A cancel that came while nothing was left to await (e.g. no guest command to run) still rolls back.
            cancellationToken.ThrowIfCancellationRequested();
            Step(launch, traits, LaunchStep.Ready);
            launch.Report("running", 100, completed: true);
            return runtime;
        }
        catch
        {
            // Roll back everything this launch created, whatever the failure (cancellation included).
            if (launch is not null)
            {
                using var budget = new CancellationTokenSource(RollbackBudget);
                try
                {
                    await backend.RollbackAsync(launch, budget.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
                {
                    // Best effort; 'bot-bottle cleanup' finds what is left by its labels.
                }
            }

            files.Remove();
            throw;
        }
    }

    /// <summary>
    /// Resumes a stopped bottle: the sidecar first (and its ready wait when it was started), then the agent.
    /// Returns the facts as they are now (e.g. a sidecar address that moved).
    /// </summary>
    public static async Task<BottleRuntime> ResumeAsync(IBottleBackend backend, BottleTarget bottle, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(bottle);
        var resume = new LaunchContext(bottle, bottle.Runtime.AgentUid ?? DockerGuestChannel.DefaultAgentUid, progress);
        resume.Report("resuming sidecar", 30);
        var started = await backend.ResumeSidecarAsync(resume, cancellationToken).ConfigureAwait(false);
        if (started)
        {
            await WaitSidecarReadyAsync(backend, resume, backend.Launch.SidecarReadyTimeout, cancellationToken).ConfigureAwait(false);
        }

        resume.Report($"resuming {backend.Launch.StepNames.GetValueOrDefault(LaunchStep.Agent, "agent")}", 70);
        await backend.ResumeAgentAsync(resume, cancellationToken).ConfigureAwait(false);
        resume.Report("running", 100, completed: true);
        return resume.Runtime;
    }

    /// <summary>The agent user's uid: the host user's (so files it writes in copies stay the operator's), or 1000 for root or no uid.</summary>
    private static int AgentUid => HostIdentity.Current is { Uid: > 0 } id ? id.Uid : DockerGuestChannel.DefaultAgentUid;

    /// <summary>
    /// The sidecar starts and gets ready while the agent step runs (the agent runs only <c>sleep</c> until
    /// provisioning, which begins only when both are done). The guest's files are written alongside, from the moment
    /// the agent step says its guest runs (<see cref="LaunchContext.GuestStarted"/>; docker: while the firewall helper
    /// runs): they are BotBottle's own fixed commands, never the agent's (<see cref="GuestProvisioner.WriteFilesAsync"/>).
    /// A failure on the agent path cancels the other two; a failure of the files or of the sidecar is reported once the
    /// agent path is done; the agent path's failure is the one reported when several fail, then the files'. The
    /// rollback removes everything.
    /// </summary>
    /// <returns>Whether the guest's files were written (<see langword="false"/>: the backend never said its guest runs before its agent step ended).</returns>
    private static async Task<bool> AgentWhileSidecarGetsReadyAsync(IBottleBackend backend, LaunchContext launch, LaunchTraits traits, Func<CancellationToken, Task> writeFiles, CancellationToken cancellationToken)
    {
        using var alongside = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sidecarReady = StartSidecarAndWaitAsync(backend, launch, traits.SidecarReadyTimeout, alongside.Token);
        var agent = StartAgentStepAsync(backend, launch, traits, cancellationToken);
        var files = WriteFilesOnceGuestStartsAsync(launch, agent, writeFiles, alongside.Token);
        try
        {
            await agent.ConfigureAwait(false);
            await files.ConfigureAwait(false);
        }
        catch
        {
            await alongside.CancelAsync().ConfigureAwait(false);
            await SettledAsync(files).ConfigureAwait(false);
            await SettledAsync(sidecarReady).ConfigureAwait(false);
            throw;
        }

        await sidecarReady.ConfigureAwait(false);
        return await files.ConfigureAwait(false);
    }

    /// <summary>
    /// The images and the networks at the same time (<see cref="LaunchTraits.TopologyAlongsideImages"/>): the
    /// <c>networks</c> record follows the <c>images</c> record at once. The first failure cancels the other step, which
    /// is waited for, and is the one reported; the rollback removes what either created.
    /// </summary>
    private static async Task ImagesAlongsideTopologyAsync(IBottleBackend backend, LaunchContext launch, LaunchTraits traits, CancellationToken cancellationToken)
    {
        using var alongside = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var images = backend.EnsureImagesAsync(launch, alongside.Token);
        Step(launch, traits, LaunchStep.Topology);
        var topology = backend.CreateTopologyAsync(launch, alongside.Token);
        var first = await Task.WhenAny(images, topology).ConfigureAwait(false);
        if (!first.IsCompletedSuccessfully)
        {
            await alongside.CancelAsync().ConfigureAwait(false);
            await SettledAsync(first == images ? topology : images).ConfigureAwait(false);
            await first.ConfigureAwait(false);
        }

        await images.ConfigureAwait(false);
        await topology.ConfigureAwait(false);
    }

    private static async Task StartAgentStepAsync(IBottleBackend backend, LaunchContext launch, LaunchTraits traits, CancellationToken cancellationToken)
    {
        Step(launch, traits, LaunchStep.Agent);
        await backend.StartAgentAsync(launch, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> WriteFilesOnceGuestStartsAsync(LaunchContext launch, Task agent, Func<CancellationToken, Task> writeFiles, CancellationToken cancellationToken)
    {
        await Task.WhenAny(launch.GuestStartedTask, agent).ConfigureAwait(false);
        if (!launch.GuestStartedTask.IsCompleted || cancellationToken.IsCancellationRequested)
        {
            return false; // the agent step ended (or failed) without saying so: the provisioning step writes them
        }

        await writeFiles(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Waits until <paramref name="task"/> has ended, whatever its outcome (its failure is not the one reported).</summary>
    private static async Task SettledAsync(Task task)
    {
        await Task.WhenAny(task).ConfigureAwait(false);
        _ = task.Exception;
    }

    private static async Task StartSidecarAndWaitAsync(IBottleBackend backend, LaunchContext launch, TimeSpan timeout, CancellationToken ct)
    {
        await backend.StartSidecarAsync(launch, ct).ConfigureAwait(false);
        await WaitSidecarReadyAsync(backend, launch, timeout, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the sidecar writes its ready file; fails as soon as the backend says it is not running, or after
    /// <paramref name="timeout"/>. The file's appearance (the sidecar renames it into place in the state folder) is
    /// watched for (inotify, FSEvents, ReadDirectoryChangesW); the backend is asked whether the sidecar still runs once
    /// a second, which also catches an event the watcher missed (every 50 ms when the folder cannot be watched).
    /// </summary>
    /// <exception cref="BotBottleException"><c>SidecarFailed</c> with its status and its last output.</exception>
    private static async Task WaitSidecarReadyAsync(IBottleBackend backend, LaunchContext launch, TimeSpan timeout, CancellationToken ct)
    {
        var ready = launch.Bottle.PathOf(SidecarContract.ReadyFile);
        using var signal = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(ready)!, SidecarContract.ReadyFile);
        void Wake()
        {
            try
            {
                signal.Release();
            }
            catch (ObjectDisposedException)
            {
                // An event raised while the wait was ending.
            }
        }

        watcher.Created += (_, _) => Wake();
        watcher.Changed += (_, _) => Wake();
        watcher.Renamed += (_, _) => Wake();
        var poll = TimeSpan.FromSeconds(1);
        try
        {
            watcher.EnableRaisingEvents = true;
        }
        catch (IOException)
        {
            poll = TimeSpan.FromMilliseconds(50); // no watch available (e.g. the inotify instance limit): poll
        }

        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(ready))
        {
            var status = await backend.SidecarStatusAsync(launch, ct).ConfigureAwait(false);
            if (File.Exists(ready))
            {
                return;
            }

            if (status != "running" || DateTime.UtcNow > deadline)
            {
                var output = await backend.SidecarOutputAsync(launch, ct).ConfigureAwait(false);
                var what = status == "running" ? $"did not become ready within {timeout.TotalSeconds:0} s" : $"is not running ({status})";
                throw new BotBottleException("SidecarFailed", BotBottleErrorCategory.InvalidOperation,
                    $"The sidecar of bottle '{launch.Slug}' {what}. {output}".TrimEnd()) { TargetObject = launch.Slug };
            }

            await signal.WaitAsync(poll, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The host files the plan names (skills, a custom Dockerfile, the provider's skills folder) must be there.</summary>
    private static void CheckHostFiles(BottlePlan plan, BotBottleHome home, Func<string, string?> environment)
    {
        var missingSkills = plan.Bottle.Skills.Where(s => !Directory.Exists(s.HostPath)).Select(s => s.Name).ToList();
        if (missingSkills.Count > 0)
        {
            throw new BotBottleException("SkillNotFound", BotBottleErrorCategory.ObjectNotFound,
                $"Skill folder(s) missing on the host: {string.Join(", ", missingSkills)} (under {home.SkillsDirectory}). Nothing was started.") { TargetObject = plan.Slug };
        }

        _ = GuestProvisioner.SkillsDirectory(plan.Bottle.Provider, environment);
        if (plan.Bottle.Dockerfile is { } df && !File.Exists(df))
        {
            throw new BotBottleException("DockerfileNotFound", BotBottleErrorCategory.ObjectNotFound, $"The bottle's agent_provider.dockerfile {df} does not exist. Nothing was started.") { TargetObject = df };
        }
    }

    private static void Step(LaunchContext launch, LaunchTraits traits, LaunchStep step)
    {
        if (traits.StepNames.TryGetValue(step, out var name))
        {
            launch.Report(name, LaunchTraits.Percent(step));
        }
    }

    /// <summary>
    /// The files the sidecar reads from the state folder: the live routes (from the plan unless approvals made while
    /// the bottle was only prepared already wrote them), the proposal folders, and the upstream CA bundle; and which of
    /// them this launch wrote, so a rollback removes exactly those (and the ready file and guest staging).
    /// </summary>
    private sealed class StateFiles(BottleTarget bottle)
    {
        private readonly List<string> _written = [];

        /// <summary>Writes them; returns whether an upstream CA bundle was written.</summary>
        public bool Write(IReadOnlyList<string> upstreamCaFiles)
        {
            var routes = bottle.PathOf(SidecarContract.RoutesFile);
            if (!File.Exists(routes))
            {
                _written.Add(routes);
                StateStore.WriteAtomic(routes, Encoding.UTF8.GetBytes(RoutesFile.Serialize(bottle.Plan.Bottle.Egress)));
            }

            new Proposals.ProposalExchange(bottle.Directory).EnsureFolders();
            var upstreamPem = string.Concat(upstreamCaFiles.Select(File.ReadAllText));
            var upstream = bottle.PathOf(SidecarContract.UpstreamCaFile);
            if (upstreamPem.Length > 0)
            {
                _written.Add(upstream);
                StateStore.WriteAtomic(upstream, Encoding.ASCII.GetBytes(upstreamPem));
            }

            return upstreamPem.Length > 0;
        }

        public void Remove()
        {
            foreach (var file in _written.Append(bottle.PathOf(SidecarContract.ReadyFile)))
            {
                TryDelete(() => File.Delete(file));
            }

            var staging = bottle.PathOf(".staging");
            if (Directory.Exists(staging))
            {
                TryDelete(() => Directory.Delete(staging, recursive: true));
            }
        }

        private static void TryDelete(Action delete)
        {
            try
            {
                delete();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for Remove-Bottle, which deletes the whole state folder.
            }
        }
    }
}
