using BotBottle.Errors;
using BotBottle.Manifest;

namespace BotBottle.Cli.Output;

/// <summary>Runs a command body and turns failures into stderr lines and exit codes (errors never go to stdout).</summary>
internal static class CliErrors
{
    /// <summary>
    /// Runs <paramref name="body"/>. <see cref="ManifestException"/> prints every located error
    /// (<c>file:line:col: message</c>) and exits 2; other <see cref="BotBottleException"/>s print
    /// <c>error: message [ErrorId]</c> (then <c>hint: run '…'</c> with the CLI command of the error's
    /// <see cref="BotBottleException.Recommended"/> action) and exit 2 for bad input, 1 otherwise; Ctrl+C exits 130.
    /// </summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (ManifestException ex)
        {
            foreach (var e in ex.Errors)
            {
                Console.Error.WriteLine(e.ToString());
            }

            Console.Error.WriteLine($"error: the manifest is invalid ({ex.Errors.Length} {(ex.Errors.Length == 1 ? "error" : "errors")}) [{ex.ErrorId}]");
            return ExitCodes.InvalidInput;
        }
        catch (BotBottleException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message} [{ex.ErrorId}]");
            if (ex.Recommended is { } action)
            {
                Console.Error.WriteLine($"hint: run '{RecommendedCommand(action)}'");
            }

            return ex.Category is BotBottleErrorCategory.InvalidArgument or BotBottleErrorCategory.InvalidData ? ExitCodes.InvalidInput : ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>The CLI's command for a recommended action (Core names the action; each face words it).</summary>
    /// <param name="action">The action an error recommends.</param>
    /// <returns>E.g. <c>bot-bottle rm NAME --force</c>.</returns>
    public static string RecommendedCommand(RecommendedAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Kind switch
        {
            RecommendedActionKind.StartBottle => $"bot-bottle resume {action.Bottle}",
            RecommendedActionKind.RemoveBottle => $"bot-bottle rm {action.Bottle}",
            RecommendedActionKind.ForceRemoveBottle => $"bot-bottle rm {action.Bottle} --force",
            RecommendedActionKind.ListBottles => "bot-bottle list active",
            RecommendedActionKind.ListProposals => "bot-bottle proposals",
            RecommendedActionKind.RunCommand => $"bot-bottle exec {action.Bottle} -- <command>",
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.Kind, "Unknown recommended action."),
        };
    }

    /// <summary>Writes a warning line to stderr.</summary>
    public static void Warn(string message) => Console.Error.WriteLine("warning: " + message);

    /// <summary>Writes warning findings to stderr as <c>file: warning: message</c>.</summary>
    public static void Warn(IEnumerable<ManifestFinding> findings)
    {
        foreach (var f in findings)
        {
            Console.Error.WriteLine(f.ToString());
        }
    }
}
