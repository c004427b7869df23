using System.Collections;
using System.Collections.Immutable;
using System.Management.Automation;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Planning;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Launches a bottle (or resumes a stopped one) and returns it once it is ready.</para>
/// <para type="description">Builds or reuses the images, creates the bottle's networks, starts the sidecar and then the agent, and provisions the agent (CA, prompt, skills, git, MCP). Takes prepared bottles from New-Bottle or Get-Bottle, names, or -Agent to prepare and start at once. With -Prompt it runs the agent headless and outputs its result; an agent that exits 0 has finished, and its bottle is removed, while one that fails keeps its bottle (running) and reports AgentFailed.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "Bottle", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
[OutputType(typeof(Bottle), typeof(HeadlessResult))]
public sealed class StartBottleCommand : BottleTargetCmdlet
{
    private const string ByAgent = "ByAgent";

    /// <summary>Prepare a new bottle from this agent and start it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByAgent, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AgentNameCompleter))]
    public string Agent { get; set; } = string.Empty;

    /// <summary>With -Agent: bottles to run it in (they replace the agent's own).</summary>
    [Parameter(ParameterSetName = ByAgent)]
    [ArgumentCompleter(typeof(BottleNameCompleter))]
#pragma warning disable CA1819 // PowerShell binds arrays.
    public string[]? Bottle { get; set; }

    /// <summary>With -Agent: the label to use as the slug.</summary>
    [Parameter(ParameterSetName = ByAgent)]
    [ValidateNotNullOrEmpty]
    public string? Label { get; set; }

    /// <summary>With -Agent: the project folder, copied into the bottle's /workspace owned by the agent user (the CLI's --cwd); without it agents come from the current location and the workspace starts empty.</summary>
    [Parameter(ParameterSetName = ByAgent)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The backend for a bottle that has never started (default: the plan's, BOT_BOTTLE_BACKEND, else the best available).</summary>
    [Parameter]
    [ValidateSet(typeof(BackendNameValues))]
    public string? Backend { get; set; }

    /// <summary>Secret env values by name (SecureString or string); missing ones are asked for without echo.</summary>
    [Parameter]
    public Hashtable? Secret { get; set; }

    /// <summary>Extra PEM CA files the sidecar trusts for upstream TLS, for this bottle only (a private upstream).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? UpstreamCa { get; set; }
#pragma warning restore CA1819

    /// <summary>Extra host entries for the sidecar's resolver: @{ 'git.corp.example' = '10.1.2.3'; 'upstream.test' = 'host-gateway' }.</summary>
    [Parameter]
    public Hashtable? HostAlias { get; set; }

    /// <summary>Run the agent headless with this task and output the result (exit code, transcript path).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Prompt { get; set; }

    /// <summary>Wait until every service of the bottle reports running before returning.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>
    /// Return the bottle as soon as it is ready, without running the agent: what Start-Bottle does without -Prompt,
    /// stated explicitly (the CLI's <c>start --detach</c>). The agent session is joined with Enter-Bottle. Cannot be
    /// combined with -Prompt.
    /// </summary>
    [Parameter]
    public SwitchParameter Detach { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Detach && Prompt is not null)
        {
            ThrowBotBottleError(new BotBottleException("InvalidRequest", BotBottleErrorCategory.InvalidArgument,
                "-Detach returns without running the agent and -Prompt runs it headless: use one of them."), Prompt);
        }

        var services = GetServices(Path);
        StartOptions options;
        Dictionary<string, SecretValue> given;
        try
        {
            options = new StartOptions
            {
                Backend = Backend,
                UpstreamCaFiles = [.. (UpstreamCa ?? []).Select(p => GetUnresolvedProviderPathFromPSPath(p))],
                HostAliases = HostAlias is null ? new Dictionary<string, string>() : HostAlias.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? string.Empty, StringComparer.OrdinalIgnoreCase),
            };
            given = ConvertSecrets(Secret);
        }
        catch (BotBottleException ex)
        {
            WriteBotBottleError(ex, Agent);
            return;
        }

        if (ParameterSetName == ByAgent)
        {
            if (!ShouldProcess($"a new bottle for agent {Agent}", "Prepare and start"))
            {
                return;
            }

            // The manifests are resolved once: the prompt and the plan come from the same files.
            ResolvedRequest resolved;
            try
            {
                resolved = services.Preparer.Resolve(new PrepareRequest
                {
                    Agent = Agent,
                    Bottles = (Bottle ?? []).Where(b => !string.IsNullOrEmpty(b)).ToImmutableArray(),
                    Backend = Backend,
                    Label = Label,
                    WorkspaceCopy = string.IsNullOrEmpty(Path) ? null : services.Catalog.ProjectDirectory,
                });
            }
            catch (BotBottleException ex)
            {
                WriteBotBottleError(ex, Agent);
                return;
            }

            PromptForMissing(services, given, () => resolved.RequiredSecrets.Select(e => (e.Name, e.Text)));
            Start(Agent, (progress, ct) => services.Bottles.PrepareAndStartAsync(resolved, new DictionarySecretSource(given), options, progress, ct), services);
            return;
        }

        foreach (var name in Targets)
        {
            if (!ShouldProcess(name, "Start bottle"))
            {
                continue;
            }

            // What New-Bottle resolved for this very instance in this session is not asked again.
            var forTarget = new Dictionary<string, SecretValue>(given, StringComparer.Ordinal);
            var keptNames = new HashSet<string>(StringComparer.Ordinal);
            PromptForMissing(services, forTarget, () =>
            {
                var record = services.Bottles.Store.Load(name);
                if (record.Metadata.State is BottleState.Stopped or BottleState.Running)
                {
                    return [];
                }

                foreach (var kept in PreparedSecrets.For(services.Home, name, record.Metadata.CreatedAt))
                {
                    if (forTarget.TryAdd(kept.Key, kept.Value))
                    {
                        keptNames.Add(kept.Key);
                    }
                }

                return record.Plan.Bottle.Env.Where(e => e.Kind == Manifest.EnvValueKind.Secret).Select(e => (e.Name, e.Prompt ?? string.Empty));
            });
            // An answer typed for one bottle serves the next one in the pipeline too (as before).
            foreach (var answered in forTarget.Where(f => !keptNames.Contains(f.Key)))
            {
                given[answered.Key] = answered.Value;
            }

            if (Start(name, (progress, ct) => services.Bottles.StartAsync(name, new DictionarySecretSource(forTarget), options, progress, ct), services))
            {
                PreparedSecrets.Forget(services.Home, name);
            }
        }
    }

