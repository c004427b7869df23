using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using BotBottle.Backends;
using BotBottle.Configuration;
using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Operations;
using BotBottle.Planning;
using BotBottle.Processes;

namespace BotBottle.Instances;

/// <summary>Options for starting a bottle.</summary>
public sealed record StartOptions
{
    /// <summary>Backend for a bottle that has never started (overrides the plan and <c>BOT_BOTTLE_BACKEND</c>).</summary>
    public string? Backend { get; init; }

    /// <summary>Extra PEM CA files the sidecar trusts for upstream TLS, for this bottle only.</summary>
    public IReadOnlyList<string> UpstreamCaFiles { get; init; } = [];

    /// <summary>
    /// Extra name → address entries for the sidecar's resolver (the operator's internal hosts; <c>host-gateway</c>
    /// means the engine host). Egress policy still applies: such hosts need a route, and private addresses need
    /// <c>allow_private</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> HostAliases { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the sidecar waits for the operator on a proposal before it expires; null: 10 minutes.</summary>
    public TimeSpan? ProposalTimeout { get; init; }

    /// <summary>
    /// Checks the options before anything is prepared or created: every <see cref="UpstreamCaFiles"/> entry must be a
    /// readable file holding at least one PEM certificate (RFC 7468 <c>-----BEGIN CERTIFICATE-----</c>) that parses.
    /// </summary>
    /// <exception cref="BotBottleException">
    /// <c>UpstreamCaNotFound</c> (ObjectNotFound): the file does not exist or cannot be read;
    /// <c>UpstreamCaInvalid</c> (InvalidArgument): it holds no PEM certificate, or one that does not parse.
    /// </exception>
    public void Validate()
    {
        foreach (var file in UpstreamCaFiles)
        {
            string pem;
            try
            {
                pem = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new BotBottleException("UpstreamCaNotFound", BotBottleErrorCategory.ObjectNotFound,
                    $"The upstream CA file '{file}' cannot be read ({ex.Message}). Give the path of a PEM file with the CA certificate(s) the sidecar should trust for upstream TLS.")
                { TargetObject = file };
            }

            var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            try
            {
                certificates.ImportFromPem(pem);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new BotBottleException("UpstreamCaInvalid", BotBottleErrorCategory.InvalidArgument,
                    $"The upstream CA file '{file}' holds a certificate that does not parse ({ex.Message}). It must be PEM: one or more '-----BEGIN CERTIFICATE-----' blocks.")
                { TargetObject = file };
            }

            if (certificates.Count == 0)
            {
                throw new BotBottleException("UpstreamCaInvalid", BotBottleErrorCategory.InvalidArgument,
                    $"The upstream CA file '{file}' holds no PEM certificate. It must contain one or more '-----BEGIN CERTIFICATE-----' blocks (DER files: convert with 'openssl x509 -inform der -in FILE -out FILE.pem').")
                { TargetObject = file };
            }
        }
    }
}

/// <summary>The outcome of a command run in a bottle.</summary>
/// <param name="Name">The bottle.</param>
/// <param name="Command">What ran.</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="StandardOutput">Everything it wrote to stdout.</param>
/// <param name="StandardError">Everything it wrote to stderr.</param>
/// <param name="Duration">How long it took.</param>
public sealed record BottleCommandResult(string Name, IReadOnlyList<string> Command, int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration)
{
    /// <summary><see langword="true"/> when <see cref="ExitCode"/> is 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <inheritdoc />
    public override string ToString() => $"{Name}: '{string.Join(' ', Command)}' exited {ExitCode}";
}

/// <summary>The outcome of a headless agent run.</summary>
/// <param name="Name">The bottle.</param>
/// <param name="ExitCode">The agent's exit code.</param>
/// <param name="TranscriptPath">Host path of the transcript (stdout and stderr, as they came).</param>
public sealed record HeadlessResult(string Name, int ExitCode, string TranscriptPath)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: agent exited {ExitCode}; transcript {TranscriptPath}";
}

