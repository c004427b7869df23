using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BotBottle.Egress;
using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Serialization;

namespace BotBottle.Instances;

/// <summary>What to prepare (<c>New-Bottle</c> / <c>bot-bottle start --dry-run</c>).</summary>
public sealed record PrepareRequest
{
    /// <summary>Agent name.</summary>
    public required string Agent { get; init; }

    /// <summary>Bottles replacing the agent's own (required for a portable agent); empty to use the agent's.</summary>
    public ImmutableArray<string> Bottles { get; init; } = [];

    /// <summary>Requested backend (<see cref="BottlePreparer.Backends"/>), or <see langword="null"/> to choose at start.</summary>
    public string? Backend { get; init; }

    /// <summary>Operator label used as the slug, or <see langword="null"/> to mint one.</summary>
    public string? Label { get; init; }

    /// <summary>
    /// A host folder copied into the bottle's <c>/workspace</c> (owned by the agent user) when it first starts
    /// (<c>--cwd</c>, <c>-Path</c>); <see langword="null"/>: the workspace starts empty and work arrives through the
    /// git gate. Nothing of the host is ever mounted writable. A folder that contains the BotBottle home or lies inside
    /// it is refused.
    /// </summary>
    public string? WorkspaceCopy { get; init; }

    /// <inheritdoc />
    public override string ToString() => Label is null ? Agent : $"{Agent} ({Label})";
}

/// <summary>The result of preparing: the instance, its plan, and the secrets resolved for it (in memory only).</summary>
public sealed class PreparedBottle
{
    internal PreparedBottle(Bottle bottle, BottlePlan plan, SecretSet secrets, ImmutableArray<string> warnings, bool dryRun)
    {
        Bottle = bottle;
        Plan = plan;
        Secrets = secrets;
        Warnings = warnings;
        DryRun = dryRun;
    }

    /// <summary>The instance, state <see cref="BottleState.Prepared"/>, with its plan.</summary>
    public Bottle Bottle { get; }

    /// <summary>The plan (no secret values).</summary>
    public BottlePlan Plan { get; }

    /// <summary>Resolved secrets, for a launch in the same process. Never serialized.</summary>
    public SecretSet Secrets { get; }

    /// <summary>Warnings for the operator (ignored project bottles, shadowed agents, unset host token variables).</summary>
    public ImmutableArray<string> Warnings { get; }

    /// <summary><see langword="true"/> when nothing was written.</summary>
    public bool DryRun { get; }

    /// <inheritdoc />
    public override string ToString() => Bottle.Name;
}

/// <summary>
/// A <see cref="PrepareRequest"/> whose manifests are resolved (<see cref="BottlePreparer.Resolve"/>): the agent, its
/// effective bottle and the secrets it needs. A face prompts for <see cref="RequiredSecrets"/> and then prepares from
/// this, so the manifests are read once per start and the prompt and the plan come from the same files.
/// </summary>
public sealed class ResolvedRequest
{
    internal ResolvedRequest(PrepareRequest request, ResolvedAgent manifests)
    {
        Request = request;
        Manifests = manifests;
    }

    /// <summary>The request as checked (backend and label valid).</summary>
    public PrepareRequest Request { get; }

    /// <summary>The agent, its effective bottle and the warnings of resolving them.</summary>
    public ResolvedAgent Manifests { get; }

    /// <summary>The bottle's secret env entries (name, prompt text): what a face asks for before preparing.</summary>
    public ImmutableArray<EnvEntry> RequiredSecrets => Manifests.RequiredSecrets;

    /// <summary>The same resolution for another backend (the backend does not change what the manifests say).</summary>
    internal ResolvedRequest WithBackend(string backend) => new(Request with { Backend = backend }, Manifests);
}

/// <summary>
/// Prepares bottle instances (PRODUCT.md §4.1): loads the agent and its effective bottle, resolves <c>env</c>
/// (literals as written, <c>${HOST}</c> from the host environment, secrets from an <see cref="ISecretSource"/>),
/// mints the slug, and writes <c>plan.json</c> and <c>metadata.json</c> to <c>&lt;home&gt;/state/&lt;slug&gt;/</c>.
/// Nothing runs. Secrets never reach the plan, a file, a message or an exception.
/// </summary>
public sealed class BottlePreparer
{
    /// <summary>Backend names a request may ask for (PRODUCT.md §5).</summary>
    public static readonly ImmutableArray<string> Backends = ["docker", "smolmachines", "macos-container"];

