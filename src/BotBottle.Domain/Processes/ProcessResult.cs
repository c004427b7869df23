using BotBottle.Errors;

namespace BotBottle.Processes;

/// <summary>The outcome of a finished child process.</summary>
/// <param name="Spec">What was run.</param>
/// <param name="ExitCode">The exit code (on Unix, 128+N when killed by signal N).</param>
/// <param name="StandardOutput">Captured standard output (empty for interactive runs; truncated from the front past <see cref="ProcessSpec.MaxCapturedChars"/>).</param>
/// <param name="StandardError">Captured standard error, same rules.</param>
/// <param name="Duration">Wall-clock time from start to exit.</param>
public sealed record ProcessResult(ProcessSpec Spec, int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration)
{
    /// <summary><see langword="true"/> when <see cref="ExitCode"/> is 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Returns this result, or throws <see cref="ProcessFailedException"/> when the exit code is not 0.</summary>
    /// <exception cref="ProcessFailedException">The process exited non-zero.</exception>
    public ProcessResult EnsureSuccess() => Succeeded ? this : throw new ProcessFailedException(this);
}

/// <summary>A child process exited with a non-zero code. The message carries the command line, the exit code and the tail of standard error.</summary>
public sealed class ProcessFailedException : BotBottleException
{
    /// <summary>Creates the error from a result.</summary>
    public ProcessFailedException(ProcessResult result)
        : base("ProcessFailed", BotBottleErrorCategory.NotSpecified, BuildMessage(result))
    {
        Result = result;
        TargetObject = result.Spec.FileName;
    }

    /// <summary>The failed run.</summary>
    public ProcessResult Result { get; }

    private static string BuildMessage(ProcessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var err = Tail(result.StandardError.Trim(), 2000);
        if (err.Length == 0)
        {
            err = Tail(result.StandardOutput.Trim(), 2000);
        }

        return $"'{result.Spec.DisplayCommandLine}' exited with code {result.ExitCode}" + (err.Length > 0 ? $": {err}" : ".");
    }

    private static string Tail(string s, int max) => s.Length <= max ? s : "…" + s[^max..];
}

/// <summary>A child process exceeded its <see cref="ProcessSpec.Timeout"/> and was killed with its children.</summary>
public sealed class ProcessTimeoutException : BotBottleException
{
    /// <summary>Creates the error.</summary>
    public ProcessTimeoutException(ProcessSpec spec, TimeSpan timeout)
        : base("ProcessTimedOut", BotBottleErrorCategory.OperationTimeout,
            $"'{spec?.DisplayCommandLine}' did not finish within {timeout.TotalSeconds:0.#} s and was stopped.")
    {
        Spec = spec!;
        TargetObject = spec?.FileName;
    }

    /// <summary>What was run.</summary>
    public ProcessSpec Spec { get; }
}

/// <summary>The executable could not be found or started.</summary>
public sealed class ExecutableNotFoundException : BotBottleException
{
    /// <summary>Creates the error.</summary>
    /// <param name="fileName">The executable that was asked for.</param>
    /// <param name="remedy">What the user should do (install hint), appended to the message.</param>
    /// <param name="inner">The OS error, if any.</param>
    public ExecutableNotFoundException(string fileName, string? remedy = null, Exception? inner = null)
        : base("ExecutableNotFound", BotBottleErrorCategory.ResourceUnavailable,
            $"'{fileName}' was not found on PATH." + (string.IsNullOrEmpty(remedy) ? string.Empty : " " + remedy), inner)
    {
        FileName = fileName;
        TargetObject = fileName;
    }

    /// <summary>The executable that was asked for.</summary>
    public string FileName { get; }
}
