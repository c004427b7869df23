using System.Collections.Immutable;
using System.Text.Json.Serialization;
using BotBottle.Serialization;

namespace BotBottle.Manifest;

/// <summary>One agent as <c>Get-BottleAgent</c> and <c>bot-bottle list</c> show it.</summary>
public sealed record BottleAgent
{
    /// <summary>Agent name (file name without <c>.md</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The bottle it names, or <see langword="null"/> for a portable agent.</summary>
    public string? Bottle { get; init; }

    /// <summary>Effective provider (<c>claude</c>, <c>codex</c>, <c>shell</c>, a plugin); <see langword="null"/> for a portable agent or when its bottle chain is invalid.</summary>
    public string? Provider { get; init; }

    /// <summary>Home or project.</summary>
    public required ManifestSourceKind Source { get; init; }

    /// <summary>Absolute path of the agent file.</summary>
    public required string Path { get; init; }

    /// <summary>The agent's <c>description</c>, when it has one.</summary>
    public string? Description { get; init; }

    /// <summary><see langword="false"/> when the agent or its bottle chain has manifest errors (run <c>Test-BottleManifest</c>).</summary>
    public bool IsValid { get; init; } = true;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Which kind of manifest a file is.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<ManifestKind>))]
public enum ManifestKind
{
    /// <summary>An agent (<c>agents/&lt;name&gt;.md</c>).</summary>
    Agent,

    /// <summary>A bottle (<c>bottles/&lt;name&gt;.md</c>).</summary>
    Bottle,

    /// <summary>A provider plugin (<c>providers/&lt;name&gt;.md</c>).</summary>
    Provider,
}

/// <summary>The outcome of validating manifests: every finding, sorted by file, line and column.</summary>
public sealed record ManifestValidationReport
{
    /// <summary>Every error and warning.</summary>
    public required ImmutableArray<ManifestFinding> Findings { get; init; }

    /// <summary>Files checked (absolute paths), in the order checked.</summary>
    public required ImmutableArray<string> Files { get; init; }

    /// <summary>Number of error findings.</summary>
    public int ErrorCount => Findings.Count(f => f.Severity == FindingSeverity.Error);

    /// <summary>Number of warning findings.</summary>
    public int WarningCount => Findings.Count(f => f.Severity == FindingSeverity.Warning);

    /// <summary><see langword="true"/> when there is no error (warnings allowed).</summary>
    public bool IsValid => ErrorCount == 0;

    /// <inheritdoc />
    public override string ToString() => $"{Files.Length} files: {ErrorCount} errors, {WarningCount} warnings";
}