    private const int MintAttempts = 16;
    private readonly ManifestCatalog _catalog;
    private readonly Func<string, string?> _environment;
    private readonly TimeProvider _time;

    /// <summary>Creates a preparer.</summary>
    /// <param name="catalog">Where agents and bottles come from (its project folder is the instance's project).</param>
    /// <param name="environment">Reads host environment variables (default: the process environment).</param>
    /// <param name="time">Clock for <c>createdAt</c> (default: system).</param>
    public BottlePreparer(ManifestCatalog catalog, Func<string, string?>? environment = null, TimeProvider? time = null)
    {
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The catalog this preparer loads from.</summary>
    public ManifestCatalog Catalog => _catalog;

    /// <summary>
    /// Checks the request and loads the agent and effective bottle without resolving env values or secrets, so a
    /// caller can learn which secrets it must supply (<see cref="ResolvedRequest.RequiredSecrets"/>) and then prepare
    /// from the result (<see cref="PrepareAsync(ResolvedRequest, ISecretSource?, bool, CancellationToken)"/>)
    /// without reading the manifests again.
    /// </summary>
    /// <exception cref="BotBottleException"><c>InvalidBackend</c>, <c>InvalidLabel</c> (InvalidArgument); and as <see cref="ManifestCatalog.Resolve"/>.</exception>
    /// <exception cref="ManifestException">The manifests are invalid.</exception>
    public ResolvedRequest Resolve(PrepareRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Backend is { } backend && !Backends.Contains(backend, StringComparer.Ordinal))
        {
            throw new BotBottleException("InvalidBackend", BotBottleErrorCategory.InvalidArgument,
                $"Unknown backend '{backend}'; use one of {string.Join(", ", Backends)}.")
            { TargetObject = backend };
        }

        if (request.Label is { } label && BottleSlug.LabelProblem(label) is { } problem)
        {
            throw new BotBottleException("InvalidLabel", BotBottleErrorCategory.InvalidArgument, $"Label '{label}' cannot name a bottle: {problem}.") { TargetObject = label };
        }

        return new ResolvedRequest(request, _catalog.Resolve(request.Agent, request.Bottles.IsDefault ? [] : request.Bottles));
    }

