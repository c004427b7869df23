using System.Collections.Immutable;
using System.Text.RegularExpressions;
using BotBottle.Manifest.Yaml;
using BotBottle.Policy;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Manifest;

/// <summary>One bottle file as written: every field set or unset, with its location, ready to merge.</summary>
internal sealed class BottleSpec(string name, string path)
{
    public string Name { get; } = name;

    public string Path { get; } = path;

    public List<Located<string>> Extends { get; } = [];

    public List<Located<EnvEntry>> Env { get; } = [];

    public Located<string>? Template { get; set; }

    public Located<string>? Dockerfile { get; set; }

    public Located<string>? AuthToken { get; set; }

    public Located<bool>? ForwardHostCredentials { get; set; }

    public Located<string>? GitUserName { get; set; }

    public Located<string>? GitUserEmail { get; set; }

    public List<Located<GitRepository>> Repos { get; } = [];

    public List<RouteSpec> Routes { get; } = [];

    public Located<EgressLogLevel>? Log { get; set; }
}

/// <summary>One agent file: the public definition plus the locations merging and checks need.</summary>
internal sealed class AgentSpec(AgentDefinition definition)
{
    public AgentDefinition Definition { get; set; } = definition;

    public Located<string>? Bottle { get; set; }

    public Located<string>? GitUserName { get; set; }

    public Located<string>? GitUserEmail { get; set; }

    public List<Located<string>> Skills { get; } = [];
}

