using BotBottle.Backends.Provisioning;
using BotBottle.Planning;

namespace BotBottle.Backends;

/// <summary>The <c>insteadOf</c> rewrites that send the agent's git traffic for gated repositories to the sidecar's git gate.</summary>
public static class GitGateRewrites
{
    /// <summary>One rewrite per <c>git-gate.repos</c> entry: <c>http://sidecar:8751/&lt;name&gt;.git</c> instead of its upstream URL.</summary>
    public static IReadOnlyList<GitRewrite> For(BottlePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return [.. plan.Bottle.GitGate.Repos.Select(r => new GitRewrite($"http://{SidecarContract.HostName}:{SidecarContract.GitGatePort}/{r.Name}.git", r.Url))];
    }
}
