using BotBottle.Operations;

namespace BotBottle.Cli.Output;

/// <summary>Prints core progress to stderr: each step once; raw build output only with <c>--verbose</c>.</summary>
internal sealed class CliProgress(bool verbose) : IProgress<OperationProgress>
{
    private readonly object _gate = new();
    private string? _last;

    public void Report(OperationProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Warning)
        {
            CliErrors.Warn(value.Status);
            return;
        }

        var isStep = value.PercentComplete >= 0 || value.Completed;
        if (!isStep && !verbose)
        {
            return;
        }

        var line = isStep ? $"[{value.Activity}] {value.Status}" : $"  {value.Status}";
        lock (_gate)
        {
            if (line == _last)
            {
                return;
            }

            _last = line;
            Console.Error.WriteLine(line);
        }
    }
}
