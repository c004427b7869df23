using System.Collections.Immutable;
using BotBottle.Configuration;
using BotBottle.Errors;

namespace BotBottle.Manifest;

/// <summary>
/// Finds, loads, merges and validates manifests (PRODUCT.md §3). Agents come from <c>&lt;home&gt;/agents/</c> and
/// the project's <c>.bot-bottle/agents/</c> (a project agent takes the place of a home agent of the same name);
/// bottles and provider plugins only from the home folder. A project <c>.bot-bottle/bottles/</c> folder is ignored
/// with a warning. Discovery is lazy: listing names reads file names only, and loading an agent parses just that
/// agent and its bottle chain. Each call reads the files afresh; the catalog holds no mutable state.
/// </summary>
public sealed class ManifestCatalog
{
    private const string Extension = ".md";

    /// <summary>Creates a catalog.</summary>
    /// <param name="home">The operator's BotBottle home.</param>
    /// <param name="projectDirectory">The project folder (the current directory); its <c>.bot-bottle/agents/</c> holds project agents.</param>
    public ManifestCatalog(BotBottleHome home, string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentException.ThrowIfNullOrEmpty(projectDirectory);
        Home = home;
        ProjectDirectory = Path.GetFullPath(projectDirectory);
        var projectRoot = Path.Combine(ProjectDirectory, ".bot-bottle");
        // When the project folder's .bot-bottle IS the home (running from the user's home folder), there is no separate project layer.
        HasProjectLayer = !PathsEqual(projectRoot, home.Root);
        ProjectAgentsDirectory = Path.Combine(projectRoot, "agents");
        ProjectBottlesDirectory = Path.Combine(projectRoot, "bottles");
    }

    /// <summary>The home folder.</summary>
    public BotBottleHome Home { get; }

    /// <summary>Absolute project folder.</summary>
    public string ProjectDirectory { get; }

    /// <summary><c>&lt;project&gt;/.bot-bottle/agents</c>.</summary>
    public string ProjectAgentsDirectory { get; }

    /// <summary><c>&lt;project&gt;/.bot-bottle/bottles</c>: never read; its presence is a warning.</summary>
    public string ProjectBottlesDirectory { get; }

    private bool HasProjectLayer { get; }