    /// <summary>Prepares an instance.</summary>
    /// <param name="request">What to prepare.</param>
    /// <param name="secrets">
    /// Supplies secret env entries. <see langword="null"/>: secrets are not resolved (the plan shows them as
    /// <c>&lt;secret&gt;</c> either way); only allowed with <paramref name="dryRun"/>.
    /// </param>
    /// <param name="dryRun"><see langword="true"/>: compute and return the plan, write nothing.</param>
    /// <param name="cancellationToken">Cancels secret prompts and the work.</param>
    /// <returns>The prepared instance (state <see cref="BottleState.Prepared"/>).</returns>
    /// <exception cref="BotBottleException">
    /// <c>InvalidBackend</c>, <c>InvalidLabel</c>, <c>BottleRequired</c>, <c>HostVariableMissing</c>, <c>SecretMissing</c>,
    /// <c>WorkspaceRefused</c> (InvalidArgument); <c>WorkspaceNotFound</c>, <c>AgentNotFound</c>, <c>BottleNotFound</c>, <c>SkillNotFound</c>, <c>ProjectNotFound</c>
    /// (ObjectNotFound); <c>BottleExists</c> (ResourceExists) naming the existing instance and its state;
    /// <c>StateWriteFailed</c> (WriteError).
    /// </exception>
    /// <exception cref="ManifestException">The manifests are invalid; carries every located error.</exception>
    public async Task<PreparedBottle> PrepareAsync(PrepareRequest request, ISecretSource? secrets, bool dryRun, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (secrets is null && !dryRun)
        {
            throw new ArgumentNullException(nameof(secrets), "A secret source is required unless dryRun is true.");
        }

        return await PrepareAsync(Resolve(request), secrets, dryRun, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Prepares an instance from a request <see cref="Resolve"/> already resolved; the manifests are not read again.
    /// </summary>
    /// <param name="resolvedRequest">The request and its manifests, from <see cref="Resolve"/>.</param>
    /// <param name="secrets">As for <see cref="PrepareAsync(PrepareRequest, ISecretSource?, bool, CancellationToken)"/>.</param>
    /// <param name="dryRun"><see langword="true"/>: compute and return the plan, write nothing.</param>
    /// <param name="cancellationToken">Cancels secret prompts and the work.</param>
    /// <returns>The prepared instance (state <see cref="BottleState.Prepared"/>).</returns>
    /// <exception cref="BotBottleException">
    /// As <see cref="PrepareAsync(PrepareRequest, ISecretSource?, bool, CancellationToken)"/>, except the errors of
    /// resolving (those were thrown by <see cref="Resolve"/>).
    /// </exception>
    public async Task<PreparedBottle> PrepareAsync(ResolvedRequest resolvedRequest, ISecretSource? secrets, bool dryRun, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolvedRequest);
        if (secrets is null && !dryRun)
        {
            throw new ArgumentNullException(nameof(secrets), "A secret source is required unless dryRun is true.");
        }

        var request = resolvedRequest.Request;
        var resolved = resolvedRequest.Manifests;
        var agent = resolved.Agent;
        var bottle = resolved.Bottle;
        var warnings = resolved.Warnings.Select(w => w.ToString()).ToList();

        if (!Directory.Exists(_catalog.ProjectDirectory))
        {
            throw new BotBottleException("ProjectNotFound", BotBottleErrorCategory.ObjectNotFound, $"The project folder {_catalog.ProjectDirectory} does not exist.")
            { TargetObject = _catalog.ProjectDirectory };
        }

        var workspace = request.WorkspaceCopy is { } w ? CheckWorkspace(w) : null;
        var skills = ImmutableArray.CreateBuilder<PlanSkill>();
        foreach (var skill in agent.Skills)
        {
            var path = Path.Combine(_catalog.Home.SkillsDirectory, skill);
            if (!Directory.Exists(path))
            {
                throw new BotBottleException("SkillNotFound", BotBottleErrorCategory.ObjectNotFound,
                    $"Agent '{agent.Name}' ({agent.Path}) names skill '{skill}', but {path} does not exist. Create the folder or remove the skill.")
                { TargetObject = skill };
            }

            skills.Add(new PlanSkill(skill, path));
        }

        // env: literals as written, ${HOST} checked now and read at start (the plan keeps the reference, never the
        // value), secrets from the source (values stay in memory).
        var env = ImmutableArray.CreateBuilder<PlanEnvEntry>();
        var missingHost = new List<string>();
        var missingSecrets = new List<SecretRequest>();
        var emptySecrets = new List<string>();
        var resolvedSecrets = ImmutableDictionary.CreateBuilder<string, SecretValue>(StringComparer.Ordinal);
        foreach (var e in bottle.Env)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (e.Kind)
            {
                case EnvValueKind.Literal:
                    env.Add(new PlanEnvEntry(e.Name, e.Kind, e.Text));
                    break;
                case EnvValueKind.Host:
                    var value = _environment(e.Text);
                    if (value is null)
                    {
                        missingHost.Add($"{e.Name} (from host variable {e.Text})");
                    }

                    // Only the reference goes into the plan; the value is read again when the bottle starts.
                    env.Add(new PlanEnvEntry(e.Name, e.Kind, "${" + e.Text + "}", HostVariable: e.Text));
                    break;
                default:
                    env.Add(new PlanEnvEntry(e.Name, e.Kind, SecretValue.Redacted, Prompt: e.Text.Length > 0 ? e.Text : null));
                    if (secrets is not null)
                    {
                        var req = new SecretRequest(e.Name, e.Text, agent.Name);
                        var secret = await secrets.GetSecretAsync(req, cancellationToken).ConfigureAwait(false);
                        if (secret is null)
                        {
                            missingSecrets.Add(req);
                        }
                        else if (secret.IsEmpty)
                        {
                            emptySecrets.Add(e.Name);
                        }
                        else
                        {
                            resolvedSecrets[e.Name] = secret;
                        }
                    }

                    break;
            }
        }

        if (missingHost.Count > 0)
        {
            throw new BotBottleException("HostVariableMissing", BotBottleErrorCategory.InvalidArgument,
                $"The bottle copies variables from the host that are not set: {string.Join(", ", missingHost)}. Set them, or change the env entries in {string.Join(" → ", bottle.Chain)}.")
            { TargetObject = agent.Name };
        }

        if (missingSecrets.Count > 0 || emptySecrets.Count > 0)
        {
            var parts = missingSecrets.Select(m => m.Prompt.Length > 0 ? $"{m.Name} ({m.Prompt})" : m.Name).Concat(emptySecrets.Select(n => $"{n} (given empty)"));
            var vars = string.Join(", ", missingSecrets.Select(m => m.Name).Concat(emptySecrets).Select(EnvironmentSecretSource.VariableFor));
            throw new BotBottleException("SecretMissing", BotBottleErrorCategory.InvalidArgument,
                $"No value for the bottle's secrets: {string.Join(", ", parts)}. For headless use set {vars}; in PowerShell pass -Secret @{{ NAME = (Read-Host -AsSecureString) }}; or run in a terminal to be asked.")
            { TargetObject = agent.Name };
        }

        // Routes whose token comes straight from the host: the sidecar reads it at start.
        // (A literal of the same name can only be the provider's placeholder: a literal token_ref is a manifest error.)
        var envNames = bottle.Env.Where(e => e.Kind != EnvValueKind.Literal).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var route in bottle.Egress.Routes)
        {
            var fromHostLogin = bottle.ForwardHostCredentials && route.Auth?.TokenRef == bottle.Provider.HostLogin?.SecretName;
            if (route.Auth is { } auth && !fromHostLogin && !envNames.Contains(auth.TokenRef) && _environment(auth.TokenRef) is null)
            {
                warnings.Add($"route {route.Host} injects the token in host variable {auth.TokenRef}, which is not set now; set it before the bottle starts.");
            }
        }

