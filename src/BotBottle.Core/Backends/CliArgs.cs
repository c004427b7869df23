namespace BotBottle.Backends;

/// <summary>
/// Argument-vector pieces the Docker-style CLIs we drive (<c>smolvm</c>, Apple <c>container</c>) spell the same way:
/// repeated <c>FLAG K=V</c> pairs and the <c>exec</c> options <c>-w DIR</c>, <c>-e K=V</c>…, <c>-i -t</c>.
/// </summary>
internal static class CliArgs
{
    /// <summary>Appends <c><paramref name="flag"/> K=V</c> for each pair, in order.</summary>
    public static void AddPairs(List<string> args, string flag, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        foreach (var (k, v) in pairs)
        {
            args.Add(flag);
            args.Add($"{k}={v}");
        }
    }

    /// <summary>Appends <c>[-w DIR] [-e K=V]… [-i -t]</c>.</summary>
    public static void AddExecOptions(List<string> args, string? workingDirectory, IEnumerable<KeyValuePair<string, string>> env, bool interactive)
    {
        if (workingDirectory is not null)
        {
            args.Add("-w");
            args.Add(workingDirectory);
        }

        AddPairs(args, "-e", env);
        if (interactive)
        {
            args.Add("-i");
            args.Add("-t");
        }
    }
}
