using System.Collections.ObjectModel;
using System.Text;

namespace BotBottle.Processes;

/// <summary>
/// What to run: an executable and its argument vector (never a shell string), plus the environment, working
/// directory, standard input and limits. Secrets go through <see cref="Environment"/> or
/// <see cref="StandardInput"/> only, never through <see cref="Arguments"/>, so a command line that appears in an
/// error message, a log or <c>ps</c> output never carries one.
/// </summary>
public sealed record ProcessSpec
{
    /// <summary>Creates a spec for <paramref name="fileName"/> with the given arguments.</summary>
    /// <param name="fileName">Executable name (looked up on <c>PATH</c>) or path.</param>
    /// <param name="arguments">Argument vector, passed to the OS one element per argument with no shell parsing.</param>
    public ProcessSpec(string fileName, params IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(arguments);
        FileName = fileName;
        Arguments = new ReadOnlyCollection<string>([.. arguments]);
    }

    /// <summary>Executable name or path.</summary>
    public string FileName { get; }

    /// <summary>Argument vector.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Working directory; <see langword="null"/> for the current one.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// Environment changes applied on top of the inherited environment: a <see langword="null"/> value removes the
    /// variable. Values here are treated as secret-bearing: they are never printed.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Bytes written to the child's standard input, which is then closed; <see langword="null"/> closes it at once.</summary>
    public ReadOnlyMemory<byte>? StandardInput { get; init; }

    /// <summary>Wall-clock limit; the process tree is killed when it is exceeded. <see langword="null"/>: no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// When <see langword="true"/>, the child inherits this process's console (stdin, stdout, stderr) and nothing is
    /// captured: for interactive sessions such as <c>docker exec -it</c>.
    /// </summary>
    public bool Interactive { get; init; }

    /// <summary>Maximum characters of each output stream kept in the <see cref="ProcessResult"/> (older output is dropped). Default 4 MiB.</summary>
    public int MaxCapturedChars { get; init; } = 4 * 1024 * 1024;

    /// <summary>Convenience: UTF-8 text for <see cref="StandardInput"/>.</summary>
    public ProcessSpec WithInput(string text) => this with { StandardInput = Encoding.UTF8.GetBytes(text) };

    /// <summary>The command line for display: arguments quoted where needed. Safe to print (no secrets by construction).</summary>
    public string DisplayCommandLine => CommandLineFormatter.Format(FileName, Arguments);

    /// <inheritdoc />
    public override string ToString() => DisplayCommandLine;
}

/// <summary>Which stream a <see cref="ProcessOutputLine"/> came from.</summary>
public enum ProcessStream
{
    /// <summary>Standard output.</summary>
    StandardOutput,

    /// <summary>Standard error.</summary>
    StandardError,
}

/// <summary>One line of a child process's output, without its line terminator.</summary>
/// <param name="Stream">The stream it was read from.</param>
/// <param name="Text">The line.</param>
public readonly record struct ProcessOutputLine(ProcessStream Stream, string Text);

/// <summary>Formats argument vectors for display, POSIX-shell style quoting.</summary>
public static class CommandLineFormatter
{
    /// <summary>Returns <paramref name="fileName"/> and <paramref name="arguments"/> joined with spaces, single-quoting any argument that a shell would split or expand.</summary>
    public static string Format(string fileName, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var sb = new StringBuilder(Quote(fileName));
        foreach (var a in arguments)
        {
            sb.Append(' ').Append(Quote(a));
        }

        return sb.ToString();
    }

    /// <summary>Quotes one argument for display.</summary>
    public static string Quote(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c)))
        {
            return argument;
        }

        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
