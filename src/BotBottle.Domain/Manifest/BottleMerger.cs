using System.Collections.Immutable;
using System.Globalization;
using BotBottle.Policy;

namespace BotBottle.Manifest;

/// <summary>
/// Merges a linearized bottle chain into an <see cref="EffectiveBottle"/> (docs/manifest.md "Merge rules"): maps
/// merge by key (env, agent_provider, git-gate.user, a route's fields, dlp), routes merge by host, a repository
/// entry and a route's <c>auth</c> are replaced whole, lists replace (matches, detector lists); the later file
/// wins. Then the agent's <c>git-gate.user</c> is overlaid field by field and the provider's route and placeholder
/// are added. Effective-level checks (token references, provider conflicts) are recorded as located errors.
/// </summary>
internal static class BottleMerger
{
    public static EffectiveBottle Merge(
        IReadOnlyList<BottleSpec> chain,
        AgentSpec? agent,
        Func<Located<string>?, ProviderDefinition> resolveProvider,
        List<ManifestError> errors)
    {
        var env = new List<Located<EnvEntry>>();
        var envIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        Located<string>? template = null, dockerfile = null, authToken = null, userName = null, userEmail = null;
        var repos = new List<Located<GitRepository>>();
        var routes = new List<RouteSpec>();
        Located<EgressLogLevel>? log = null;
        Located<bool>? forward = null;

        foreach (var spec in chain)
        {
            foreach (var e in spec.Env)
            {
                if (envIndex.TryGetValue(e.Value.Name, out var i))
                {
                    env[i] = e;
                }
                else
                {
                    envIndex[e.Value.Name] = env.Count;
                    env.Add(e);
                }
            }

            template = spec.Template ?? template;
            dockerfile = spec.Dockerfile ?? dockerfile;
            authToken = spec.AuthToken ?? authToken;
            forward = spec.ForwardHostCredentials ?? forward;
            userName = spec.GitUserName ?? userName;
            userEmail = spec.GitUserEmail ?? userEmail;
            foreach (var repo in spec.Repos)
            {
                var i = repos.FindIndex(r => r.Value.Name == repo.Value.Name);
                if (i >= 0)
                {
                    repos[i] = repo;
                }
                else
                {
                    repos.Add(repo);
                }
            }

            foreach (var route in spec.Routes)
            {
                var i = routes.FindIndex(r => r.Host == route.Host);
                if (i >= 0)
                {
                    routes[i] = route.Over(routes[i]);
                }
                else
                {
                    routes.Add(route);
                }
            }

            log = spec.Log ?? log;
        }

        if (agent is not null)
        {
            userName = agent.GitUserName ?? userName;
            userEmail = agent.GitUserEmail ?? userEmail;
        }

        var provider = resolveProvider(template);
        var provenance = new List<ProvenanceEntry>();
        string providerNote = string.Empty;
        ProviderCredential? credential = null;

        // The provider's own model-API route and the agent's placeholder key (PRODUCT.md §3.2 agent_provider.auth_token).
        if (authToken is { } token)
        {
            providerNote = $"provider '{provider.Name}' for agent_provider.auth_token at {token.At}";
            if (provider.ApiHost is null)
            {
                errors.Add(new ManifestError(token.At, ManifestErrorCode.ProviderHasNoApi,
                    $"provider '{provider.Name}' calls no model API, so 'agent_provider.auth_token' has nothing to authenticate; remove it"));
            }
            else
            {
                // The header the API expects for this kind of credential (an API key in x-api-key, an OAuth token as Bearer, …).
                credential = provider.CredentialFor(token.Value)!;
                var auth = new Located<RouteAuth>(credential.AuthFor(token.Value), token.At);
                var providerRoute = new RouteSpec(provider.ApiHost, token.At)
                {
                    Auth = auth,
                    OutboundOnMatch = new Located<DlpAction>(DlpAction.Redact, token.At),
                };
                var i = routes.FindIndex(r => r.Host == provider.ApiHost);
                if (i >= 0)
                {
                    // Operator fields win, except the credential, which is the provider's.
                    routes[i] = routes[i].Over(providerRoute) with { Auth = auth };
                }
                else
                {
                    routes.Insert(0, providerRoute);
                }

                if (credential.Variable is { } keyVar)
                {
                    if (envIndex.TryGetValue(keyVar, out var ei))
                    {
                        if (env[ei].Value.Kind != EnvValueKind.Secret)
                        {
                            errors.Add(new ManifestError(env[ei].At, ManifestErrorCode.EnvConflictsWithProvider,
                                $"env '{keyVar}' conflicts with agent_provider.auth_token: the provider gives the agent a placeholder in {keyVar} and the sidecar injects the real credential; remove this entry"));
                        }
                    }
                    else
                    {
                        envIndex[keyVar] = env.Count;
                        env.Add(new Located<EnvEntry>(new EnvEntry(keyVar, EnvValueKind.Literal, ProviderDefinition.PlaceholderValue), token.At));
                    }
                }
            }
        }

        // The operator's own sign-in on the host (the original's forward_host_credentials): the provider's route for its
        // sign-in's API, whose token the sidecar reads from the host's sign-in file at start; the agent gets a placeholder file.
        string loginNote = string.Empty;
        if (forward is { Value: true } fw)
        {
            loginNote = $"provider '{provider.Name}' for agent_provider.forward_host_credentials at {fw.At}";
            if (authToken is { } both)
            {
                errors.Add(new ManifestError(fw.At, ManifestErrorCode.ConflictingProviderCredentials,
                    $"agent_provider.forward_host_credentials and agent_provider.auth_token ({both.At}) both give the agent a sign-in; keep one"));
            }
            else if (provider.HostLogin is not { } login)
            {
                errors.Add(new ManifestError(fw.At, ManifestErrorCode.ProviderHasNoHostLogin,
                    $"provider '{provider.Name}' cannot use a sign-in from the host (only 'codex' can, with its ChatGPT sign-in); use agent_provider.auth_token with a host variable holding the credential"));
            }
            else
            {
                var auth = new Located<RouteAuth>(new RouteAuth(AuthScheme.Bearer, login.SecretName), fw.At);
                var loginRoute = new RouteSpec(login.ApiHost, fw.At)
                {
                    Auth = auth,
                    Matches = login.PathPrefixes.IsDefaultOrEmpty ? null : new Located<ImmutableArray<RouteMatch>>(login.RouteMatches(), fw.At),
                    OutboundOnMatch = new Located<DlpAction>(DlpAction.Redact, fw.At),
                };
                var i = routes.FindIndex(r => r.Host == login.ApiHost);
                if (i >= 0)
                {
                    // Operator fields win (ports, matches, dlp, …), except the credential, which is the sign-in's.
                    routes[i] = routes[i].Over(loginRoute) with { Auth = auth };
                }
                else
                {
                    routes.Insert(0, loginRoute);
                }
            }
        }

        // token_ref: a secret env entry, or a host variable read at start; never a value the agent can see.
        foreach (var route in routes)
        {
            // The provider's placeholder shares its name with the host variable on purpose: the agent sees the
            // placeholder, the sidecar reads the host variable.
            var isPlaceholder = providerNote.Length > 0 && route.Auth?.Value.TokenRef == authToken?.Value && route.Auth?.Value.TokenRef == credential?.Variable;
            if (route.Auth is { } a && !isPlaceholder && envIndex.TryGetValue(a.Value.TokenRef, out var ei) && env[ei].Value.Kind != EnvValueKind.Secret)
            {
                var kind = env[ei].Value.Kind == EnvValueKind.Host ? "copied from the host into the agent's environment" : "a literal the agent can read";
                errors.Add(new ManifestError(a.At, ManifestErrorCode.TokenRefNotSecret,
                    $"auth.token_ref '{a.Value.TokenRef}' of route '{route.Host}' names env entry '{a.Value.TokenRef}' ({env[ei].At}), which is {kind}; make it a secret (\"?\") entry, or name a host variable that is not in env"));
            }
        }

        // Provenance, in a stable order.
        foreach (var e in env)
        {
            var fromProvider = providerNote.Length > 0 && e.Value.Name == credential?.Variable && e.Value.Kind == EnvValueKind.Literal && e.Value.Text == ProviderDefinition.PlaceholderValue;
            provenance.Add(new ProvenanceEntry("env." + e.Value.Name, Display(e.Value), fromProvider ? providerNote : e.At.ToString()));
        }

        provenance.Add(new ProvenanceEntry("agent_provider.template", provider.Name, template?.At.ToString() ?? "default"));
        if (dockerfile is { } df)
        {
            provenance.Add(new ProvenanceEntry("agent_provider.dockerfile", df.Value, df.At.ToString()));
        }

        if (authToken is { } at)
        {
            provenance.Add(new ProvenanceEntry("agent_provider.auth_token", at.Value, at.At.ToString()));
        }

        if (forward is { } fwd)
        {
            provenance.Add(new ProvenanceEntry("agent_provider.forward_host_credentials", fwd.Value ? "true" : "false", fwd.At.ToString()));
        }

        if (userName is { } un)
        {
            provenance.Add(new ProvenanceEntry("git-gate.user.name", un.Value, un.At.ToString()));
        }

        if (userEmail is { } ue)
        {
            provenance.Add(new ProvenanceEntry("git-gate.user.email", ue.Value, ue.At.ToString()));
        }

        foreach (var repo in repos)
        {
            provenance.Add(new ProvenanceEntry($"git-gate.repos.{repo.Value.Name}", repo.Value.Url, repo.At.ToString()));
        }

        foreach (var route in routes)
        {
            var key = $"egress.routes[{route.Host}]";
            var source = providerNote.Length > 0 && route.Host == provider.ApiHost && route.At == authToken?.At ? providerNote
                : loginNote.Length > 0 && route.Host == provider.HostLogin?.ApiHost && route.At == forward?.At ? loginNote
                : route.At.ToString();
            provenance.Add(new ProvenanceEntry(key, route.Host, source));
            Add(provenance, key + ".auth", route.Auth, a => a.ToString(), providerNote, authToken);
            Add(provenance, key + ".matches", route.Matches, m => m.Length.ToString(CultureInfo.InvariantCulture) + (m.Length == 1 ? " entry" : " entries"), providerNote, authToken);
            Add(provenance, key + ".dlp.outbound_detectors", route.OutboundDetectors, d => d.IsEmpty ? "false" : string.Join(", ", d.Select(x => x == OutboundDetector.TokenPatterns ? "token_patterns" : "known_secrets")), providerNote, authToken);
            Add(provenance, key + ".dlp.inbound_detectors", route.InboundDetectors, d => d.IsEmpty ? "false" : "injection", providerNote, authToken);
            Add(provenance, key + ".dlp.outbound_on_match", route.OutboundOnMatch, d => d.ToString().ToLowerInvariant(), providerNote, authToken);
            Add(provenance, key + ".git.fetch", route.GitFetch, f => f ? "true" : "false", providerNote, authToken);
            Add(provenance, key + ".allow_private", route.AllowPrivate, f => f ? "true" : "false", providerNote, authToken);
        }

        provenance.Add(new ProvenanceEntry("egress.log", ((int)(log?.Value ?? EgressLogLevel.Blocked)).ToString(CultureInfo.InvariantCulture), log?.At.ToString() ?? "default"));

        return new EffectiveBottle
        {
            Chain = chain.Select(c => c.Name).ToImmutableArray(),
            Env = env.Select(e => e.Value).ToImmutableArray(),
            Provider = provider,
            Dockerfile = dockerfile?.Value,
            AuthTokenVariable = authToken?.Value,
            ForwardHostCredentials = forward?.Value == true && authToken is null && provider.HostLogin is not null,
            GitUser = userName is null && userEmail is null ? null : new GitUser(userName?.Value, userEmail?.Value),
            Repositories = repos.Select(r => r.Value).ToImmutableArray(),
            Egress = new EgressPolicy(routes.Select(r => r.ToRoute()).ToImmutableArray(), log?.Value ?? EgressLogLevel.Blocked),
            Provenance = [.. provenance],
        };
    }

    /// <summary>How an env entry is shown: literal value, <c>${HOST}</c>, or <c>&lt;secret&gt;</c> with its prompt.</summary>
    public static string Display(EnvEntry e) => e.Kind switch
    {
        EnvValueKind.Host => "${" + e.Text + "}",
        EnvValueKind.Secret => e.Text.Length > 0 ? $"<secret> (prompt: {e.Text})" : "<secret>",
        _ => e.Text,
    };

    private static void Add<T>(List<ProvenanceEntry> into, string key, Located<T>? value, Func<T, string> show, string providerNote, Located<string>? authToken)
    {
        if (value is { } v)
        {
            var fromProvider = providerNote.Length > 0 && authToken is { } t && v.At == t.At;
            into.Add(new ProvenanceEntry(key, show(v.Value), fromProvider ? providerNote : v.At.ToString()));
        }
    }
}
