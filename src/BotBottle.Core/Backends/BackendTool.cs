using System.Globalization;
using System.Text.RegularExpressions;
using BotBottle.Errors;
using BotBottle.Processes;

namespace BotBottle.Backends;

/// <summary>A backend's command-line tool (<c>smolvm</c>, Apple <c>container</c>) exited non-zero.</summary>
public sealed class BackendCommandFailedException : BotBottleException
{
    /// <summary>Creates the error.</summary>
    /// <param name="backend">Backend name.</param>
    /// <param name="action">What was being done, e.g. <c>create the micro-VM bot-bottle-x</c>.</param>
    /// <param name="result">The failed run.</param>
    /// <param name="remedy">What to do, appended to the message.</param>
    public BackendCommandFailedException(string backend, string action, ProcessResult result, string? remedy = null)
        : base("BackendCommandFailed", BotBottleErrorCategory.InvalidOperation, BuildMessage(backend, action, result, remedy))
    {
        Backend = backend;
        Action = action;
        ExitCode = result?.ExitCode ?? -1;
        TargetObject = action;
    }

    /// <summary>The backend.</summary>
    public string Backend { get; }

    /// <summary>What was being done.</summary>
    public string Action { get; }

    /// <summary>The tool's exit code.</summary>
    public int ExitCode { get; }

    private static string BuildMessage(string backend, string action, ProcessResult result, string? remedy)
    {
        ArgumentNullException.ThrowIfNull(result);
        var detail = (result.StandardError.Trim().Length > 0 ? result.StandardError : result.StandardOutput).Trim();
        if (detail.Length > 1500)
        {
            detail = "…" + detail[^1500..];
        }

        return $"The {backend} backend could not {action}: '{result.Spec.DisplayCommandLine}' exited {result.ExitCode}" +
            (detail.Length > 0 ? $": {detail}" : ".") + (remedy is null ? string.Empty : " " + remedy);
    }
}

/// <summary>
/// Runs one backend's command-line tool through an <see cref="IProcessRunner"/> (so tests record the exact argument
/// vectors), resolving it on <c>PATH</c> and turning non-zero exits into <see cref="BackendCommandFailedException"/>.
/// </summary>
/// <param name="runner">Runs the processes.</param>
/// <param name="backend">Backend name, for messages.</param>
/// <param name="tool">Executable name (<c>smolvm</c>, <c>container</c>).</param>
/// <param name="locate">Finds the executable (default <see cref="ExecutableLocator.Find"/>); returns null when absent.</param>
internal sealed partial class BackendTool(IProcessRunner runner, string backend, string tool, Func<string, string?>? locate = null)
{
    private readonly Func<string, string?> _locate = locate ?? ExecutableLocator.Find;

    /// <summary>The tool's name.</summary>
    public string Tool => tool;

    /// <summary>The process runner.</summary>
    public IProcessRunner Runner => runner;

    /// <summary>The tool's full path, or null when it is not on PATH.</summary>
    public string? Locate() => _locate(tool);

    /// <summary>Runs the tool and returns the result whatever the exit code.</summary>
    /// <exception cref="ExecutableNotFoundException">The tool is not on PATH.</exception>
    public Task<ProcessResult> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken, Action<ProcessOutputLine>? output = null, bool interactive = false, TimeSpan? timeout = null)
    {
        var path = Locate() ?? throw new ExecutableNotFoundException(tool, $"The {backend} backend needs it; 'bot-bottle doctor' says how to install it.");
        return runner.RunAsync(new ProcessSpec(path, args) { Interactive = interactive, Timeout = timeout }, output, cancellationToken);
    }

    /// <summary>Runs the tool and requires exit code 0.</summary>
    /// <exception cref="BackendCommandFailedException">It exited non-zero; the message names <paramref name="action"/>.</exception>
    public async Task<ProcessResult> RequireAsync(string action, IReadOnlyList<string> args, CancellationToken cancellationToken, string? remedy = null, TimeSpan? timeout = null)
    {
        var r = await RunAsync(args, cancellationToken, timeout: timeout).ConfigureAwait(false);
        return r.Succeeded ? r : throw new BackendCommandFailedException(backend, action, r, remedy);
    }

    /// <summary>The first <c>major.minor.patch</c> in a <c>--version</c> output (e.g. <c>smolvm 1.22.0</c>), or null.</summary>
    public static Version? ParseVersion(string text)
    {
        var m = VersionPattern().Match(text ?? string.Empty);
        return m.Success
            ? new Version(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))
            : null;
    }

    [GeneratedRegex(@"(\d+)\.(\d+)\.(\d+)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex VersionPattern();
}
