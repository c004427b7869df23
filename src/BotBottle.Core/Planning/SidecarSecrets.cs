using BotBottle.Errors;
using BotBottle.Manifest;

namespace BotBottle.Planning;

/// <summary>Collects the secret values a bottle's sidecar needs at start.</summary>
public static class SidecarSecrets
{
    /// <summary>
    /// Resolves, for <paramref name="plan"/>: every secret <c>env</c> entry (from <paramref name="source"/>), and every
    /// route credential (<c>auth.token_ref</c>): a secret entry of the same name, else the host variable of that
    /// name. Values stay in memory and go to the sidecar only.
    /// </summary>
    /// <exception cref="BotBottleException"><c>SecretMissing</c> naming every missing secret or host variable and how to provide it.</exception>
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

        if (missing.Count > 0)
        {
            throw new BotBottleException("SecretMissing", BotBottleErrorCategory.InvalidArgument,
                $"Bottle '{plan.Slug}' cannot start without: {string.Join("; ", missing)}.") { TargetObject = plan.Slug };
        }

        return result;
    }
}
