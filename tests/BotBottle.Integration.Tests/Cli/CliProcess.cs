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
            Timeout = TimeSpan.FromMinutes(5),
        });
}
