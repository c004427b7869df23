using BotBottle.Processes;

namespace BotBottle.Tests.Processes;

public class ProcessRunnerTests
{
    private readonly ProcessRunner _runner = ProcessRunner.Default;

    [Fact]
    public async Task Captures_stdout_of_a_real_cli()
    {
        var r = await _runner.RunAsync(new ProcessSpec("git", "--version"));
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("git version ", r.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_reach_the_child_exactly_with_no_shell_parsing()
    {
        string[] args = ["two words", "it's", "$HOME", "`id`", "a;b", "*", ""];
        var r = await _runner.RunAsync(new ProcessSpec("printf", ["%s|\\n", .. args]));
        Assert.Equal(string.Concat(args.Select(a => a + "|\n")), r.StandardOutput);
    }

    [Fact]
    public async Task Secrets_go_through_environment_and_stdin_and_never_the_command_line()
    {
        const string secret = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
        var spec = new ProcessSpec("sh", "-c", "printf '%s' \"$BB_SECRET\"; cat")
        {
            Environment = new Dictionary<string, string?> { ["BB_SECRET"] = secret },
        }.WithInput("|from-stdin");
        var r = await _runner.RunAsync(spec);
        Assert.Equal(secret + "|from-stdin", r.StandardOutput);
        Assert.DoesNotContain(secret, spec.DisplayCommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_entries_with_null_values_are_removed()
    {
        Environment.SetEnvironmentVariable("BB_TEST_INHERITED", "present");
        var spec = new ProcessSpec("sh", "-c", "echo \"[${BB_TEST_INHERITED:-unset}]\"") { Environment = new Dictionary<string, string?> { ["BB_TEST_INHERITED"] = null } };
        Assert.Equal("[unset]\n", (await _runner.RunAsync(spec)).StandardOutput);
    }

    [Fact]
    public async Task Non_zero_exit_is_a_result_and_EnsureSuccess_throws_with_command_and_stderr()
    {
        var r = await _runner.RunAsync(new ProcessSpec("sh", "-c", "echo bad thing happened >&2; exit 42"));
        Assert.Equal(42, r.ExitCode);
        var ex = Assert.Throws<ProcessFailedException>(() => r.EnsureSuccess());
        Assert.Equal("ProcessFailed", ex.ErrorId);
        Assert.Contains("exited with code 42", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bad thing happened", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sh -c", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_lines_stream_in_order_as_they_arrive()
    {
        var lines = new List<ProcessOutputLine>();
        var r = await _runner.RunAsync(new ProcessSpec("sh", "-c", "for i in 1 2 3; do echo line$i; done; echo problem >&2"), l => { lock (lines) { lines.Add(l); } });
        Assert.Equal(["line1", "line2", "line3"], lines.Where(l => l.Stream == ProcessStream.StandardOutput).Select(l => l.Text));
        Assert.Contains(lines, l => l is { Stream: ProcessStream.StandardError, Text: "problem" });
        Assert.Equal("line1\nline2\nline3\n", r.StandardOutput);
    }

    [Fact]
    public async Task Cancellation_kills_the_whole_process_tree()
    {
        // The child (sh) starts a grandchild (sleep) and prints both pids; cancelling must end both. No clock: the
        // pids arrive through the output callback, and after the run throws each process is gone, a zombie, or has a
        // SIGKILL pending (the kill was sent before RunAsync returned; only its delivery is asynchronous).
        var pids = new TaskCompletionSource<(int Child, int Grandchild)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var run = _runner.RunAsync(new ProcessSpec("sh", "-c", "sleep 300 & echo \"$$ $!\"; wait"), line =>
        {
            var parts = line.Text.Split(' ');
            pids.TrySetResult((int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)));
        }, cts.Token);
        var (child, grandchild) = await pids.Task;
        Assert.True(IsRunning(child) && IsRunning(grandchild), "positive control: child and grandchild run before cancellation");

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(IsRunning(child), "the child survived cancellation");
        Assert.False(IsRunning(grandchild), "the grandchild survived cancellation");
    }

    [Fact]
    public async Task Captured_output_is_capped_keeping_the_end_while_the_callback_sees_every_line()
    {
        var lines = 0;
        var r = await _runner.RunAsync(new ProcessSpec("sh", "-c", "i=0; while [ $i -lt 1000 ]; do echo line-$i; i=$((i+1)); done") { MaxCapturedChars = 100 },
            _ => Interlocked.Increment(ref lines));
        Assert.Equal(1000, lines);
        Assert.Equal(100, r.StandardOutput.Length);
        Assert.EndsWith("line-999\n", r.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_stops_the_process_and_says_so()
    {
        // 'sleep 300' would end with exit 0; the timeout exception shows the runner stopped it (no clock asserted).
        var ex = await Assert.ThrowsAsync<ProcessTimeoutException>(() => _runner.RunAsync(new ProcessSpec("sleep", "300") { Timeout = TimeSpan.FromMilliseconds(300) }));
        Assert.Equal("ProcessTimedOut", ex.ErrorId);
        Assert.Contains("sleep 300", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_executable_is_ExecutableNotFound()
    {
        var ex = await Assert.ThrowsAsync<ExecutableNotFoundException>(() => _runner.RunAsync(new ProcessSpec("definitely-not-a-real-tool-bb")));
        Assert.Equal("ExecutableNotFound", ex.ErrorId);
        Assert.Null(ExecutableLocator.Find("definitely-not-a-real-tool-bb"));
        Assert.NotNull(ExecutableLocator.Find("git"));
    }

    [Fact]
    public async Task A_child_that_ignores_its_input_does_not_break_the_run()
    {
        var big = new string('x', 4 * 1024 * 1024);
        var r = await _runner.RunAsync(new ProcessSpec("true").WithInput(big));
        Assert.Equal(0, r.ExitCode);
    }

    /// <summary>
    /// Whether <paramref name="pid"/> still runs: its <c>/proc/&lt;pid&gt;/stat</c> exists, its state is not
    /// <c>Z</c>/<c>X</c> (dead, awaiting reaping), and no SIGKILL is pending for it (<c>SigPnd</c>/<c>ShdPnd</c> bit 9
    /// in <c>/proc/&lt;pid&gt;/status</c>, proc(5)).
    /// </summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            if (stat[stat.LastIndexOf(')') + 2] is 'Z' or 'X')
            {
                return false;
            }

            const ulong sigkill = 1UL << (9 - 1);
            return !File.ReadLines($"/proc/{pid}/status")
                .Where(l => l.StartsWith("SigPnd:", StringComparison.Ordinal) || l.StartsWith("ShdPnd:", StringComparison.Ordinal))
                .Any(l => (ulong.Parse(l[7..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & sigkill) != 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // gone
        }
    }
}
