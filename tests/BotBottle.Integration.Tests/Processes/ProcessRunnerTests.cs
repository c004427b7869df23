using System.Diagnostics;
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
        using var dir = new TempDirectory();
        var pidFile = dir.Combine("child.pid");
        using var cts = new CancellationTokenSource();
        // The grandchild writes its pid, then sleeps; cancelling must kill it too.
        var run = _runner.RunAsync(new ProcessSpec("sh", "-c", $"sleep 300 & echo $! > '{pidFile}'; wait"), cancellationToken: cts.Token);
        for (var i = 0; !File.Exists(pidFile) || new FileInfo(pidFile).Length == 0; i++)
        {
            Assert.True(i < 3000, "the child never wrote its grandchild's pid (waited about a minute)");
            await Task.Delay(20);
        }

        var grandchild = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ProcessIsAlive(grandchild), "positive control: the grandchild runs before cancellation");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        // The kill is delivered asynchronously; wait for it with a generous bound (behaviour, not speed).
        for (var i = 0; ProcessIsAlive(grandchild) && i < 1500; i++)
        {
            await Task.Delay(20);
        }

        Assert.False(ProcessIsAlive(grandchild), "the grandchild survived cancellation");
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

    private static bool ProcessIsAlive(int pid)
    {
        // /proc/<pid>/stat state 'Z' (zombie awaiting reaping by init) counts as dead.
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
