using System.ComponentModel;
using System.Text;
using CliWrap;

namespace BotBottle.Processes;

/// <summary>
/// Runs external CLIs (<c>git</c>, <c>ssh</c>, <c>smolvm</c>, <c>container</c>, <c>docker</c>). Drivers depend on this
/// interface so their exact command lines can be recorded and asserted in tests.
/// </summary>
public interface IProcessRunner
{
    /// <summary>Runs <paramref name="spec"/> to completion.</summary>
    /// <param name="spec">What to run.</param>
    /// <param name="output">Called for every output line as it arrives (on a background thread; lines of one stream arrive in order). Optional.</param>
    /// <param name="cancellationToken">Cancels the run: the whole process tree is killed and <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>The result, whatever the exit code; call <see cref="ProcessResult.EnsureSuccess"/> to require 0.</returns>
    /// <exception cref="ExecutableNotFoundException">The executable does not exist or cannot be started.</exception>
    /// <exception cref="ProcessTimeoutException">The run exceeded <see cref="ProcessSpec.Timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<ProcessResult> RunAsync(ProcessSpec spec, Action<ProcessOutputLine>? output = null, CancellationToken cancellationToken = default);
}

/// <summary>
/// The real <see cref="IProcessRunner"/>, over CliWrap (https://github.com/Tyrrrz/CliWrap): the argument vector goes
/// through <c>Command.WithArguments(IEnumerable&lt;string&gt;)</c>, output is read as it arrives by our own pipe
/// targets (lines to the callback, a bounded capture for the result), and cancellation or the timeout is CliWrap's
/// forceful cancellation, which kills the whole process tree (<c>Process.Kill(entireProcessTree: true)</c> in its
/// <c>ProcessEx.Kill</c>). An interactive run (<see cref="ProcessSpec.Interactive"/>), which CliWrap cannot do because
/// it always redirects the standard streams, goes to <see cref="InteractiveProcess"/>.
/// </summary>
public sealed class ProcessRunner : IProcessRunner
{
    /// <summary>A shared instance; the runner holds no state.</summary>
    public static ProcessRunner Default { get; } = new();

    /// <inheritdoc />
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, Action<ProcessOutputLine>? output = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        cancellationToken.ThrowIfCancellationRequested();
        if (spec.Interactive)
        {
            return await InteractiveProcess.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        }

        var stdout = new BoundedBuffer(spec.MaxCapturedChars);
        var stderr = new BoundedBuffer(spec.MaxCapturedChars);
        var command = Cli.Wrap(spec.FileName)
            .WithArguments(spec.Arguments)
            .WithWorkingDirectory(spec.WorkingDirectory ?? Directory.GetCurrentDirectory())
            .WithEnvironmentVariables(spec.Environment)
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(spec.StandardInput is { } input ? PipeSource.FromBytes(input) : PipeSource.Null)
            .WithStandardOutputPipe(PipeTarget.Create((stream, ct) => PumpAsync(stream, ProcessStream.StandardOutput, stdout, output, ct)))
            .WithStandardErrorPipe(PipeTarget.Create((stream, ct) => PumpAsync(stream, ProcessStream.StandardError, stderr, output, ct)));

        using var timeoutCts = spec.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        CommandResult result;
        try
        {
            result = await command.ExecuteAsync(forcefulCancellationToken: linked.Token, gracefulCancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (Win32Exception ex)
        {
            throw new ExecutableNotFoundException(spec.FileName, inner: ex);
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to start a process", StringComparison.Ordinal))
        {
            throw new ExecutableNotFoundException(spec.FileName, inner: ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"'{spec.DisplayCommandLine}' was cancelled.", cancellationToken);
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested)
        {
            throw new ProcessTimeoutException(spec, spec.Timeout!.Value);
        }

        return new ProcessResult(spec, result.ExitCode, stdout.ToString(), stderr.ToString(), result.RunTime);
    }

    private static async Task PumpAsync(Stream pipe, ProcessStream stream, BoundedBuffer capture, Action<ProcessOutputLine>? output, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(pipe, Encoding.UTF8);
        // Capture exactly what the child wrote; split lines only for the callback ('\n' or '\r\n' ends a line, a
        // final unterminated line is reported at end of stream).
        var buffer = new char[8192];
        var line = new StringBuilder();
        int n;
        while ((n = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            capture.Append(buffer.AsSpan(0, n));
            if (output is null)
            {
                continue;
            }

            var start = 0;
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] != '\n')
                {
                    continue;
                }

                line.Append(buffer, start, i - start);
                start = i + 1;
                if (line.Length > 0 && line[^1] == '\r')
                {
                    line.Length--;
                }

                output(new ProcessOutputLine(stream, line.ToString()));
                line.Clear();
            }

            line.Append(buffer, start, n - start);
        }

        if (output is not null && line.Length > 0)
        {
            output(new ProcessOutputLine(stream, line.ToString()));
        }
    }

    /// <summary>Keeps the last <c>max</c> characters of appended text.</summary>
    private sealed class BoundedBuffer(int max)
    {
        private readonly StringBuilder _sb = new();
        private readonly object _gate = new();

        public void Append(ReadOnlySpan<char> text)
        {
            lock (_gate)
            {
                _sb.Append(text);
                if (_sb.Length > max)
                {
                    _sb.Remove(0, _sb.Length - max);
                }
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return _sb.ToString();
            }
        }
    }
}
