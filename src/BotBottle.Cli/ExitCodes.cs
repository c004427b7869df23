namespace BotBottle.Cli;

/// <summary>Process exit codes of <c>bot-bottle</c>.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran and failed (engine error, bottle not found, …).</summary>
    public const int Failure = 1;

    /// <summary>The input was invalid (bad arguments, bad manifest, bad request) and nothing was changed.</summary>
    public const int InvalidInput = 2;

    /// <summary>Cancelled with Ctrl+C.</summary>
    public const int Cancelled = 130;
}
