namespace BotBottle.Errors;

/// <summary>What an operator can do about an error, named without any face's syntax.</summary>
public enum RecommendedActionKind
{
    /// <summary>Start (or resume) the bottle: <c>Start-Bottle NAME</c> / <c>bot-bottle resume NAME</c>.</summary>
    StartBottle,

    /// <summary>Remove the bottle and start a new one: <c>Remove-Bottle NAME</c> / <c>bot-bottle rm NAME</c>.</summary>
    RemoveBottle,

    /// <summary>Remove the bottle even though it runs or cannot be read: <c>Remove-Bottle NAME -Force</c> / <c>bot-bottle rm NAME --force</c>.</summary>
    ForceRemoveBottle,

    /// <summary>List the bottles: <c>Get-Bottle</c> / <c>bot-bottle list active</c>.</summary>
    ListBottles,

    /// <summary>List the proposals: <c>Get-BottleProposal</c> / <c>bot-bottle proposals</c>.</summary>
    ListProposals,

    /// <summary>Run one command in the bottle, without a terminal: <c>Invoke-BottleCommand NAME &lt;command&gt;</c> / <c>bot-bottle exec NAME -- &lt;command&gt;</c>.</summary>
    RunCommand,
}

/// <summary>
/// The command an error recommends, carried by <see cref="BotBottleException.Recommended"/>. Core messages say what
/// to do in words ("remove it and start a new one"); each face words this in its own syntax (the PowerShell module
/// as the error record's <c>ErrorDetails.RecommendedAction</c>, the CLI as a <c>hint:</c> line).
/// </summary>
/// <param name="Kind">What to do.</param>
/// <param name="Bottle">The bottle it applies to, when there is one.</param>
public sealed record RecommendedAction(RecommendedActionKind Kind, string? Bottle = null)
{
    /// <summary>Start (or resume) <paramref name="bottle"/>.</summary>
    public static RecommendedAction Start(string bottle) => new(RecommendedActionKind.StartBottle, bottle);

    /// <summary>Remove <paramref name="bottle"/> (and start a new one).</summary>
    public static RecommendedAction Remove(string bottle) => new(RecommendedActionKind.RemoveBottle, bottle);

    /// <summary>Remove <paramref name="bottle"/> with force.</summary>
    public static RecommendedAction ForceRemove(string bottle) => new(RecommendedActionKind.ForceRemoveBottle, bottle);

    /// <summary>List the bottles.</summary>
    public static RecommendedAction ListBottles { get; } = new(RecommendedActionKind.ListBottles);

    /// <summary>List the proposals.</summary>
    public static RecommendedAction ListProposals { get; } = new(RecommendedActionKind.ListProposals);

    /// <summary>Run one command in <paramref name="bottle"/> without a terminal.</summary>
    public static RecommendedAction RunCommand(string bottle) => new(RecommendedActionKind.RunCommand, bottle);
}
