using System.ComponentModel;
using System.Diagnostics;

namespace BotBottle.Processes;

/// <summary>
/// The one place a program runs without CliWrap: an interactive session (<c>docker exec -it</c>,
/// <c>smolvm machine exec -it</c>, <c>container exec -it</c>) that must own the user's terminal. CliWrap always
/// redirects standard input, output and error to pipes, so the child would see no TTY; here the child inherits this
/// process's console and nothing is captured. Cancellation kills the child's whole process tree.
/// </summary>
internal static class InteractiveProcess
{
    /// <summary>Runs <paramref name="spec"/> attached to this process's console and waits for it.</summary>
    /// <returns>The exit code, with empty captured output.</returns>
    /// <exception cref="ExecutableNotFoundException">The executable does not exist or cannot be started.</exception>
    /// <exception cref="ProcessTimeoutException">The run exceeded <see cref="ProcessSpec.Timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(spec.FileName) { UseShellExecute = false, WorkingDirectory = spec.WorkingDirectory ?? string.Empty };
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
        using (linked.Token.Register(static state => KillTree((Process)state!), process))
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        stopwatch.Stop();
        if (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"'{spec.DisplayCommandLine}' was cancelled.", cancellationToken);
        }

        if (timeoutCts.IsCancellationRequested)
        {
            throw new ProcessTimeoutException(spec, spec.Timeout!.Value);
        }

        return new ProcessResult(spec, process.ExitCode, string.Empty, string.Empty, stopwatch.Elapsed);
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
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Already gone, or raced with its exit.
        }
    }
}
