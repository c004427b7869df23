using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Planning;

namespace BotBottle.Backends;

/// <summary>Collects the secret values a bottle's sidecar needs at start.</summary>
public static class SidecarSecrets
{
    /// <summary>
    /// Resolves, for <paramref name="plan"/>: every secret <c>env</c> entry (from <paramref name="source"/>), and every
    /// route credential (<c>auth.token_ref</c>): a secret entry of the same name, else the host variable of that
    /// name (the provider's host sign-in's token is read from its file, <see cref="HostLogins"/>); and every git gate credential: the contents of the file each <c>git-gate.repos.&lt;name&gt;.key</c> names,
    /// under <see cref="Backends.SidecarContract.GitKeySecretName"/>. Values stay in memory and go to the sidecar only.
    /// </summary>
    /// <exception cref="BotBottleException"><c>SecretMissing</c> naming every missing secret, host variable or unreadable key file and how to provide it; the <c>HostLogin…</c> errors of <see cref="HostLogins.Read"/>.</exception>
    public static async Task<IReadOnlyDictionary<string, SecretValue>> ResolveAsync(BottlePlan plan, ISecretSource source, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(environment);
        var result = new Dictionary<string, SecretValue>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var e in plan.Bottle.Env.Where(e => e.Kind == EnvValueKind.Secret))
        {
            var v = await source.GetSecretAsync(new SecretRequest(e.Name, e.Prompt ?? string.Empty, plan.Agent.Name), cancellationToken).ConfigureAwait(false);
            if (v is null || v.IsEmpty)
            {
                missing.Add($"{e.Name} (set {EnvironmentSecretSource.VariableFor(e.Name)}, pass -Secret, or run in a terminal)");
            }
            else
            {
                result[e.Name] = v;
            }
        }

        // The provider's host sign-in (agent_provider.forward_host_credentials): its access token, read from the host now.
        if (plan.Bottle.ForwardHostCredentials && plan.Bottle.Provider.HostLogin is { } login)
        {
            result[login.SecretName] = HostLogins.Read(login, environment, DateTimeOffset.UtcNow).AccessToken;
        }

        foreach (var route in plan.Bottle.Egress.Routes)
        {
            if (route.Auth is not { } auth || result.ContainsKey(auth.TokenRef))
            {
                continue;
            }

            if (environment(auth.TokenRef) is { Length: > 0 } hostValue)
            {
                result[auth.TokenRef] = new SecretValue(hostValue);
            }
            else if (!plan.Bottle.Env.Any(e => e.Name == auth.TokenRef && e.Kind == EnvValueKind.Secret))
            {
                missing.Add($"{auth.TokenRef} (host variable for the credential of route {route.Host})");
            }
        }

        foreach (var repo in plan.Bottle.GitGate.Repos)
        {
            // The gate's upstream credential: read on the host at start, handed to the sidecar only (never the agent).
            string? credential = null;
            string? why = null;
            try
            {
                credential = await File.ReadAllTextAsync(repo.Key, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                why = ex is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : ex is UnauthorizedAccessException ? "access is denied" : "it cannot be read";
            }

            if (credential is null || credential.Trim().Length == 0)
            {
                missing.Add($"the credential of git-gate.repos.{repo.Name} (the file {repo.Key}: {why ?? "it is empty"})");
            }
            else
            {
                result[Backends.SidecarContract.GitKeySecretName(repo.Name)] = new SecretValue(credential);
            }
        }

        if (missing.Count > 0)
        {
            throw new BotBottleException("SecretMissing", BotBottleErrorCategory.InvalidArgument,
                $"Bottle '{plan.Slug}' cannot start without: {string.Join("; ", missing)}.") { TargetObject = plan.Slug };
        }

        return result;
    }
}
