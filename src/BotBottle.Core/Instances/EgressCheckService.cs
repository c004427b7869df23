using BotBottle.Backends;
using BotBottle.Dlp;
using BotBottle.Egress;
using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Policy;

namespace BotBottle.Instances;

/// <summary>
/// Runs the offline egress check against a routes file or a bottle's live routes, with the known secrets this
/// host can supply without prompting: every <c>BOT_BOTTLE_SECRET_&lt;NAME&gt;</c> variable, and the host variables
/// named by the routes' <c>auth.token_ref</c>.
/// </summary>
public sealed class EgressCheckService(InstanceStore store, Func<string, string?> environment)
{
    /// <summary>The policy of a bottle: its live routes file when it has run, else the plan's routes.</summary>
    /// <exception cref="BotBottleException"><c>BottleNotFound</c>; <see cref="ManifestException"/> when the live file is invalid.</exception>
    public EgressPolicy BottlePolicy(string slug)
    {
        var instance = store.Load(slug);
        var live = instance.PathOf(SidecarContract.RoutesFile);
        return File.Exists(live) ? RoutesFile.Load(live) : instance.Plan.Bottle.Egress;
    }

    /// <summary>Evaluates a request against a routes file.</summary>
    public EgressVerdict CheckRoutesFile(string routesFile, EgressCheckRequest request)
    {
        ArgumentException.ThrowIfNullOrEmpty(routesFile);
        if (!File.Exists(routesFile))
        {
            throw new BotBottleException("RoutesFileNotFound", BotBottleErrorCategory.ObjectNotFound, $"The routes file {routesFile} does not exist.") { TargetObject = routesFile };
        }

        return Check(RoutesFile.Load(routesFile), request);
    }

    /// <summary>Evaluates a request against a bottle's routes.</summary>
    public EgressVerdict CheckBottle(string slug, EgressCheckRequest request) => Check(BottlePolicy(slug), request);

    /// <summary>Evaluates a request against a policy.</summary>
    public EgressVerdict Check(EgressPolicy policy, EgressCheckRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var route in policy.Routes)
        {
            if (route.Auth is { } auth && environment(auth.TokenRef) is { Length: > 0 } v)
            {
                secrets[auth.TokenRef] = v;
            }
        }

        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && k.StartsWith(EnvironmentSecretSource.Prefix, StringComparison.Ordinal) && environment(k) is { Length: > 0 } v)
            {
                secrets[k[EnvironmentSecretSource.Prefix.Length..]] = v;
            }
        }

        var inspector = new EgressInspector(DlpEngine.Create(secrets.Select(kv => new KnownSecret(kv.Key, kv.Value))));
        return EgressCheck.Evaluate(new CompiledEgressPolicy(policy), inspector, request);
    }
}