/// <summary>How an agent session (interactive or headless) ended, and what became of its bottle (PRODUCT.md §4 step 5).</summary>
/// <param name="Name">The bottle.</param>
/// <param name="ExitCode">The agent's exit code.</param>
/// <param name="Removed">
/// <see langword="true"/>: the agent exited 0 and the bottle was torn down (containers or VMs, networks, volumes,
/// state folder). <see langword="false"/>: the agent failed and the bottle is kept, running, to be resumed, attached
/// to or removed — each face words those actions in its own commands.
/// </param>
public sealed record SessionOutcome(string Name, int ExitCode, bool Removed)
{
    /// <summary><see langword="true"/> when the agent exited 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <inheritdoc />
    public override string ToString() => Removed ? $"{Name}: agent exited 0; bottle removed" : $"{Name}: agent exited {ExitCode}; bottle kept";
}

/// <summary>
/// The lifecycle of bottle instances (PRODUCT.md §4): start (launch or resume), stop, remove, list, run commands,
/// attach, headless runs and orphan cleanup. Every action on an existing bottle goes to the backend recorded in its
/// metadata; an action that backend does not support fails before anything changes.
/// </summary>
public sealed class BottleService
{
    private readonly BottlePreparer _preparer;
    private readonly BackendRegistry _backends;
    private readonly Func<string, string?> _environment;