    /// <summary>Agent names from file names only (home and project, each once), sorted. Used by argument completers.</summary>
    public IReadOnlyList<string> AgentNames() =>
        AgentFiles().Select(f => f.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Bottle names from file names in <c>&lt;home&gt;/bottles</c> only, sorted.</summary>
    public IReadOnlyList<string> BottleNames() => Files(Home.BottlesDirectory).Select(f => f.Name).ToList();

    /// <summary>Warnings about the layout itself: a project <c>bottles/</c> folder that is ignored.</summary>
    public ImmutableArray<ManifestFinding> LayoutWarnings()
    {
        if (HasProjectLayer && Directory.Exists(ProjectBottlesDirectory))
        {
            return
            [
                ManifestFinding.Warning(new SourceLocation(ProjectBottlesDirectory, 0, 0), ManifestErrorCode.ProjectBottlesIgnored,
                    $"ignored: bottles are read only from {Home.BottlesDirectory}. A repository may ship agents, never bottles, so it can never redirect a secret or open an egress route"),
            ];
        }

        return [];
    }

    /// <summary>
    /// The agents whose names satisfy <paramref name="nameFilter"/> (all when <see langword="null"/>), each parsed with
    /// its bottle chain to show bottle and provider. Agents with manifest errors are listed with
    /// <see cref="BottleAgent.IsValid"/> <see langword="false"/>. Sorted by name.
    /// </summary>
    /// <param name="nameFilter">Selects names before any file is parsed.</param>
    public IReadOnlyList<BottleAgent> GetAgents(Func<string, bool>? nameFilter = null)
    {
        var result = new List<BottleAgent>();
        foreach (var file in EffectiveAgentFiles().Where(f => nameFilter?.Invoke(f.Name) ?? true))
        {
            var session = new Session(this);
            var spec = session.Agent(file);
            string? provider = null;
            if (spec?.Bottle is { } bottle && session.Errors.Count == 0)
            {
                var chain = session.Linearize([bottle], spec);
                if (session.Errors.Count == 0)
                {
                    provider = BottleMerger.Merge(chain, spec, session.Provider, session.Errors).Provider.Name;
                }
            }

            result.Add(new BottleAgent
            {
                Name = file.Name,
                Bottle = spec?.Definition.Bottle,
                Provider = session.Errors.Count == 0 ? provider : null,
                Source = file.Source,
                Path = file.Path,
                Description = spec?.Definition.Description,
                IsValid = session.Errors.Count == 0,
            });
        }

        return result;
    }

    /// <summary>
    /// The home bottles whose names satisfy <paramref name="nameFilter"/> (all when <see langword="null"/>), each merged
    /// through its <c>extends</c> chain as <c>Test-BottleManifest</c> checks it alone (no agent). Bottles with manifest
    /// errors are listed with <see cref="BottleSummary.IsValid"/> <see langword="false"/> and only their name and path.
    /// A project <c>.bot-bottle/bottles</c> folder is never read (see <see cref="LayoutWarnings"/>). Sorted by name.
    /// </summary>
    /// <param name="nameFilter">Selects names before any file is parsed.</param>
    public IReadOnlyList<BottleSummary> GetBottles(Func<string, bool>? nameFilter = null)
    {
        var result = new List<BottleSummary>();
        foreach (var file in Files(Home.BottlesDirectory).Where(f => nameFilter?.Invoke(f.Name) ?? true))
        {
            var session = new Session(this);
            var effective = MergeAlone(session, file.Name, file.Path);
            result.Add(session.Errors.Count == 0 && effective is not null
                ? new BottleSummary
                {
                    Name = file.Name,
                    Chain = effective.Chain,
                    Provider = effective.Provider.Name,
                    Hosts = [.. effective.Egress.Routes.Select(r => r.Host)],
                    Secrets = [.. effective.Env.Where(e => e.Kind == EnvValueKind.Secret).Select(e => e.Name)],
                    Repositories = [.. effective.Repositories.Select(r => r.Name)],
                    Path = file.Path,
                }
                : new BottleSummary { Name = file.Name, Path = file.Path, IsValid = false });
        }

        return result;
    }

    /// <summary>Loads one agent file.</summary>
    /// <param name="name">Agent name.</param>
    /// <exception cref="BotBottleException"><c>AgentNotFound</c> (ObjectNotFound): no such agent, with the closest name.</exception>
    /// <exception cref="ManifestException">The agent file is invalid.</exception>
    public AgentDefinition LoadAgent(string name)
    {
        var session = new Session(this);
        var spec = session.Agent(FindAgent(name));
        session.ThrowIfErrors();
        return spec!.Definition;
    }

    /// <summary>
    /// Loads an agent and computes the effective bottle it runs in: the agent's <c>bottle</c>, or
    /// <paramref name="bottles"/> when given (they replace the agent's bottle; a portable agent needs them), each
    /// expanded through <c>extends</c> and merged left to right.
    /// </summary>
    /// <param name="agentName">Agent name.</param>
    /// <param name="bottles">Bottles from <c>-Bottle</c>/<c>--bottle</c>; empty to use the agent's own.</param>
    /// <exception cref="BotBottleException">
    /// <c>AgentNotFound</c> / <c>BottleNotFound</c> (ObjectNotFound); <c>BottleRequired</c> (InvalidArgument) for a portable agent without bottles.
    /// </exception>
    /// <exception cref="ManifestException">Any file involved is invalid, or the chain is (cycle, missing parent, bad token reference…); carries every error.</exception>
    public ResolvedAgent Resolve(string agentName, IReadOnlyList<string>? bottles = null)
    {
        var file = FindAgent(agentName);
        var session = new Session(this);
        var spec = session.Agent(file);
        var tops = new List<Located<string>>();
        if (bottles is { Count: > 0 })
        {
            foreach (var b in bottles)
            {
                if (!ManifestNames.IsValidName(b) || !File.Exists(BottlePath(b)))
                {
                    throw BottleNotFound(b);
                }

                tops.Add(new Located<string>(b, new SourceLocation("-Bottle", 0, 0)));
            }
        }
        else if (spec?.Bottle is { } own)
        {
            tops.Add(own);
        }
        else if (spec is not null && session.Errors.Count == 0)
        {
            throw new BotBottleException("BottleRequired", BotBottleErrorCategory.InvalidArgument,
                $"Agent '{agentName}' is portable (it names no bottle); choose its bottles with -Bottle / --bottle, e.g. --bottle {(BottleNames() is [var first, ..] ? first : "<name>")}.")
            { TargetObject = agentName };
        }

        var chain = spec is null ? [] : session.Linearize(tops, spec);
        var effective = spec is null ? null : BottleMerger.Merge(chain, spec, session.Provider, session.Errors);
        session.ThrowIfErrors();

        var warnings = LayoutWarnings().ToBuilder();
        if (file.Source == ManifestSourceKind.Project && File.Exists(Path.Combine(Home.AgentsDirectory, file.Name + Extension)))
        {
            warnings.Add(ShadowWarning(file));
        }

        return new ResolvedAgent(spec!.Definition, effective!, warnings.ToImmutable());
    }

    /// <summary>The effective bottle of an agent with the source of every value (<c>bot-bottle info</c>).</summary>
    /// <param name="agentName">Agent name.</param>
    /// <param name="bottles">Bottles replacing the agent's own, as for <see cref="Resolve"/>.</param>
    /// <exception cref="BotBottleException">As for <see cref="Resolve"/>.</exception>
    /// <exception cref="ManifestException">As for <see cref="Resolve"/>.</exception>
    public AgentInfo Describe(string agentName, IReadOnlyList<string>? bottles = null)
    {
        var resolved = Resolve(agentName, bottles);
        return new AgentInfo
        {
            Agent = resolved.Agent.Name,
            AgentFile = resolved.Agent.Path,
            Source = resolved.Agent.Source,
            BottleChain = resolved.Bottle.Chain,
            Provider = resolved.Bottle.Provider.Name,
            Values = resolved.Bottle.Provenance,
            Egress = resolved.Bottle.Egress,
            Warnings = resolved.Warnings,
        };
    }

    /// <summary>
    /// Validates every bottle, provider plugin and agent (home and project): each file's schema, every
    /// <c>extends</c> chain, every agent's bottle, and the effective-bottle rules. Never throws for bad manifests.
    /// </summary>
    /// <param name="cancellationToken">Checked between files.</param>
    public ManifestValidationReport Validate(CancellationToken cancellationToken = default)
    {
        var session = new Session(this);
        var warnings = LayoutWarnings().ToList();
        var files = new List<string>();

        foreach (var provider in Files(Home.ProvidersDirectory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            files.Add(provider.Path);
            session.Plugin(provider.Name);
        }

        foreach (var bottle in Files(Home.BottlesDirectory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            files.Add(bottle.Path);
            MergeAlone(session, bottle.Name, bottle.Path);
        }

        foreach (var agent in AgentFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            files.Add(agent.Path);
            CheckAgent(session, agent, warnings);
        }

        return Report(session.Errors, warnings, files);
    }

    /// <summary>
    /// Validates one file. Its kind comes from <paramref name="kind"/>, else from its folder name (<c>agents</c>,
    /// <c>bottles</c>, <c>providers</c>). A file inside this catalog's folders is also checked in context (its
    /// <c>extends</c> chain or bottle); a bottle under a project <c>.bot-bottle/bottles</c> is reported as ignored.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">Its kind, when the folder does not tell.</param>
    /// <exception cref="BotBottleException"><c>ManifestNotFound</c> (ObjectNotFound); <c>ManifestKindUnknown</c> (InvalidArgument).</exception>
    public ManifestValidationReport ValidateFile(string path, ManifestKind? kind = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path, ProjectDirectory);
        if (!File.Exists(full))
        {
            throw new BotBottleException("ManifestNotFound", BotBottleErrorCategory.ObjectNotFound, $"No manifest file at {full}.") { TargetObject = full };
        }

        var folder = Path.GetFileName(Path.GetDirectoryName(full)) ?? string.Empty;
        kind ??= folder switch
        {
            "agents" => ManifestKind.Agent,
            "bottles" => ManifestKind.Bottle,
            "providers" => ManifestKind.Provider,
            _ => throw new BotBottleException("ManifestKindUnknown", BotBottleErrorCategory.InvalidArgument,
                $"Cannot tell whether {full} is an agent, a bottle or a provider from its folder; pass -Kind / --kind.") { TargetObject = full },
        };
        var name = Path.GetFileNameWithoutExtension(full);
        var dir = Path.GetDirectoryName(full)!;
        var session = new Session(this);
        var warnings = new List<ManifestFinding>();
        switch (kind)
        {
            case ManifestKind.Agent:
                var source = HasProjectLayer && PathsEqual(dir, ProjectAgentsDirectory) ? ManifestSourceKind.Project : ManifestSourceKind.Home;
                var file = new ManifestFile(name, full, source);
                if (PathsEqual(dir, Home.AgentsDirectory) || (HasProjectLayer && PathsEqual(dir, ProjectAgentsDirectory)))
                {
                    CheckAgent(session, file, warnings);
                }
                else
                {
                    session.Agent(file);
                }

                break;
            case ManifestKind.Bottle:
                if (PathsEqual(dir, Home.BottlesDirectory))
                {
                    MergeAlone(session, name, full);
                }
                else
                {
                    session.BottleAt(name, full);
                    if (HasProjectLayer && PathsEqual(dir, ProjectBottlesDirectory))
                    {
                        warnings.AddRange(LayoutWarnings());
                    }
                }

                break;
            default:
                session.PluginAt(name, full);
                break;
        }

        return Report(session.Errors, warnings, [full]);
    }

    /// <summary>
    /// A home bottle merged through its <c>extends</c> chain on its own (no agent), as <see cref="Validate"/> checks it;
    /// <see langword="null"/> when the file is missing or unreadable. Errors go to the session.
    /// </summary>
    private static EffectiveBottle? MergeAlone(Session session, string name, string path)
    {
        if (session.Bottle(name) is null)
        {
            return null;
        }

        var chain = session.Linearize([new Located<string>(name, new SourceLocation(path, 1, 1))], null);
        return BottleMerger.Merge(chain, null, session.Provider, session.Errors);
    }

    private void CheckAgent(Session session, ManifestFile agent, List<ManifestFinding> warnings)
    {
        var spec = session.Agent(agent);
        if (spec is null)
        {
            return;
        }

        if (agent.Source == ManifestSourceKind.Project && File.Exists(Path.Combine(Home.AgentsDirectory, agent.Name + Extension)))
        {
            warnings.Add(ShadowWarning(agent));
        }

        foreach (var skill in spec.Skills)
        {
            if (!Directory.Exists(Path.Combine(Home.SkillsDirectory, skill.Value)))
            {
                warnings.Add(ManifestFinding.Warning(skill.At, ManifestErrorCode.SkillNotFound,
                    $"skill '{skill.Value}' is not in {Home.SkillsDirectory}; preparing this agent fails until the folder exists"));
            }
        }

        if (spec.Bottle is { } bottle)
        {
            var chain = session.Linearize([bottle], spec);
            BottleMerger.Merge(chain, spec, session.Provider, session.Errors);
        }
    }

    private ManifestFinding ShadowWarning(ManifestFile agent) =>
        ManifestFinding.Warning(new SourceLocation(agent.Path, 0, 0), ManifestErrorCode.ProjectAgentShadowsHome,
            $"project agent '{agent.Name}' takes the place of {Path.Combine(Home.AgentsDirectory, agent.Name + Extension)} in this project");

    private static ManifestValidationReport Report(IEnumerable<ManifestError> errors, IEnumerable<ManifestFinding> warnings, IEnumerable<string> files) => new()
    {
        Findings = errors.Distinct().Select(ManifestFinding.FromError).Concat(warnings.Distinct())
            .OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Column).ThenBy(f => f.Severity)
            .ToImmutableArray(),
        Files = files.Distinct(StringComparer.Ordinal).ToImmutableArray(),
    };

    internal string BottlePath(string name) => Path.Combine(Home.BottlesDirectory, name + Extension);

    internal string ProviderPath(string name) => Path.Combine(Home.ProvidersDirectory, name + Extension);

    internal IReadOnlyList<string> PluginNames() => Files(Home.ProvidersDirectory).Select(f => f.Name).ToList();

    internal BotBottleException BottleNotFound(string name)
    {
        var ignored = HasProjectLayer && File.Exists(Path.Combine(ProjectBottlesDirectory, name + Extension))
            ? $" {Path.Combine(ProjectBottlesDirectory, name + Extension)} exists but is ignored: bottles come only from the home folder, so a repository can never redirect a secret or open an egress route."
            : string.Empty;
        var suggestion = Suggestions.Closest(name, BottleNames());
        return new BotBottleException("BottleNotFound", BotBottleErrorCategory.ObjectNotFound,
            $"No bottle '{name}' in {Home.BottlesDirectory}.{ignored}{(suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?")}")
        { TargetObject = name };
    }

