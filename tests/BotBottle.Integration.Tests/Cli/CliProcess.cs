using BotBottle.Processes;

namespace BotBottle.Tests.Cli;

/// <summary>Runs the built <c>bot-bottle</c> CLI as a real process.</summary>
internal static class CliProcess
{
    public static string Path
    {
        get
        {
            var exe = OperatingSystem.IsWindows() ? "bot-bottle.exe" : "bot-bottle";
            var p = System.IO.Path.Combine(RepoPaths.Root, "src", "BotBottle.Cli", "bin", RepoPaths.Configuration, "net10.0", exe);
            return File.Exists(p) ? p : throw new FileNotFoundException($"The CLI was not built at {p}. Build the solution first.", p);
        }
    }

    public static Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string?>? env, params string[] args) =>
        RunInAsync(null, env, args);

    /// <summary>Runs the CLI with <paramref name="workingDirectory"/> as its current directory (the project folder).</summary>
    public static Task<ProcessResult> RunInAsync(string? workingDirectory, IReadOnlyDictionary<string, string?>? env, params string[] args) =>
        ProcessRunner.Default.RunAsync(new ProcessSpec(Path, args)
        {
            Environment = env ?? new Dictionary<string, string?>(),
            WorkingDirectory = workingDirectory,
            // Generous: a first run builds images on a loaded 2-core machine. Commands bound their own waits and say which
            // step stalled (the demo's steps do); this limit only catches a hung process.
            Timeout = TimeSpan.FromMinutes(20),
        });
}