    /// <summary>Creates the service.</summary>
    public BottleService(BotBottleHome home, BottlePreparer preparer, BackendRegistry backends, Func<string, string?>? environment = null)
    {
        Store = new InstanceStore(home ?? throw new ArgumentNullException(nameof(home)));
        _preparer = preparer ?? throw new ArgumentNullException(nameof(preparer));
        _backends = backends ?? throw new ArgumentNullException(nameof(backends));
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The state folders.</summary>
    public InstanceStore Store { get; }

    /// <summary>The backends.</summary>
    public BackendRegistry Backends => _backends;

    /// <summary>
    /// Prepares a bottle from an agent and starts it (<c>bot-bottle start</c>): chooses the backend, resolves the
    /// manifests once, asks <paramref name="secrets"/> while preparing, and starts.
    /// </summary>
    /// <exception cref="BotBottleException">As <see cref="BottlePreparer.PrepareAsync(PrepareRequest, ISecretSource?, bool, CancellationToken)"/> and <see cref="StartAsync"/>.</exception>
    public async Task<Bottle> PrepareAndStartAsync(PrepareRequest request, ISecretSource secrets, StartOptions options, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // Choose the backend before anything is written: an unavailable backend leaves no state behind. The manifests
        // are read while the backend answers (the backend does not change what they say, ResolvedRequest.WithBackend);
        // an unavailable backend is still the error reported when both fail, as when they ran one after the other.
        var choosing = _backends.ChooseAsync(options.Backend ?? request.Backend, cancellationToken);
        ResolvedRequest resolved;
        try
        {
            resolved = _preparer.Resolve(request);
        }
        catch
        {
            await choosing.ConfigureAwait(false);
            throw;
        }

        var backend = await choosing.ConfigureAwait(false);
        return await PrepareAndStartOnAsync(backend, resolved.WithBackend(backend.Name), secrets, options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Prepares a bottle from a request the caller already resolved (<see cref="BottlePreparer.Resolve"/>, to prompt
    /// for its secrets first: <c>Start-Bottle -Agent</c>) and starts it; the manifests are not read again.
    /// </summary>
    /// <exception cref="BotBottleException">As <see cref="BottlePreparer.PrepareAsync(ResolvedRequest, ISecretSource?, bool, CancellationToken)"/> and <see cref="StartAsync"/>.</exception>
    public async Task<Bottle> PrepareAndStartAsync(ResolvedRequest request, ISecretSource secrets, StartOptions options, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var backend = await _backends.ChooseAsync(options.Backend ?? request.Request.Backend, cancellationToken).ConfigureAwait(false);
        return await PrepareAndStartOnAsync(backend, request.WithBackend(backend.Name), secrets, options, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Bottle> PrepareAndStartOnAsync(IBottleBackend backend, ResolvedRequest request, ISecretSource secrets, StartOptions options, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        var prepared = await _preparer.PrepareAsync(request, secrets, dryRun: false, cancellationToken).ConfigureAwait(false);
        var known = new PreparedSecretSource(prepared.Secrets, secrets);
        return await StartAsync(prepared.Bottle.Name, known, options with { Backend = backend.Name }, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a prepared or failed bottle (launch), or resumes a stopped one. A running bottle is returned as is.
    /// On failure the bottle is left <see cref="BottleState.Failed"/> with the reason, and nothing the attempt
    /// created is left on the backend.
    /// </summary>
    /// <exception cref="BotBottleException"><c>BottleNotFound</c>, <c>BackendUnavailable</c>, <c>SecretMissing</c>, <c>ActionNotSupported</c>, <c>UpstreamCaNotFound</c> / <c>UpstreamCaInvalid</c> (<see cref="StartOptions.Validate"/>, before anything changes), and the backend's own errors.</exception>
    public async Task<Bottle> StartAsync(string name, ISecretSource secrets, StartOptions options, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var instance = Store.Load(name);
        switch (instance.Metadata.State)
        {
            case BottleState.Running:
            case BottleState.Stopped:
            case BottleState.Starting when instance.Metadata.Backend is not null:
                var owner = For(instance);
                var status = await owner.InspectAsync(instance.Target, cancellationToken).ConfigureAwait(false);
                if (status.State == BottleState.Running)
                {
                    return Decorate(InstanceStore.Update(instance, m => m with { State = BottleState.Running }), status);
                }

                if (status.State == BottleState.Stopped)
                {
                    BackendRegistry.Require(owner, BackendCapabilities.StopResume, "resume", instance.Slug);
                    // The runtime facts as they are now (e.g. a sidecar address that changed on restart).
                    var facts = await LaunchPipeline.ResumeAsync(owner, instance.Target, progress, cancellationToken).ConfigureAwait(false);
                    var resumed = InstanceStore.Update(instance, m => m with { State = BottleState.Running, StartedAt = DateTimeOffset.UtcNow, Error = null, Runtime = facts });
                    return Decorate(resumed, await owner.InspectAsync(resumed.Target, cancellationToken).ConfigureAwait(false));
                }

                // Broken (objects missing or half dead): clear what is left, then launch afresh.
                await owner.RemoveAsync(instance.Target, cancellationToken).ConfigureAwait(false);
                return await LaunchAsync(instance, owner, secrets, options, progress, cancellationToken).ConfigureAwait(false);
            default:
                var backend = instance.Metadata.Backend is { } recorded && options.Backend is null
                    ? _backends.Get(recorded)
                    : await _backends.ChooseAsync(options.Backend ?? instance.Plan.Backend, cancellationToken).ConfigureAwait(false);
                if (instance.Metadata.State is BottleState.Failed or BottleState.Starting && instance.Metadata.Backend is { } previous)
                {
                    await _backends.Get(previous).RemoveAsync(instance.Target, cancellationToken).ConfigureAwait(false);
                }

                return await LaunchAsync(instance, backend, secrets, options, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Bottle> LaunchAsync(InstanceRecord instance, IBottleBackend backend, ISecretSource secrets, StartOptions options, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        var sidecarSecrets = await SidecarSecrets.ResolveAsync(instance.Plan, secrets, _environment, cancellationToken).ConfigureAwait(false);
        instance = InstanceStore.Update(instance, m => m with { State = BottleState.Starting, Backend = backend.Name, Error = null });
        try
        {
            var request = new LaunchRequest { Bottle = instance.Target, SidecarSecrets = sidecarSecrets, UpstreamCaFiles = options.UpstreamCaFiles, HostAliases = options.HostAliases, ProposalTimeout = options.ProposalTimeout };
            var runtime = await LaunchPipeline.LaunchAsync(backend, request, Store.Home, _environment, progress, cancellationToken).ConfigureAwait(false);
            instance = InstanceStore.Update(instance, m => m with
            {
                State = BottleState.Running,
                StartedAt = DateTimeOffset.UtcNow,
                Runtime = runtime,
            });
            return Decorate(instance, await backend.InspectAsync(instance.Target, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            var reason = ex is OperationCanceledException ? "start was cancelled" : ex.Message;
            InstanceStore.Update(instance, m => m with { State = BottleState.Failed, Error = reason });
            throw;
        }
    }

    /// <summary>Bottles whose name matches <paramref name="pattern"/> (wildcards <c>*</c> and <c>?</c>; null: all), with live state from their backends.</summary>
    public async Task<IReadOnlyList<Bottle>> ListAsync(string? pattern, CancellationToken cancellationToken)
    {
        var regex = pattern is null ? null : ManifestNames.Wildcard(pattern);
        var result = new List<Bottle>();
        foreach (var slug in Store.Slugs())
        {
            if (regex is not null && !regex.IsMatch(slug))
            {
                continue;
            }

            var instance = Store.TryLoad(slug);
            if (instance is null)
            {
                continue;
            }

            result.Add(await GetLiveAsync(instance, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>One bottle with live state.</summary>
    /// <exception cref="BotBottleException"><c>BottleNotFound</c>.</exception>
    public Task<Bottle> GetAsync(string name, CancellationToken cancellationToken) => GetLiveAsync(Store.Load(name), cancellationToken);

    private async Task<Bottle> GetLiveAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        if (instance.Metadata.Backend is null || instance.Metadata.State == BottleState.Prepared)
        {
            return instance.ToBottle();
        }

        try
        {
            var status = await For(instance).InspectAsync(instance.Target, cancellationToken).ConfigureAwait(false);
            return Decorate(instance, status);
        }
        catch (BotBottleException ex)
        {
            return instance.ToBottle() with { Error = $"{instance.Metadata.Backend} backend unreachable: {ex.Message}" };
        }
    }

    /// <summary>
    /// Polls the bottle (every 500 ms) until it is Running with every service <c>running</c>, and returns it.
    /// </summary>
    /// <param name="name">The bottle (slug).</param>
    /// <param name="timeout">How long to wait (Start-Bottle -Wait uses 2 minutes).</param>
    /// <param name="cancellationToken">Stops the wait (Ctrl+C).</param>
    /// <exception cref="BotBottleException"><c>BottleNotFound</c>; <c>BottleNotHealthy</c> (OperationTimeout) with the last state seen.</exception>
    public async Task<Bottle> WaitHealthyAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var b = await GetAsync(name, cancellationToken).ConfigureAwait(false);
            if (b.State == BottleState.Running && b.Services.Values.All(v => v == "running"))
            {
                return b;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new BotBottleException("BottleNotHealthy", BotBottleErrorCategory.OperationTimeout,
                    $"Bottle '{b.Name}' did not become healthy within {timeout.TotalSeconds:0} s: {b.Error ?? string.Join(", ", b.Services.Select(kv => $"{kv.Key} {kv.Value}"))}.") { TargetObject = b.Name };
            }

            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops a running bottle; its state is kept and <see cref="StartAsync"/> resumes it.</summary>
    /// <exception cref="BotBottleException"><c>BottleNotFound</c>, <c>ActionNotSupported</c>, <c>BottleNotRunning</c> (never started).</exception>
    public async Task<Bottle> StopAsync(string name, CancellationToken cancellationToken)
    {
        var instance = Store.Load(name);
        if (instance.Metadata.Backend is null)
        {
            throw new BotBottleException("BottleNotRunning", BotBottleErrorCategory.InvalidOperation, $"Bottle '{instance.Slug}' has never started; there is nothing to stop.") { TargetObject = instance.Slug };
        }

        var backend = For(instance);
        BackendRegistry.Require(backend, BackendCapabilities.StopResume, "stop", instance.Slug);
        await backend.StopAsync(instance.Target, cancellationToken).ConfigureAwait(false);
        instance = InstanceStore.Update(instance, m => m with { State = BottleState.Stopped });
        return Decorate(instance, await backend.InspectAsync(instance.Target, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Tears a bottle down completely: every container, VM, network and volume on its backend, then its state
    /// folder. A running bottle needs <paramref name="force"/>.
    /// </summary>
    /// <exception cref="BotBottleException"><c>BottleNotFound</c>; <c>BottleRunning</c> without <paramref name="force"/>.</exception>
    public async Task RemoveAsync(string name, bool force, CancellationToken cancellationToken)
    {
        var instance = Store.TryLoad(name);
        if (instance is null)
        {
            if (!Directory.Exists(Store.Home.InstanceDirectory(name)))
            {
                Store.Load(name); // throws BottleNotFound
            }

            // An unreadable state folder: nothing to tell a backend; remove the folder.
            Store.Delete(name);
            return;
        }

        if (instance.Metadata.Backend is { } backendName)
        {
            var backend = _backends.Get(backendName);
            var status = await backend.InspectAsync(instance.Target, cancellationToken).ConfigureAwait(false);
            if (status.State == BottleState.Running && !force)
            {
                throw new BotBottleException("BottleRunning", BotBottleErrorCategory.InvalidOperation,
                    $"Bottle '{instance.Slug}' is running. Stop it first, or remove it with force.") { TargetObject = instance.Slug, Recommended = RecommendedAction.ForceRemove(instance.Slug) };
            }

            await backend.RemoveAsync(instance.Target, cancellationToken).ConfigureAwait(false);
        }

        Store.Delete(instance.Slug);
    }

    /// <summary>Runs a command in a running bottle as the agent user, streaming its output lines.</summary>
    /// <exception cref="BotBottleException"><c>BottleNotFound</c>, <c>BottleNotRunning</c>, <c>ActionNotSupported</c>.</exception>
    public async Task<BottleCommandResult> ExecAsync(string name, BottleExecRequest request, Action<ProcessOutputLine>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Command.Count == 0)
        {
            throw new BotBottleException("CommandRequired", BotBottleErrorCategory.InvalidArgument, "Give the command to run, e.g. -Command git, status.");
        }

        var (instance, backend) = await RunningAsync(name, BackendCapabilities.Exec, "running commands", cancellationToken).ConfigureAwait(false);
        var sw = Stopwatch.StartNew();
        var r = await backend.ExecAsync(instance.Target, request, output, cancellationToken).ConfigureAwait(false);
        return new BottleCommandResult(instance.Slug, request.Command, r.ExitCode, r.StandardOutput, r.StandardError, sw.Elapsed);
    }

    /// <summary>Attaches this terminal to the agent (its interactive command) or, with <paramref name="shell"/>, to a login shell.</summary>
    public Task<int> EnterAsync(string name, bool shell, CancellationToken cancellationToken) =>
        AttachAsync(name, shell ? ["bash", "-l"] : null, cancellationToken);

    /// <summary>
    /// Attaches this terminal (a TTY) to a running bottle: <paramref name="command"/> as the agent user in
    /// <c>/workspace</c>, or the agent's interactive command when it is <see langword="null"/> or empty. Returns its exit code.
    /// </summary>
    /// <exception cref="BotBottleException"><c>BottleNotFound</c>, <c>BottleNotRunning</c>, <c>ActionNotSupported</c>.</exception>
    public async Task<int> AttachAsync(string name, IReadOnlyList<string>? command, CancellationToken cancellationToken)
    {
        var (instance, backend) = await RunningAsync(name, BackendCapabilities.Interactive, "interactive sessions", cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> argv = command is { Count: > 0 } ? command : instance.Plan.Bottle.Provider.InteractiveCommand;
        return await backend.AttachAsync(instance.Target, argv, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the agent headless with <paramref name="prompt"/>, writing a transcript into the state folder.</summary>
    public async Task<HeadlessResult> RunHeadlessAsync(string name, string prompt, Action<ProcessOutputLine>? output, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(prompt);
        var (instance, backend) = await RunningAsync(name, BackendCapabilities.Headless, "headless runs", cancellationToken).ConfigureAwait(false);
        var command = instance.Plan.Bottle.Provider.HeadlessCommand.Select(a => a.Replace(ProviderDefinition.PromptPlaceholder, prompt, StringComparison.Ordinal)).ToList();
        var transcripts = instance.PathOf("transcripts");
        Directory.CreateDirectory(transcripts);
        var path = Path.Combine(transcripts, $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.log");
        await using var file = new StreamWriter(path, append: false, Encoding.UTF8) { AutoFlush = true };
        var gate = new object();
        var r = await backend.ExecAsync(instance.Target, new BottleExecRequest { Command = command }, line =>
        {
            lock (gate)
            {
                file.WriteLine(line.Text);
            }

            output?.Invoke(line);
        }, cancellationToken).ConfigureAwait(false);
        return new HeadlessResult(instance.Slug, r.ExitCode, path);
    }

    /// <summary>
    /// Ends an agent session the way the original product does: an agent that exited 0 has finished its task, so its
    /// bottle is torn down completely (<see cref="RemoveAsync"/> with force); one that failed keeps its bottle running
    /// so the operator can look inside, resume the session or remove it.
    /// </summary>
    /// <param name="name">The bottle (slug).</param>
    /// <param name="exitCode">The agent's exit code (from <see cref="RunHeadlessAsync"/> or <see cref="EnterAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the teardown.</param>
    /// <exception cref="BotBottleException"><c>BottleNotFound</c>, and the backend's errors while tearing down.</exception>
    public async Task<SessionOutcome> EndSessionAsync(string name, int exitCode, CancellationToken cancellationToken)
    {
        var instance = Store.Load(name);
        if (exitCode != 0)
        {
            return new SessionOutcome(instance.Slug, exitCode, Removed: false);
        }

        await RemoveAsync(instance.Slug, force: true, cancellationToken).ConfigureAwait(false);
        return new SessionOutcome(instance.Slug, exitCode, Removed: true);
    }

    /// <summary>Everything BotBottle left behind with no partner: backend objects of unknown bottles, and state folders whose bottle is gone from its backend.</summary>
    public async Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(CancellationToken cancellationToken)
    {
        var known = Store.Slugs().ToHashSet(StringComparer.Ordinal);
        var result = new List<OrphanResource>();
        foreach (var backend in _backends.Ordered)
        {
            var readiness = await backend.CheckAsync(cancellationToken).ConfigureAwait(false);
            if (readiness.Ready)
            {
                result.AddRange(await backend.FindOrphansAsync(known, cancellationToken).ConfigureAwait(false));
            }
        }

        foreach (var slug in known)
        {
            var instance = Store.TryLoad(slug);
            if (instance?.Metadata.Backend is not { } b || instance.Metadata.State is BottleState.Prepared)
            {
                continue;
            }

            try
            {
                var status = await _backends.Get(b).InspectAsync(instance.Target, cancellationToken).ConfigureAwait(false);
                if (status.Services.Values.All(v => v == "missing"))
                {
                    result.Add(new OrphanResource(b, "state", instance.Directory, slug, slug));
                }
            }
            catch (BotBottleException)
            {
                // Backend unreachable: not provably an orphan.
            }
        }

        return result;
    }

    /// <summary>Removes one orphan found by <see cref="FindOrphansAsync"/>.</summary>
    public async Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orphan);
        if (orphan.Kind == "state")
        {
            Store.Delete(orphan.Name);
            return;
        }

        await _backends.Get(orphan.Backend).RemoveOrphanAsync(orphan, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(InstanceRecord Instance, IBottleBackend Backend)> RunningAsync(string name, BackendCapabilities needed, string action, CancellationToken cancellationToken)
    {
        var instance = Store.Load(name);
        if (instance.Metadata.Backend is null)
        {
            throw new BotBottleException("BottleNotRunning", BotBottleErrorCategory.InvalidOperation, $"Bottle '{instance.Slug}' has not been started; start it.") { TargetObject = instance.Slug, Recommended = RecommendedAction.Start(instance.Slug) };
        }

        var backend = For(instance);
        BackendRegistry.Require(backend, needed, action, instance.Slug);
        var status = await backend.InspectAsync(instance.Target, cancellationToken).ConfigureAwait(false);
        if (status.State != BottleState.Running)
        {
            throw new BotBottleException("BottleNotRunning", BotBottleErrorCategory.InvalidOperation,
                $"Bottle '{instance.Slug}' is {status.State.ToString().ToLowerInvariant()}{(status.Detail is null ? string.Empty : $" ({status.Detail})")}; start it.") { TargetObject = instance.Slug, Recommended = RecommendedAction.Start(instance.Slug) };
        }

        return (instance, backend);
    }

    /// <summary>The backend that owns <paramref name="instance"/> (from its metadata).</summary>
    /// <exception cref="BotBottleException"><c>BackendNotRecorded</c> when the bottle never started.</exception>
    private IBottleBackend For(InstanceRecord instance) =>
        instance.Metadata.Backend is { } name ? _backends.Get(name)
            : throw new BotBottleException("BackendNotRecorded", BotBottleErrorCategory.InvalidOperation,
                $"Bottle '{instance.Slug}' has not been started on any backend yet.") { TargetObject = instance.Slug, Recommended = RecommendedAction.Start(instance.Slug) };

    /// <remarks>A bottle recorded as Failed keeps its recorded reason first: what the backend sees now (containers
    /// gone) is the consequence, the reason is why.</remarks>
    private static Bottle Decorate(InstanceRecord instance, RuntimeStatus status) =>
        instance.ToBottle() with
        {
            State = status.State,
            Services = status.Services,
            Error = instance.Metadata is { State: BottleState.Failed, Error: { } reason } ? reason : status.Detail ?? instance.Metadata.Error,
        };

    /// <summary>Secrets gathered at prepare time first, then the caller's source.</summary>
    private sealed class PreparedSecretSource(SecretSet prepared, ISecretSource fallback) : ISecretSource
    {
        public ValueTask<SecretValue?> GetSecretAsync(SecretRequest request, CancellationToken cancellationToken) =>
            prepared.TryGet(request.Name, out var v) ? ValueTask.FromResult<SecretValue?>(v) : fallback.GetSecretAsync(request, cancellationToken);
    }
}
