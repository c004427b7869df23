using System.Collections.Immutable;

namespace BotBottle.Manifest;

/// <summary>
/// One bottle definition as <c>Get-BottleAgent -Bottle</c> and <c>bot-bottle list bottles</c> show it: what the
/// bottle lets an agent touch, merged through its <c>extends</c> chain (PRODUCT.md §3), with names only — never a
/// secret's value.
/// </summary>
public sealed record BottleSummary
{
    /// <summary>Bottle name (file name without <c>.md</c> in <c>&lt;home&gt;/bottles</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The linearised <c>extends</c> chain, parents first, ending with this bottle; empty when the chain is invalid.</summary>
    public ImmutableArray<string> Chain { get; init; } = [];

    /// <summary>Effective provider (<c>claude</c>, <c>codex</c>, <c>shell</c>, a plugin); <see langword="null"/> when the bottle or its chain is invalid.</summary>
    public string? Provider { get; init; }

    /// <summary>The hosts of its egress routes, in route order (a wildcard route shows as <c>*.example.com</c>).</summary>
    public ImmutableArray<string> Hosts { get; init; } = [];

    /// <summary>The names of its <c>env</c> entries whose values are secrets (asked for at prepare time; values never shown).</summary>
    public ImmutableArray<string> Secrets { get; init; } = [];

    /// <summary>The names of its git-gate repositories (<c>origin</c>, …).</summary>
    public ImmutableArray<string> Repositories { get; init; } = [];

    /// <summary>Absolute path of the bottle file.</summary>
    public required string Path { get; init; }

    /// <summary><see langword="false"/> when the bottle or its chain has manifest errors (run <c>Test-BottleManifest</c>).</summary>
    public bool IsValid { get; init; } = true;

    /// <inheritdoc />
    public override string ToString() => Name;
}
