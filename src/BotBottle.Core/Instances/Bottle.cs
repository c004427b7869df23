using System.Text.Json.Serialization;
using BotBottle.Planning;
using BotBottle.Serialization;

namespace BotBottle.Instances;

/// <summary>
/// One bottle instance (PRODUCT.md §2): what <c>New-Bottle</c> outputs and <c>Start-Bottle</c>, <c>Stop-Bottle</c>
/// and <c>Remove-Bottle</c> take from the pipeline (by <see cref="Name"/>).
/// </summary>
public sealed record Bottle
{
    /// <summary>The slug: <c>&lt;agent&gt;-&lt;5 base36&gt;</c> or the operator's label.</summary>
    public required string Name { get; init; }

    /// <summary>Agent name.</summary>
    public required string Agent { get; init; }

    /// <summary>Lifecycle state.</summary>
    public required BottleState State { get; init; }

    /// <summary>Backend, or <see langword="null"/> until chosen at start.</summary>
    public string? Backend { get; init; }

    /// <summary>Operator label, or <see langword="null"/>.</summary>
    public string? Label { get; init; }

    /// <summary>Absolute project folder.</summary>
    public required string ProjectPath { get; init; }

    /// <summary>Creation time (UTC).</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary><c>&lt;home&gt;/state/&lt;slug&gt;</c> (for a dry run: where it would be).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The plan, when loaded.</summary>
    public BottlePlan? Plan { get; init; }

    /// <summary>When it last started running (UTC), or <see langword="null"/>.</summary>
    public DateTimeOffset? Started { get; init; }

    /// <summary>Service name → status as the backend sees it now (<c>agent</c>, <c>sidecar</c>: <c>running</c>, <c>exited (1)</c>, <c>missing</c>); empty when not asked or not started.</summary>
    public IReadOnlyDictionary<string, string> Services { get; init; } = new Dictionary<string, string>();

    /// <summary>Why the bottle is <see cref="BottleState.Failed"/>, when it is.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// The repositories its git gate fronts (<c>git-gate.repos</c>): name and upstream URL, in plan order; empty when
    /// the plan has none. Inside the bottle, git reaches each at
    /// <c>http://sidecar:8751/&lt;name&gt;.git</c> through an <c>insteadOf</c> rewrite of the upstream URL.
    /// </summary>
    public IReadOnlyList<BottleRepository> Repositories { get; init; } = [];

    /// <summary>The <see cref="Repositories"/> of <paramref name="plan"/>.</summary>
    /// <param name="plan">A plan, or <see langword="null"/>.</param>
    /// <returns>Name and upstream URL of each gated repository; empty for <see langword="null"/>.</returns>
    public static IReadOnlyList<BottleRepository> RepositoriesOf(BottlePlan? plan) =>
        plan is null ? [] : [.. plan.Bottle.GitGate.Repos.Select(r => new BottleRepository(r.Name, r.Url))];

    /// <summary>The slug.</summary>
    public override string ToString() => Name;
}

/// <summary>A repository fronted by a bottle's git gate, as <c>Get-Bottle</c> and <c>bot-bottle list</c> show it.</summary>
/// <param name="Name">The <c>git-gate.repos</c> key.</param>
/// <param name="Url">The upstream URL (<c>ssh://</c> or <c>https://</c>); never carries a credential.</param>
public sealed record BottleRepository(string Name, string Url)
{
    /// <summary><c>name url</c>.</summary>
    public override string ToString() => $"{Name} {Url}";
}