    private ManifestFile FindAgent(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ManifestNames.IsValidName(name))
        {
            var match = EffectiveAgentFiles().FirstOrDefault(f => f.Name == name);
            if (match is not null)
            {
                return match;
            }
        }

        var suggestion = Suggestions.Closest(name, AgentNames());
        var where = HasProjectLayer ? $"{Home.AgentsDirectory} or {ProjectAgentsDirectory}" : Home.AgentsDirectory;
        throw new BotBottleException("AgentNotFound", BotBottleErrorCategory.ObjectNotFound,
            $"No agent '{name}' in {where}.{(suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?")}")
        { TargetObject = name };
    }

    /// <summary>Every agent file, project ones first.</summary>
    private IEnumerable<ManifestFile> AgentFiles()
    {
        if (HasProjectLayer)
        {
            foreach (var f in Files(ProjectAgentsDirectory, ManifestSourceKind.Project))
            {
                yield return f;
            }
        }

        foreach (var f in Files(Home.AgentsDirectory))
        {
            yield return f;
        }
    }

    /// <summary>One file per agent name: the project's when both exist. Sorted by name.</summary>
    private IEnumerable<ManifestFile> EffectiveAgentFiles() =>
        AgentFiles().GroupBy(f => f.Name, StringComparer.Ordinal).Select(g => g.First()).OrderBy(f => f.Name, StringComparer.Ordinal);

    private static List<ManifestFile> Files(string directory, ManifestSourceKind source = ManifestSourceKind.Home)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateFiles(directory, "*" + Extension, SearchOption.TopDirectoryOnly)
            .Where(p => p.EndsWith(Extension, StringComparison.Ordinal))
            .Select(p => new ManifestFile(Path.GetFileNameWithoutExtension(p), p, source))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static bool PathsEqual(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
            OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private sealed record ManifestFile(string Name, string Path, ManifestSourceKind Source);

    /// <summary>One operation's view of the files: each parsed at most once, errors collected once.</summary>
    private sealed class Session(ManifestCatalog catalog)
    {
        private readonly Dictionary<string, BottleSpec?> _bottles = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ProviderDefinition?> _plugins = new(StringComparer.Ordinal);

        public List<ManifestError> Errors { get; } = [];

        public void ThrowIfErrors()
        {
            if (Errors.Count > 0)
            {
                throw new ManifestException(Errors);
            }
        }

        public AgentSpec? Agent(ManifestFile file) =>
            Read(file.Path, bytes => ManifestParser.ParseAgent(bytes, file.Path, file.Name, file.Source, Errors));

        /// <summary>A home bottle by name; <see langword="null"/> when missing (not recorded) or unreadable.</summary>
        public BottleSpec? Bottle(string name)
        {
            if (!_bottles.TryGetValue(name, out var spec))
            {
                var path = catalog.BottlePath(name);
                spec = File.Exists(path) ? BottleAt(name, path) : null;
                _bottles[name] = spec;
            }

            return spec;
        }

        public BottleSpec? BottleAt(string name, string path) =>
            Read(path, bytes => ManifestParser.ParseBottle(bytes, path, name, Errors));

        public ProviderDefinition? Plugin(string name)
        {
            if (!_plugins.TryGetValue(name, out var def))
            {
                var path = catalog.ProviderPath(name);
                def = File.Exists(path) ? PluginAt(name, path) : null;
                _plugins[name] = def;
            }

            return def;
        }

        public ProviderDefinition? PluginAt(string name, string path) =>
            Read(path, bytes => ManifestParser.ParseProvider(bytes, path, name, Errors));

        /// <summary>Resolves <c>agent_provider.template</c>; unknown names are recorded (Claude stands in so merging can go on).</summary>
        public ProviderDefinition Provider(Located<string>? template)
        {
            if (template is not { } t)
            {
                return BuiltInProviders.Claude;
            }

            if (BuiltInProviders.All.TryGetValue(t.Value, out var builtIn))
            {
                return builtIn;
            }

            if (File.Exists(catalog.ProviderPath(t.Value)))
            {
                var plugin = Plugin(t.Value);
                if (plugin is null)
                {
                    Errors.Add(new ManifestError(t.At, ManifestErrorCode.UnknownProvider, $"provider plugin '{t.Value}' ({catalog.ProviderPath(t.Value)}) is invalid; see its errors"));
                }

                return plugin ?? BuiltInProviders.Claude;
            }

            var names = BuiltInProviders.All.Keys.Order(StringComparer.Ordinal).Concat(catalog.PluginNames()).ToList();
            Errors.Add(new ManifestError(t.At, ManifestErrorCode.UnknownProvider,
                $"unknown provider '{t.Value}': use {string.Join(", ", names)}, or add a plugin at {catalog.ProviderPath(t.Value)}", Suggestions.Closest(t.Value, names)));
            return BuiltInProviders.Claude;
        }

        /// <summary>
        /// Expands <paramref name="tops"/> through <c>extends</c> into merge order (parents first, each bottle once,
        /// at its first position). Cycles, self-reference and missing parents are recorded with the chain.
        /// </summary>
        public List<BottleSpec> Linearize(IReadOnlyList<Located<string>> tops, AgentSpec? agent)
        {
            var result = new List<BottleSpec>();
            var done = new HashSet<string>(StringComparer.Ordinal);
            foreach (var top in tops)
            {
                Visit(top, [], done, result, agent);
            }

            return result;
        }

        private void Visit(Located<string> name, List<string> stack, HashSet<string> done, List<BottleSpec> result, AgentSpec? agent)
        {
            if (stack.Contains(name.Value, StringComparer.Ordinal))
            {
                var cycle = string.Join(" → ", stack.SkipWhile(s => s != name.Value).Append(name.Value));
                var message = stack.Count > 0 && stack[^1] == name.Value
                    ? $"bottle '{name.Value}' extends itself"
                    : $"extends cycle: {cycle}";
                Errors.Add(new ManifestError(name.At, ManifestErrorCode.ExtendsCycle, message));
                return;
            }

            if (done.Contains(name.Value))
            {
                return;
            }

            var spec = Bottle(name.Value);
            if (spec is null)
            {
                if (!File.Exists(catalog.BottlePath(name.Value)))
                {
                    var ignored = catalog.HasProjectLayer && File.Exists(Path.Combine(catalog.ProjectBottlesDirectory, name.Value + Extension))
                        ? $"; {Path.Combine(catalog.ProjectBottlesDirectory, name.Value + Extension)} is ignored because bottles come only from the home folder"
                        : string.Empty;
                    var suggestion = Suggestions.Closest(name.Value, catalog.BottleNames());
                    if (stack.Count == 0)
                    {
                        var who = agent is null ? "it" : $"agent '{agent.Definition.Name}'";
                        Errors.Add(new ManifestError(name.At, ManifestErrorCode.MissingBottle,
                            $"bottle '{name.Value}' named by {who} does not exist in {catalog.Home.BottlesDirectory}{ignored}", suggestion));
                    }
                    else
                    {
                        var chain = string.Join(" → ", stack.Append(name.Value));
                        Errors.Add(new ManifestError(name.At, ManifestErrorCode.MissingParent,
                            $"bottle '{stack[^1]}' extends '{name.Value}', which does not exist in {catalog.Home.BottlesDirectory} (chain: {chain}){ignored}", suggestion));
                    }
                }

                return;
            }

            stack.Add(name.Value);
            foreach (var parent in spec.Extends)
            {
                Visit(parent, stack, done, result, agent);
            }

            stack.RemoveAt(stack.Count - 1);
            if (done.Add(name.Value))
            {
                result.Add(spec);
            }
        }

        private T? Read<T>(string path, Func<byte[], T?> parse)
            where T : class
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Errors.Add(new ManifestError(new SourceLocation(path, 0, 0), ManifestErrorCode.NotText, $"the file cannot be read: {ex.Message}"));
                return null;
            }

            return parse(bytes);
        }
    }
}
