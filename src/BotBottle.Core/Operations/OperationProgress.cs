namespace BotBottle.Operations;

/// <summary>
/// A progress report from a long core operation (image build, start, wait). Core services report through
/// <see cref="IProgress{T}"/> of this type; the PowerShell module drains reports into <c>WriteProgress</c> and
/// <c>WriteVerbose</c> on the pipeline thread, the CLI prints them to stderr.
/// </summary>
/// <param name="Activity">What is being done, e.g. <c>Building image bot-bottle/shell</c>.</param>
/// <param name="Status">The current step or the latest output line.</param>
/// <param name="PercentComplete">0–100 when known, otherwise -1.</param>
/// <param name="Completed"><see langword="true"/> on the final report of the activity.</param>
/// <param name="Warning">
/// <see langword="true"/>: <see cref="Status"/> is a warning the operator should read (a step that failed without
/// stopping the operation); the CLI prints it as <c>warning:</c>, the module as <c>WriteWarning</c>.
/// </param>
public sealed record OperationProgress(string Activity, string Status, int PercentComplete = -1, bool Completed = false, bool Warning = false)
{
    /// <inheritdoc />
    public override string ToString() => PercentComplete >= 0 ? $"{Activity}: {Status} ({PercentComplete}%)" : $"{Activity}: {Status}";
}
