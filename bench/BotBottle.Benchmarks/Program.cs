using BenchmarkDotNet.Running;

namespace BotBottle.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/BotBottle.Benchmarks -- --filter '*Dlp*'</c> for the
/// BenchmarkDotNet suite; <c>… -- git-scan [commits] [runs]</c> for the git gate's scan-speed figures (<see cref="GitScanFigures"/>); <c>… -- dlp-linearity [runs]</c> for the
/// adversarial shapes' per-byte time ratio (<see cref="DlpLinearity"/>); <c>… -- dlp-throughput [runs]</c> for a quick
/// Stopwatch MB/s of the benign bodies (<see cref="DlpThroughput"/>); <c>… -- dlp-profile issues|words|rotate [size] [seconds]</c>
/// scans one benign body in a loop, for a profiler (<c>perf record</c>) to attach to; <c>… -- dlp-ab dirA dirB [issues|words]
/// [size] [rounds]</c> alternates two builds in one process (<see cref="DlpAb"/>); <c>… -- dlp-same dirA dirB repoRoot
/// [mixes]</c> checks that two builds report the same findings (<see cref="DlpSame"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "git-scan")
        {
            return await GitScanFigures.RunAsync(args).ConfigureAwait(false);
        }

        if (args.Length > 0 && args[0] == "dlp-throughput")
        {
            return DlpThroughput.Run(args);
        }

        if (args.Length > 2 && args[0] == "dlp-ab")
        {
            return DlpAb.Run(args);
        }

        if (args.Length > 3 && args[0] == "dlp-same")
        {
            return DlpSame.Run(args);
        }

        if (args.Length > 0 && args[0] == "dlp-profile")
        {
            return DlpThroughput.Profile(args);
        }

        if (args.Length > 0 && args[0] == "dlp-linearity")
        {
            return DlpLinearity.Run(args);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
