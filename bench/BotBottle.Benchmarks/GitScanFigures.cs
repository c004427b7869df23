using System.Diagnostics;
using System.Globalization;
using System.Text;
using BotBottle.Dlp;
using BotBottle.GitGate;

namespace BotBottle.Benchmarks;

/// <summary>
/// Scan-speed figures for the git gate's built-in scanner (what one push costs): generates a repository with
/// <c>git fast-import</c> (N commits, each changing a few files with source-like text, every 50th adding a
/// credential-shaped string), then times <see cref="GitDiffScanner.ScanAsync"/> over the whole history — the work a
/// push of all those commits to a new branch does — and prints commits/s and MB/s of patch read (and of added text
/// scanned). Run: <c>dotnet run -c Release --project bench/BotBottle.Benchmarks -- git-scan [commits] [runs]</c>.
/// A figure-printing run, not a BenchmarkDotNet job: one scan is a whole git process plus parsing plus DLP, long
/// enough (hundreds of ms) that a median of a few runs is stable.
/// </summary>
public static class GitScanFigures
{
    public static async Task<int> RunAsync(string[] args)
    {
        var commits = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        var dir = Path.Combine(Path.GetTempPath(), "bb-gitscan-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var gitDir = Path.Combine(dir, "repo.git");
            Run("git", "init", "-q", "--bare", gitDir);
            var sw = Stopwatch.StartNew();
            Generate(gitDir, commits);
            Console.WriteLine($"generated {commits} commits in {sw.Elapsed.TotalSeconds:0.0} s ({gitDir})");

            var scanner = new GitDiffScanner(DlpEngine.Create([new KnownSecret("DEPLOY_PASSWORD", "correct-horse-battery-staple-42")]));
            string[] range = ["refs/heads/main"];
            await scanner.ScanAsync(gitDir, range, null, CancellationToken.None).ConfigureAwait(false); // warm-up (JIT, page cache)
            var times = new List<double>();
            GitScanResult last = GitScanResult.Empty;
            for (var i = 0; i < runs; i++)
            {
                sw.Restart();
                last = await scanner.ScanAsync(gitDir, range, null, CancellationToken.None).ConfigureAwait(false);
                times.Add(sw.Elapsed.TotalSeconds);
            }

            times.Sort();
            var median = times[times.Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                runs: {runs}, median {median:0.000} s (min {times[0]:0.000} s, max {times[^1]:0.000} s)
                commits scanned: {last.Commits.Count}; findings: {last.Findings.Count}
                patch read: {last.PatchBytes / 1e6:0.00} MB; added text scanned: {last.ScannedChars / 1e6:0.00} M chars
                throughput: {last.Commits.Count / median:N0} commits/s; {last.PatchBytes / 1e6 / median:0.0} MB/s of patch; {last.ScannedChars / 1e6 / median:0.0} M chars/s of added text
                """));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Writes a fast-import stream: each commit rewrites 3 of 40 files with ~60 lines of source-like text.</summary>
    private static void Generate(string gitDir, int commits)
    {
        var psi = new ProcessStartInfo("git", ["--git-dir=" + gitDir, "fast-import", "--quiet"]) { RedirectStandardInput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var w = p.StandardInput;
        w.NewLine = "\n";
        var rnd = new Random(42);
        var words = "int var let return if else for while string value count index buffer stream token parse scan route host path query header body result error async await".Split(' ');
        for (var c = 1; c <= commits; c++)
        {
            var files = new StringBuilder();
            for (var f = 0; f < 3; f++)
            {
                var name = $"src/module{rnd.Next(40):D2}/file{rnd.Next(10)}.cs";
                var body = new StringBuilder();
                for (var l = 0; l < 60; l++)
                {
                    body.Append("    ");
                    for (var k = 0; k < 8; k++)
                    {
                        body.Append(words[rnd.Next(words.Length)]).Append(k == 7 ? ";" : " ");
                    }

                    body.Append(" // ").Append(rnd.Next(1_000_000)).Append('\n');
                }

                if (c % 50 == 0 && f == 0)
                {
                    body.Append("    var key = \"AKIA").Append(RandomUpper(rnd, 16)).Append("\";\n");
                }

                var bytes = Encoding.UTF8.GetByteCount(body.ToString());
                files.Append(CultureInfo.InvariantCulture, $"M 100644 inline {name}\ndata {bytes}\n{body}\n");
            }

            var message = $"commit {c}";
            w.Write(string.Create(CultureInfo.InvariantCulture, $"commit refs/heads/main\ncommitter Bench <bench@example.com> {1_700_000_000 + c} +0000\ndata {message.Length}\n{message}\n"));
            w.Write(files.ToString());
            w.Write("\n");
        }

        w.Close();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"git fast-import exited {p.ExitCode}");
        }
    }

    private static string RandomUpper(Random rnd, int n)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        return new string([.. Enumerable.Range(0, n).Select(_ => alphabet[rnd.Next(alphabet.Length)])]);
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited {p.ExitCode}");
        }
    }
}