    /// <returns><see langword="true"/> when the bottle started (whatever the agent run that follows did).</returns>
    private bool Start(string target, Func<IProgress<Operations.OperationProgress>, CancellationToken, Task<Bottle>> start, BotBottleServices services)
    {
        var started = false;
        try
        {
            var bottle = Run((sink, ct) => start(sink, ct));
            started = true;
            if (Wait)
            {
                bottle = Run((_, ct) => services.Bottles.WaitHealthyAsync(bottle.Name, TimeSpan.FromMinutes(2), ct));
            }

            if (Prompt is { } task)
            {
                var result = Run((sink, ct) => services.Bottles.RunHeadlessAsync(bottle.Name, task, line => sink.Output(line.Text), ct));
                WriteObject(result);

                // End of session: exit 0 removes the bottle; a failure keeps it for the operator.
                var outcome = Run((_, ct) => services.Bottles.EndSessionAsync(bottle.Name, result.ExitCode, ct));
                if (outcome.Removed)
                {
                    WriteVerbose($"The agent exited 0; bottle '{bottle.Name}' was removed.");
                }
                else
                {
                    WriteBotBottleError(new BotBottleException("AgentFailed", BotBottleErrorCategory.InvalidOperation,
                        $"The agent in '{bottle.Name}' exited {result.ExitCode}; the bottle is kept, running (transcript: {result.TranscriptPath}). Run the agent again with Start-Bottle {bottle.Name} -Prompt '<task>', join it with Enter-Bottle {bottle.Name} (-Shell for a shell), remove it with Remove-Bottle {bottle.Name} -Force.") { TargetObject = bottle.Name }, bottle);
                }

                return started;
            }

            WriteObject(bottle);
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
        {
            WriteBotBottleError(ex, target);
        }

        return started;
    }

    private void PromptForMissing(BotBottleServices services, Dictionary<string, SecretValue> given, Func<IEnumerable<(string Name, string Prompt)>> needed)
    {
        IEnumerable<(string Name, string Prompt)> list;
        try
        {
            list = needed().ToList();
        }
        catch (BotBottleException)
        {
            return; // the start itself reports the problem with its proper error id
        }

        foreach (var (name, prompt) in list.Where(n => !given.ContainsKey(n.Name)))
        {
            var fromEnv = new EnvironmentSecretSource(services.Environment).GetSecretAsync(new SecretRequest(name, prompt, Agent), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if ((fromEnv ?? PromptForSecret(new SecretRequest(name, prompt, Agent.Length > 0 ? Agent : "bottle"))) is { } value)
            {
                given[name] = value;
            }
        }
    }
}
