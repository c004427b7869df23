using System.ComponentModel;
using System.Diagnostics;
using System.Text;

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

/// <summary>The real <see cref="IProcessRunner"/>, over <see cref="Process"/> with <see cref="ProcessStartInfo.ArgumentList"/>.</summary>
public sealed class ProcessRunner : IProcessRunner
{
    /// <summary>A shared instance; the runner holds no state.</summary>
    public static ProcessRunner Default { get; } = new();

    /// <inheritdoc />
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, Action<ProcessOutputLine>? output = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        cancellationToken.ThrowIfCancellationRequested();

        var psi = new ProcessStartInfo(spec.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = !spec.Interactive,
            RedirectStandardOutput = !spec.Interactive,
            RedirectStandardError = !spec.Interactive,
            WorkingDirectory = spec.WorkingDirectory ?? string.Empty,
        };
        if (!spec.Interactive)
        {
            psi.StandardOutputEncoding = Encoding.UTF8;
            psi.StandardErrorEncoding = Encoding.UTF8;
        }

        foreach (var a in spec.Arguments)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                psi.Environment.Remove(name);
            }
            else
            {
                psi.Environment[name] = value;
            }
        }

        using var process = new Process { StartInfo = psi };
        var stopwatch = Stopwatch.StartNew();
        try
        {
            if (!process.Start())
            {
                throw new ExecutableNotFoundException(spec.FileName);
            }
        }
        catch (Win32Exception ex)
        {
            throw new ExecutableNotFoundException(spec.FileName, inner: ex);
        }

        using var timeoutCts = spec.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        using var killOnCancel = linked.Token.Register(static state => KillTree((Process)state!), process);

        var stdout = new BoundedBuffer(spec.MaxCapturedChars);
        var stderr = new BoundedBuffer(spec.MaxCapturedChars);
        Task readOut = Task.CompletedTask, readErr = Task.CompletedTask, writeIn = Task.CompletedTask;
        if (!spec.Interactive)
        {
            readOut = PumpAsync(process.StandardOutput, ProcessStream.StandardOutput, stdout, output);
            readErr = PumpAsync(process.StandardError, ProcessStream.StandardError, stderr, output);
            writeIn = WriteInputAsync(process, spec.StandardInput);
        }

        try
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAll(readOut, readErr).ConfigureAwait(false);
            try
            {
                await writeIn.ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The child exited without reading all of its input (broken pipe); its exit code tells the story.
            }
        }
        finally
        {
            stopwatch.Stop();
        }

        if (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"'{spec.DisplayCommandLine}' was cancelled.", cancellationToken);
        }

        if (timeoutCts.IsCancellationRequested)
        {
            throw new ProcessTimeoutException(spec, spec.Timeout!.Value);
        }

        return new ProcessResult(spec, process.ExitCode, stdout.ToString(), stderr.ToString(), stopwatch.Elapsed);
    }

    private static async Task WriteInputAsync(Process process, ReadOnlyMemory<byte>? input)
    {
        var stdin = process.StandardInput.BaseStream;
        try
        {
            if (input is { Length: > 0 } bytes)
            {
                await stdin.WriteAsync(bytes).ConfigureAwait(false);
                await stdin.FlushAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            process.StandardInput.Close();
        }
    }

    private static async Task PumpAsync(StreamReader reader, ProcessStream stream, BoundedBuffer capture, Action<ProcessOutputLine>? output)
    {
        // Capture exactly what the child wrote; split lines only for the callback ('\n' or '\r\n' ends a line, a
        // final unterminated line is reported at end of stream).
        var buffer = new char[8192];
        var line = new System.Text.StringBuilder();
        int n;
        while ((n = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
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

    private static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (Win32Exception)
        {
            // Raced with exit.
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