/// <summary>Parses bottle, agent and provider-plugin files into specs, recording every located error.</summary>
internal static partial class ManifestParser
{
    private static readonly IReadOnlyDictionary<string, string> NotInBottle = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["bottle"] = "'bottle' is an agent key; a bottle names its parents with 'extends'",
        ["skills"] = "'skills' is an agent key; move it into the agent file",
    };

    private static readonly IReadOnlyDictionary<string, string> NotInAgent = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["env"] = "'env' is a bottle key: an agent says who runs, its bottle says what it may touch; move it into the bottle",
        ["egress"] = "'egress' is a bottle key: routes come only from bottles in the home folder; move it into the bottle",
        ["agent_provider"] = "'agent_provider' is a bottle key; move it into the bottle",
        ["extends"] = "'extends' is a bottle key; an agent names its bottle with 'bottle'",
    };

    private static readonly KeySchema BottleKeys = new("a bottle", ["extends", "env", "agent_provider", "git-gate", "egress"], misplaced: NotInBottle);
    private static readonly KeySchema ProviderKeys = new("agent_provider", ["template", "dockerfile", "auth_token", "forward_host_credentials"]);
    private static readonly KeySchema BottleGitGateKeys = new("git-gate", ["user", "repos"]);
    private static readonly KeySchema UserKeys = new("git-gate.user", ["name", "email"]);
    private static readonly KeySchema RepoKeys = new("a git-gate repository", ["url", "key", "host_key", "allow_force_push", "allow_delete"]);
    private static readonly KeySchema EgressKeys = new("egress", ["routes", "log"]);

    // Claude Code sub-agent fields are accepted and ignored (PRODUCT.md §3.3); 'tools' is one of them too.
    private static readonly KeySchema AgentKeys = new("an agent", ["bottle", "skills", "git-gate", "description"], ignored: ["name", "model", "color", "memory", "tools"], misplaced: NotInAgent);
    private static readonly KeySchema AgentGitGateKeys = new("an agent's git-gate", ["user"], misplaced: new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["repos"] = "'git-gate.repos' is a bottle key: an agent may only set git-gate.user",
    });

    private static readonly KeySchema PluginKeys = new("a provider plugin", ["image", "interactive", "headless", "prompt_file", "skills_dir", "mcp_register", "api_host", "api_key_env"]);

    /// <summary>Checks a manifest file name (without <c>.md</c>) and records <see cref="ManifestErrorCode.InvalidName"/>.</summary>
    public static bool CheckFileName(string name, string path, int maxLength, List<ManifestError> errors)
    {
        if (ManifestNames.IsValidName(name) && name.Length <= maxLength)
        {
            return true;
        }

        var fixedName = FixName(name);
        var message = ManifestNames.IsValidName(name)
            ? $"the name '{name}' is longer than {maxLength} characters; instance names bot-bottle-<agent>-xxxxx must stay valid DNS labels — rename the file"
            : $"the file name '{name}' is not a valid name: names match {ManifestNames.NamePattern} — rename the file";
        errors.Add(new ManifestError(new SourceLocation(path, 1, 1), ManifestErrorCode.InvalidName, message,
            fixedName != name && ManifestNames.IsValidName(fixedName) && fixedName.Length <= maxLength ? fixedName : null));
        return false;
    }

    private static string FixName(string name) => NonName().Replace(name.ToLowerInvariant().Replace('_', '-'), string.Empty);

    /// <summary>Parses a bottle file. Returns the spec (possibly partial) unless the YAML could not be read at all.</summary>
    public static BottleSpec? ParseBottle(byte[] bytes, string path, string name, List<ManifestError> errors)
    {
        CheckFileName(name, path, ManifestNames.MaxNameLength, errors);
        var loaded = YamlDocumentLoader.LoadMarkdown(bytes, path, errors);
        if (loaded is null)
        {
            return null;
        }

        var r = new SchemaReader(path, loaded.LineOffset, errors);
        var spec = new BottleSpec(name, path);
        var map = loaded.Root is null ? new YamlMappingNode() : r.Mapping(loaded.Root, "the frontmatter");
        if (map is null)
        {
            return spec;
        }

        var dir = System.IO.Path.GetDirectoryName(path)!;
        foreach (var (key, _, value) in r.Entries(map, BottleKeys))
        {
            switch (key)
            {
                case "extends":
                    foreach (var (parent, node) in r.NameOrList(value, "extends"))
                    {
                        spec.Extends.Add(new Located<string>(parent, r.At(node)));
                    }

                    break;
                case "env":
                    ParseEnv(r, value, spec.Env);
                    break;
                case "agent_provider":
                    var ap = r.Mapping(value, "agent_provider");
                    foreach (var (k, kn, v) in ap is null ? [] : r.Entries(ap, ProviderKeys))
                    {
                        if (k == "forward_host_credentials")
                        {
                            if (r.Bool(v, "agent_provider.forward_host_credentials") is { } forward)
                            {
                                spec.ForwardHostCredentials = new Located<bool>(forward, r.At(kn));
                            }

                            continue;
                        }

                        var text = r.Text(v, "agent_provider." + k);
                        if (text is null)
                        {
                            continue;
                        }

                        switch (k)
                        {
                            case "template":
                                if (!ManifestNames.IsValidName(text))
                                {
                                    r.Error(v, ManifestErrorCode.InvalidName, $"'agent_provider.template' is claude, codex, shell or a plugin name matching {ManifestNames.NamePattern}",
                                        Suggestions.Closest(text, BuiltInProviders.All.Keys));
                                    continue;
                                }

                                spec.Template = new Located<string>(text, r.At(v));
                                break;
                            case "dockerfile":
                                spec.Dockerfile = new Located<string>(ResolveHostPath(text, dir), r.At(v));
                                break;
                            default:
                                if (!ManifestNames.IsValidEnvName(text))
                                {
                                    r.Error(v, ManifestErrorCode.InvalidEnvName, "'agent_provider.auth_token' names the host environment variable holding the credential (letters, digits and '_'), not the credential itself");
                                    continue;
                                }

                                spec.AuthToken = new Located<string>(text, r.At(kn));
                                break;
                        }
                    }

                    break;
                case "git-gate":
                    var gg = r.Mapping(value, "git-gate");
                    foreach (var (k, _, v) in gg is null ? [] : r.Entries(gg, BottleGitGateKeys))
                    {
                        if (k == "user")
                        {
                            ParseUser(r, v, out var userName, out var email);
                            spec.GitUserName = userName;
                            spec.GitUserEmail = email;
                        }
                        else
                        {
                            ParseRepos(r, v, dir, spec.Repos);
                        }
                    }

                    break;
                case "egress":
                    var eg = r.Mapping(value, "egress");
                    foreach (var (k, _, v) in eg is null ? [] : r.Entries(eg, EgressKeys))
                    {
                        if (k == "log")
                        {
                            if (RoutesFile.ReadLog(r, v) is { } log)
                            {
                                spec.Log = new Located<EgressLogLevel>(log, r.At(v));
                            }
                        }
                        else
                        {
                            spec.Routes.AddRange(RouteParser.ParseList(r, v, "egress.routes"));
                        }
                    }

                    break;
            }
        }

        return spec;
    }

    /// <summary>Parses an agent file.</summary>
    public static AgentSpec? ParseAgent(byte[] bytes, string path, string name, ManifestSourceKind source, List<ManifestError> errors)
    {
        CheckFileName(name, path, ManifestNames.MaxAgentNameLength, errors);
        var loaded = YamlDocumentLoader.LoadMarkdown(bytes, path, errors);
        if (loaded is null)
        {
            return null;
        }

        var r = new SchemaReader(path, loaded.LineOffset, errors);
        var spec = new AgentSpec(new AgentDefinition { Name = name, Path = path, Source = source, Prompt = loaded.Body });
        var map = loaded.Root is null ? new YamlMappingNode() : r.Mapping(loaded.Root, "the frontmatter");
        if (map is null)
        {
            return spec;
        }

        foreach (var (key, _, value) in r.Entries(map, AgentKeys))
        {
            switch (key)
            {
                case "bottle":
                    var bottle = r.Text(value, "bottle");
                    if (bottle is null)
                    {
                        break;
                    }

                    if (!ManifestNames.IsValidName(bottle))
                    {
                        r.Error(value, ManifestErrorCode.InvalidName, $"'bottle' is a bottle name matching {ManifestNames.NamePattern}");
                        break;
                    }

                    spec.Bottle = new Located<string>(bottle, r.At(value));
                    spec.Definition = spec.Definition with { Bottle = bottle };
                    break;
                case "description":
                    // Claude Code sub-agent files have one too; shown by Get-BottleAgent.
                    if (SchemaReader.IsNull(value))
                    {
                        break;
                    }

                    if (r.Text(value, "description") is { } description)
                    {
                        spec.Definition = spec.Definition with { Description = description.Trim() };
                    }

                    break;
                case "skills":
                    foreach (var item in r.Sequence(value, "skills")?.Children ?? [])
                    {
                        var skill = r.Text(item, "skills entry");
                        if (skill is null)
                        {
                            continue;
                        }

                        if (!SkillName().IsMatch(skill) || skill.Contains("..", StringComparison.Ordinal))
                        {
                            r.Error(item, ManifestErrorCode.InvalidName, "a skill is the name of a folder in <home>/skills (letters, digits, '.', '_', '-'; no path separators)");
                            continue;
                        }

                        if (spec.Skills.Any(s => s.Value == skill))
                        {
                            r.Error(item, ManifestErrorCode.DuplicateValue, $"skill '{skill}' is listed twice");
                            continue;
                        }

                        spec.Skills.Add(new Located<string>(skill, r.At(item)));
                    }

                    spec.Definition = spec.Definition with { Skills = spec.Skills.Select(s => s.Value).ToImmutableArray() };
                    break;
                case "git-gate":
                    var gg = r.Mapping(value, "git-gate");
                    foreach (var (_, _, v) in gg is null ? [] : r.Entries(gg, AgentGitGateKeys))
                    {
                        ParseUser(r, v, out var userName, out var email);
                        spec.GitUserName = userName;
                        spec.GitUserEmail = email;
                        spec.Definition = spec.Definition with { GitUser = new GitUser(userName?.Value, email?.Value) };
                    }

                    break;
            }
        }

        return spec;
    }

    /// <summary>Parses a provider plugin file (<c>&lt;home&gt;/providers/&lt;name&gt;.md</c>).</summary>
    public static ProviderDefinition? ParseProvider(byte[] bytes, string path, string name, List<ManifestError> errors)
    {
        var before = errors.Count;
        CheckFileName(name, path, ManifestNames.MaxNameLength, errors);
        if (BuiltInProviders.All.ContainsKey(name))
        {
            errors.Add(new ManifestError(new SourceLocation(path, 1, 1), ManifestErrorCode.ProviderShadowsBuiltIn,
                $"'{name}' is a built-in provider; give the plugin another name"));
        }

        var loaded = YamlDocumentLoader.LoadMarkdown(bytes, path, errors);
        if (loaded is null)
        {
            return null;
        }

        var r = new SchemaReader(path, loaded.LineOffset, errors);
        var map = loaded.Root is null ? new YamlMappingNode() : r.Mapping(loaded.Root, "the frontmatter");
        if (map is null)
        {
            return null;
        }

        string? image = null, promptFile = null, skillsDir = null, apiHost = null, apiKeyEnv = null;
        ImmutableArray<string>? interactive = null, headless = null, mcp = null;
        foreach (var (key, _, v) in r.Entries(map, PluginKeys))
        {
            switch (key)
            {
                case "image":
                    image = r.Text(v, key);
                    if (image is not null && !ManifestNames.IsValidName(image))
                    {
                        r.Error(v, ManifestErrorCode.InvalidName, $"'image' is an image recipe name matching {ManifestNames.NamePattern}");
                        image = null;
                    }

                    break;
                case "interactive":
                    interactive = Argv(r, v, key, null);
                    break;
                case "headless":
                    headless = Argv(r, v, key, ProviderDefinition.PromptPlaceholder);
                    break;
                case "mcp_register":
                    mcp = Argv(r, v, key, ProviderDefinition.UrlPlaceholder);
                    break;
                case "prompt_file":
                case "skills_dir":
                    var p = r.Text(v, key);
                    if (p is not null && !p.StartsWith('/'))
                    {
                        r.Error(v, ManifestErrorCode.InvalidValue, $"'{key}' is an absolute path inside the bottle (starts with '/')");
                        p = null;
                    }

                    if (key == "prompt_file")
                    {
                        promptFile = p;
                    }
                    else
                    {
                        skillsDir = p;
                    }

                    break;
                case "api_host":
                    var h = r.Text(v, key);
                    if (h is not null)
                    {
                        var reason = HostNames.Validate(h, out var host, out var suggestion);
                        if (reason is null && host.StartsWith("*.", StringComparison.Ordinal))
                        {
                            reason = "a provider's api_host is one exact host name, not a wildcard";
                        }

                        if (reason is not null)
                        {
                            r.Error(v, ManifestErrorCode.InvalidHost, reason, suggestion);
                        }
                        else
                        {
                            apiHost = host;
                        }
                    }

                    break;
                case "api_key_env":
                    apiKeyEnv = r.Text(v, key);
                    if (apiKeyEnv is not null && !ManifestNames.IsValidEnvName(apiKeyEnv))
                    {
                        r.Error(v, ManifestErrorCode.InvalidEnvName, "'api_key_env' is an environment variable name");
                        apiKeyEnv = null;
                    }

                    break;
            }
        }

        var top = loaded.Root ?? map;
        foreach (var (required, value) in new (string, object?)[] { ("image", image), ("interactive", interactive), ("headless", headless), ("prompt_file", promptFile), ("skills_dir", skillsDir) })
        {
            if (value is null && !map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == required))
            {
                r.Error(top, ManifestErrorCode.MissingKey, $"a provider plugin needs '{required}'");
            }
        }

        if ((apiHost is null) != (apiKeyEnv is null) && errors.Count == before)
        {
            r.Error(top, ManifestErrorCode.MissingKey, "'api_host' and 'api_key_env' go together: give both (the provider calls a model API) or neither");
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new ProviderDefinition
        {
            Name = name,
            Image = image!,
            InteractiveCommand = interactive!.Value,
            HeadlessCommand = headless!.Value,
            PromptFile = promptFile!,
            SkillsDirectory = skillsDir!,
            McpRegisterCommand = mcp ?? [],
            ApiHost = apiHost,
            ApiKeyVariable = apiKeyEnv,
            Source = path,
        };
    }

    private static ImmutableArray<string>? Argv(SchemaReader r, YamlNode v, string key, string? placeholder)
    {
        var seq = r.Sequence(v, key);
        if (seq is null)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in seq.Children)
        {
            if (r.Text(item, key + " entry") is { } arg)
            {
                list.Add(arg);
            }
            else
            {
                return null;
            }
        }

        if (list.Count == 0)
        {
            r.Error(v, ManifestErrorCode.InvalidValue, $"'{key}' is an argument vector (a non-empty list: program, then arguments)");
            return null;
        }

        if (placeholder is not null && !list.Any(a => a.Contains(placeholder, StringComparison.Ordinal)))
        {
            r.Error(v, ManifestErrorCode.InvalidValue, $"'{key}' must contain {placeholder} where the value goes");
            return null;
        }

        return [.. list];
    }

    private static void ParseEnv(SchemaReader r, YamlNode value, List<Located<EnvEntry>> into)
    {
        var map = r.Mapping(value, "env");
        if (map is null)
        {
            return;
        }

        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode ks || SchemaReader.Classify(ks) == ScalarKind.Null)
            {
                r.Error(k, ManifestErrorCode.WrongType, $"env keys are variable names, not {SchemaReader.Describe(k)}");
                continue;
            }

            var name = ks.Value!;
            if (!ManifestNames.IsValidEnvName(name))
            {
                r.Error(k, ManifestErrorCode.InvalidEnvName, "an env name has letters, digits and '_' and does not start with a digit",
                    ManifestNames.IsValidEnvName(name.Replace('-', '_')) ? name.Replace('-', '_') : null);
                continue;
            }

            if (name.StartsWith("BOT_BOTTLE_", StringComparison.OrdinalIgnoreCase))
            {
                r.Error(k, ManifestErrorCode.InvalidEnvName, $"env '{name}': names starting with BOT_BOTTLE_ are set by BotBottle itself");
                continue;
            }

            // Text() never echoes the value in its errors: env values may be secrets written by mistake.
            var text = r.Text(v, "env." + name);
            if (text is null)
            {
                continue;
            }

            EnvEntry entry;
            if (text.StartsWith('?'))
            {
                entry = new EnvEntry(name, EnvValueKind.Secret, text[1..].Trim());
            }
            else if (text.StartsWith("${", StringComparison.Ordinal) && text.EndsWith('}'))
            {
                var hostVar = text[2..^1];
                if (!ManifestNames.IsValidEnvName(hostVar))
                {
                    r.Error(v, ManifestErrorCode.InvalidEnvName, $"env '{name}': a \"${{NAME}}\" value names a host environment variable (letters, digits and '_')");
                    continue;
                }

                entry = new EnvEntry(name, EnvValueKind.Host, hostVar);
            }
            else
            {
                entry = new EnvEntry(name, EnvValueKind.Literal, text);
            }

            into.Add(new Located<EnvEntry>(entry, r.At(k)));
        }
    }

    private static void ParseUser(SchemaReader r, YamlNode value, out Located<string>? name, out Located<string>? email)
    {
        name = null;
        email = null;
        var map = r.Mapping(value, "git-gate.user");
        foreach (var (k, _, v) in map is null ? [] : r.Entries(map, UserKeys))
        {
            var text = r.Text(v, "git-gate.user." + k);
            if (text is null)
            {
                continue;
            }

            if (k == "email" && !Email().IsMatch(text))
            {
                r.Error(v, ManifestErrorCode.InvalidValue, "'git-gate.user.email' must be an e-mail address (name@domain)");
                continue;
            }

            if (text.Trim().Length == 0 || text.Contains('\n', StringComparison.Ordinal))
            {
                r.Error(v, ManifestErrorCode.InvalidValue, $"'git-gate.user.{k}' must be one non-empty line");
                continue;
            }

            if (k == "name")
            {
                name = new Located<string>(text, r.At(v));
            }
            else
            {
                email = new Located<string>(text, r.At(v));
            }
        }
    }

    private static void ParseRepos(SchemaReader r, YamlNode value, string dir, List<Located<GitRepository>> into)
    {
        var map = r.Mapping(value, "git-gate.repos");
        if (map is null)
        {
            return;
        }

        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode ks || SchemaReader.Classify(ks) == ScalarKind.Null || !RepoName().IsMatch(ks.Value!))
            {
                r.Error(k, ManifestErrorCode.InvalidName, "a git-gate repository name is a remote name (letters, digits, '.', '_', '-')");
                continue;
            }

            var name = ks.Value!;
            var repo = r.Mapping(v, $"git-gate.repos.{name}");
            if (repo is null)
            {
                continue;
            }

            string? url = null, key = null, hostKey = null;
            YamlNode? urlNode = null, hostKeyNode = null;
            var bad = false;
            bool allowForce = false, allowDelete = false;
            foreach (var (field, _, fv) in r.Entries(repo, RepoKeys))
            {
                if (field is "allow_force_push" or "allow_delete")
                {
                    var flag = r.Bool(fv, $"git-gate.repos.{name}.{field}");
                    bad |= flag is null;
                    if (field == "allow_force_push")
                    {
                        allowForce = flag == true;
                    }
                    else
                    {
                        allowDelete = flag == true;
                    }

                    continue;
                }

                var text = r.Text(fv, $"git-gate.repos.{name}.{field}");
                bad |= text is null;
                switch (field)
                {
                    case "url":
                        url = text;
                        urlNode = fv;
                        break;
                    case "key":
                        key = text is null ? null : ResolveHostPath(text, dir);
                        break;
                    default:
                        hostKey = text;
                        hostKeyNode = fv;
                        break;
                }
            }

            if (url is not null)
            {
                if (ScpLike().Match(url) is { Success: true } scp)
                {
                    r.Error(urlNode!, ManifestErrorCode.InvalidValue, "'url' must be ssh:// or https://; scp-style addresses are not accepted",
                        $"ssh://{scp.Groups[1].Value}/{scp.Groups[2].Value.TrimStart('/')}");
                    bad = true;
                }
                else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ssh" or "https") || uri.Host.Length == 0)
                {
                    r.Error(urlNode!, ManifestErrorCode.InvalidValue, "'url' must be an ssh:// or https:// URL of the upstream repository");
                    bad = true;
                }
                else if (!string.IsNullOrEmpty(uri.UserInfo) && uri.Scheme == "https")
                {
                    r.Error(urlNode!, ManifestErrorCode.InvalidValue, "an https:// 'url' must not carry credentials; put the token in the file 'key' names");
                    bad = true;
                }
                else if (uri.Scheme == "ssh" && hostKey is null && !bad)
                {
                    r.Error(repo, ManifestErrorCode.MissingKey, $"git-gate.repos.{name} uses ssh and needs 'host_key' (the pinned host key, e.g. from ssh-keyscan); the gate never trusts on first use");
                    bad = true;
                }
                else if (uri.Scheme == "https" && hostKey is not null)
                {
                    r.Error(hostKeyNode!, ManifestErrorCode.InvalidValue, "'host_key' applies to ssh:// remotes only");
                    bad = true;
                }
            }
            else if (!bad)
            {
                r.Error(repo, ManifestErrorCode.MissingKey, $"git-gate.repos.{name} needs 'url'");
                bad = true;
            }

            if (key is null && !bad)
            {
                r.Error(repo, ManifestErrorCode.MissingKey, $"git-gate.repos.{name} needs 'key' (host path of the credential the gate pushes with)");
                bad = true;
            }

            if (hostKey is not null && !HostKey().IsMatch(hostKey))
            {
                r.Error(hostKeyNode!, ManifestErrorCode.InvalidValue, "'host_key' is an SSH public host key: '<type> <base64>' as ssh-keyscan prints it (e.g. ssh-ed25519 AAAA…)");
                bad = true;
            }

            if (!bad)
            {
                into.Add(new Located<GitRepository>(new GitRepository(name, url!, key!, hostKey) { AllowForcePush = allowForce, AllowDelete = allowDelete }, r.At(k)));
            }
        }
    }

    /// <summary>Expands <c>~</c> and makes a host path absolute relative to the manifest's folder.</summary>
    internal static string ResolveHostPath(string path, string baseDirectory)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : string.Empty);
        }

        return System.IO.Path.GetFullPath(path, baseDirectory);
    }

    [GeneratedRegex("[^a-z0-9-]", RegexOptions.CultureInvariant)]
    private static partial Regex NonName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SkillName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepoName();

    [GeneratedRegex(@"^[^@\s<>]+@[^@\s<>]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"^([A-Za-z0-9._-]+@[A-Za-z0-9.-]+):(?!//)(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ScpLike();

    [GeneratedRegex(@"^(\S+\s+)?(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\s+[A-Za-z0-9+/]+={0,3}(\s.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostKey();
}