        var slug = request.Label ?? BottleSlug.Mint(agent.Name);
        var now = _time.GetUtcNow();
        BottlePlan Plan(string s) => new()
        {
            Slug = s,
            Label = request.Label,
            Agent = new PlanAgent
            {
                Name = agent.Name,
                SourceFile = agent.Path,
                Source = agent.Source,
                Prompt = agent.Prompt,
                PromptSha256 = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(agent.Prompt))).ToLowerInvariant(),
                Description = agent.Description,
            },
            BottleChain = bottle.Chain,
            Bottle = new PlanBottle
            {
                Env = env.ToImmutable(),
                Egress = bottle.Egress,
                GitGate = new PlanGitGate(bottle.GitUser, bottle.Repositories),
                Provider = bottle.Provider,
                Dockerfile = bottle.Dockerfile,
                AuthTokenVariable = bottle.AuthTokenVariable,
                ForwardHostCredentials = bottle.ForwardHostCredentials,
                Skills = skills.ToImmutable(),
            },
            Backend = request.Backend,
            ProjectPath = _catalog.ProjectDirectory,
            WorkspaceCopy = workspace,
            CreatedAt = now,
            BotBottleVersion = Version,
        };

        var plan = Plan(slug);
        if (dryRun)
        {
            // A label must be free; a minted slug that happens to exist would be minted again on a real run.
            if (request.Label is not null)
            {
                ThrowIfExists(slug);
            }
        }
        else
        {
            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                plan = Plan(slug);
                if (Write(plan))
                {
                    break;
                }

                // A label that exists is an error naming the existing instance; a minted slug is minted again.
                if (request.Label is not null || attempt >= MintAttempts)
                {
                    ThrowIfExists(slug);
                    if (attempt >= MintAttempts)
                    {
                        throw new BotBottleException("StateWriteFailed", BotBottleErrorCategory.WriteError,
                            $"Could not create a state folder for '{slug}' under {_catalog.Home.StateDirectory} after {attempt} attempts.")
                        { TargetObject = slug };
                    }
                }
                else
                {
                    slug = BottleSlug.Mint(agent.Name);
                }
            }
        }

        var instance = new Bottle
        {
            Name = plan.Slug,
            Agent = agent.Name,
            State = BottleState.Prepared,
            Backend = plan.Backend,
            Label = plan.Label,
            ProjectPath = plan.ProjectPath,
            Created = plan.CreatedAt,
            StateDirectory = _catalog.Home.InstanceDirectory(plan.Slug),
            Plan = plan,
            Repositories = Bottle.RepositoriesOf(plan),
        };
        return new PreparedBottle(instance, plan, new SecretSet(resolvedSecrets.ToImmutable()), [.. warnings], dryRun);
    }

    /// <summary>
    /// The folder to copy into the workspace, absolute; refused when it is missing, or contains or lies inside the
    /// BotBottle home (its routes, decisions, CA keys and the other bottles' state would go into the bottle).
    /// </summary>
    private string CheckWorkspace(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (!Directory.Exists(full))
        {
            throw new BotBottleException("WorkspaceNotFound", BotBottleErrorCategory.ObjectNotFound, $"The folder to copy into the workspace, {full}, does not exist.") { TargetObject = full };
        }

        var home = Path.TrimEndingDirectorySeparator(Path.GetFullPath(_catalog.Home.Root));
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        static bool Within(string inner, string outer, StringComparison c) =>
            inner.Equals(outer, c) || inner.StartsWith(outer + Path.DirectorySeparatorChar, c) || outer == Path.GetPathRoot(outer) && inner.StartsWith(outer, c);
        if (Within(home, full, comparison) || Within(full, home, comparison))
        {
            throw new BotBottleException("WorkspaceRefused", BotBottleErrorCategory.InvalidArgument,
                $"{full} cannot be copied into the bottle: it {(Within(home, full, comparison) ? "contains" : "is inside")} the BotBottle home {home} (routes, decisions, CA keys). Start from a project folder outside it, or without --cwd / -Path.") { TargetObject = full };
        }

        return full;
    }

    /// <summary>BotBottle's version (<c>major.minor.patch</c>).</summary>
    internal static string Version => typeof(BottlePreparer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private void ThrowIfExists(string slug)
    {
        var dir = _catalog.Home.InstanceDirectory(slug);
        if (!Directory.Exists(dir))
        {
            return;
        }

        var state = "unknown state";
        try
        {
            var meta = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(dir, "metadata.json")), PlanJsonContext.Default.BottleMetadata);
            if (meta is not null)
            {
                state = $"state {meta.State.ToString().ToLowerInvariant()}, agent {meta.Agent}, created {meta.CreatedAt:u}";
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // The folder exists but its metadata is unreadable; say so rather than fail differently.
        }

        throw new BotBottleException("BottleExists", BotBottleErrorCategory.ResourceExists,
            $"A bottle named '{slug}' already exists ({state}) at {dir}. Choose another label, or remove it first.")
        { TargetObject = slug };
    }

    private bool Write(BottlePlan plan)
    {
        var meta = new BottleMetadata
        {
            Slug = plan.Slug,
            State = BottleState.Prepared,
            Backend = plan.Backend,
            Agent = plan.Agent.Name,
            Label = plan.Label,
            ProjectPath = plan.ProjectPath,
            CreatedAt = plan.CreatedAt,
            UpdatedAt = plan.CreatedAt,
        };
        try
        {
            // The bottle's own CA for TLS interception: made now, kept in the state folder (owner-only). Only its
            // certificate ever enters the bottle; the key stays with the sidecar.
            using var ca = CertificateAuthority.Create($"BotBottle CA for {plan.Slug}");
            return StateStore.TryCreateInstance(_catalog.Home.InstanceDirectory(plan.Slug),
            [
                ("plan.json", JsonSerializer.SerializeToUtf8Bytes(plan, PlanJsonContext.Readable.BottlePlan)),
                ("metadata.json", JsonSerializer.SerializeToUtf8Bytes(meta, PlanJsonContext.Readable.BottleMetadata)),
                (CertificateAuthority.CertificateFileName, Encoding.ASCII.GetBytes(ca.CertificatePem)),
                (CertificateAuthority.KeyFileName, ca.ExportKeyPem()),
            ]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BotBottleException("StateWriteFailed", BotBottleErrorCategory.WriteError,
                $"Could not write the state of bottle '{plan.Slug}' under {_catalog.Home.StateDirectory}: {ex.Message}", ex)
            { TargetObject = plan.Slug };
        }
    }
}
