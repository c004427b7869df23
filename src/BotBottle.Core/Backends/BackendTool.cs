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

    /// <summary>What replaces a secret value in the message.</summary>
    public const string Redacted = "[redacted]";

    private static string BuildMessage(string backend, string action, ProcessResult result, string? remedy)
    {
        ArgumentNullException.ThrowIfNull(result);
        var detail = Redact((result.StandardError.Trim().Length > 0 ? result.StandardError : result.StandardOutput).Trim(), result.Spec);
        if (detail.Length > 1500)
        {
            detail = "…" + detail[^1500..];
        }

        return $"The {backend} backend could not {action}: '{Redact(result.Spec.DisplayCommandLine, result.Spec)}' exited {result.ExitCode}" +
            (detail.Length > 0 ? $": {detail}" : ".") + (remedy is null ? string.Empty : " " + remedy);
    }

    /// <summary>
    /// <paramref name="text"/> with every value of <paramref name="spec"/>'s <see cref="ProcessSpec.Environment"/>
    /// (the secret-bearing values, <see cref="CliArgs.AddInherited"/>) replaced by <see cref="Redacted"/>, longest
    /// first: the safety net that keeps a tool that echoes its environment from putting a secret in an error
    /// (PRODUCT.md §3.1: no error echoes a secret).
    /// </summary>
    private static string Redact(string text, ProcessSpec spec)
    {
        foreach (var value in spec.Environment.Values.OfType<string>().Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length))
        {
            text = text.Replace(value, Redacted, StringComparison.Ordinal);
        }

        return text;
    }
}

/// <summary>
/// One run of a backend tool: the argument vector (never a secret) and the variables added to the tool's own
/// environment, whose values the tool copies into the guest for bare <c>-e NAME</c> options (<see cref="CliArgs.AddInherited"/>).
/// </summary>
/// <param name="Arguments">The argument vector.</param>
/// <param name="Environment">NAME → value for the tool's environment; secret-bearing, never printed.</param>
internal sealed record BackendCommand(IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string?> Environment);

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
    /// <param name="args">The argument vector (no secret: it is visible to every host user and printed in errors).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <param name="output">Receives each output line.</param>
    /// <param name="interactive">Inherit the console.</param>
    /// <param name="timeout">Wall-clock limit.</param>
    /// <param name="environment">Variables added to the tool's environment: the values of bare <c>-e NAME</c> options (<see cref="CliArgs.AddInherited"/>).</param>
    /// <exception cref="ExecutableNotFoundException">The tool is not on PATH.</exception>
    public Task<ProcessResult> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken, Action<ProcessOutputLine>? output = null, bool interactive = false, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var path = Locate() ?? throw new ExecutableNotFoundException(tool, $"The {backend} backend needs it; 'bot-bottle doctor' says how to install it.");
        var spec = new ProcessSpec(path, args) { Interactive = interactive, Timeout = timeout };
        return runner.RunAsync(environment is { Count: > 0 } ? spec with { Environment = environment } : spec, output, cancellationToken);
    }

    /// <summary>Runs the tool and requires exit code 0.</summary>
    /// <exception cref="BackendCommandFailedException">It exited non-zero; the message names <paramref name="action"/>.</exception>
    public async Task<ProcessResult> RequireAsync(string action, IReadOnlyList<string> args, CancellationToken cancellationToken, string? remedy = null, TimeSpan? timeout = null)
    {
        var r = await RunAsync(args, cancellationToken, timeout: timeout).ConfigureAwait(false);
        return r.Succeeded ? r : throw new BackendCommandFailedException(backend, action, r, remedy);
    }

    /// <summary>Runs <paramref name="command"/> (arguments plus the tool's extra environment) and requires exit code 0.</summary>
    /// <exception cref="BackendCommandFailedException">It exited non-zero; the message names <paramref name="action"/> and shows no value of <see cref="BackendCommand.Environment"/>.</exception>
    public async Task<ProcessResult> RequireAsync(string action, BackendCommand command, CancellationToken cancellationToken, string? remedy = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        var r = await RunAsync(command.Arguments, cancellationToken, timeout: timeout, environment: command.Environment).ConfigureAwait(false);
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
