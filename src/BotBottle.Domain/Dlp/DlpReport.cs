namespace BotBottle.Dlp;

/// <summary>The outcome of scanning one request: every finding, in no particular order.</summary>
/// <param name="Findings">The findings; empty when the request is clean.</param>
public sealed record DlpReport(IReadOnlyList<DlpFinding> Findings)
{
    /// <summary>A report without findings.</summary>
    public static DlpReport Clean { get; } = new(Array.Empty<DlpFinding>());

    /// <summary><see langword="true"/> when at least one finding was made.</summary>
    public bool HasFindings => Findings.Count > 0;
}
