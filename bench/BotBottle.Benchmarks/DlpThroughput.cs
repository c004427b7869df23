using System.Diagnostics;
using System.Globalization;
using System.Text;
using BotBottle.Dlp;

namespace BotBottle.Benchmarks;

/// <summary>
/// <c>dlp-throughput</c> mode: a quick Stopwatch figure for the benign bodies of <see cref="DlpBenignBenchmarks"/>
/// (issues: 1 KiB, 64 KiB, 1 MiB; 16 issues: 16 different 64 KiB bodies in turn) and <see cref="DlpBenignWordsBenchmarks"/> (words: 1 KiB, 64 KiB): best of
/// <c>args[1]</c> runs (default 7), each run scanning the body until about 64 MiB (at least 3 scans) have been
/// scanned, printed as MB/s (10^6 bytes/s) and µs per scan. Best-of keeps a loaded machine's noise out of
/// the figure as far as possible; for error bars use the BenchmarkDotNet suite. A benchmark, not a test.
/// </summary>
public static class DlpThroughput
{
    /// <summary>Runs the mode.</summary>
    /// <param name="args">Command line; <c>args[1]</c> (optional): runs per size.</param>
    /// <returns>0.</returns>
    public static int Run(string[] args)
    {
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
        Console.WriteLine("| body | size | MB/s (best of " + runs.ToString(CultureInfo.InvariantCulture) + ") | µs per scan |");
        Console.WriteLine("|---|---|---:|---:|");
        // "16 issues": 16 bodies from different seeds scanned in turn. Scanning one body again and again lets the branch
        // predictor learn its data-dependent branches, which a stream of real requests does not allow (a 64 KiB issues
        // body repeated to 1 MiB scans as fast as the 64 KiB body; 1 MiB of fresh issues text does not): this row is
        // the figure for bodies the engine has not just seen.
        (string Body, int Size)[] cases = [("issues", 1024), ("issues", 64 * 1024), ("issues", 1024 * 1024), ("16 issues", 64 * 1024), ("words", 1024), ("words", 64 * 1024)];
        foreach (var (body, size) in cases)
        {
            Func<DlpReport> scan;
            if (body == "16 issues")
            {
                scan = RotatingScan(size);
            }
            else if (body == "issues")
            {
                var bench = new DlpBenignBenchmarks { Size = size };
                bench.Setup();
                scan = bench.ScanRequest;
            }
            else
            {
                var bench = new DlpBenignWordsBenchmarks { Size = size };
                bench.Setup();
                scan = bench.ScanRequest;
            }

            int reps = Math.Max(3, (64 * 1024 * 1024) / size);
            scan();
            double best = double.MaxValue;
            for (int r = 0; r < runs; r++)
            {
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < reps; i++)
                {
                    scan();
                }

                best = Math.Min(best, sw.Elapsed.TotalSeconds / reps);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {body} | {size / 1024} KiB | {size / best / 1e6:N0} | {best * 1e6:N1} |"));
        }

        return 0;
    }

    /// <summary>A scan of 16 issues bodies of <paramref name="size"/> bytes from different seeds, one after the other (the engine and secrets of <see cref="DlpBenignBenchmarks"/>).</summary>
    private static Func<DlpReport> RotatingScan(int size)
    {
        var engine = DlpEngine.Create(DlpBenignBenchmarks.TenSecrets());
        var requests = Enumerable.Range(100, 16).Select(seed => DlpBenignBenchmarks.Request(Encoding.UTF8.GetBytes(BenignBodies.Json(size, seed))[..size])).ToArray();
        int next = 0;
        return () => engine.ScanRequest(requests[next++ & 15], DlpDetectors.All);
    }

    /// <summary>
    /// <c>dlp-profile</c> mode (<c>args[4]</c>, optional: a fixed number of scans instead, see below): scans one benign body (<c>args[1]</c>: issues or words; rotate: 16 issues bodies from different seeds in turn; repeat: one 64 KiB issues body repeated to the size; <c>args[2]</c>: size in bytes,
    /// default 65536) in a loop for <c>args[3]</c> seconds (default 10) after 1 s of warm-up and prints the mean and the fastest
    /// 0.1 s window as µs per scan and MB/s (10^6 bytes/s), so that a profiler
    /// (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>) sees only that body's scan.
    /// </summary>
    /// <param name="args">Command line.</param>
    /// <returns>0.</returns>
    public static int Profile(string[] args)
    {
        string body = args.Length > 1 ? args[1] : "issues";
        int size = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 64 * 1024;
        double seconds = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 10;
        Func<DlpReport> scan;
        if (body == "words")
        {
            var bench = new DlpBenignWordsBenchmarks { Size = size };
            bench.Setup();
            scan = bench.ScanRequest;
        }
        else if (body == "rotate")
        {
            // 16 issues bodies from different seeds, scanned in turn: the same bytes scanned again and again let the
            // branch predictor learn their data-dependent branches, which a real stream of bodies does not allow.
            scan = RotatingScan(size);
        }
        else if (body == "repeat")
        {
            // One 64 KiB issues body repeated to the size: the branch pattern is the learned one of the 64 KiB body,
            // the cache footprint is the full size's; against "issues" at the same size it separates the two costs.
            var engine = DlpEngine.Create(DlpBenignBenchmarks.TenSecrets());
            byte[] unit = Encoding.UTF8.GetBytes(BenignBodies.Json(64 * 1024, seed: 7))[..(64 * 1024)];
            var bytes = new byte[size];
            for (int o = 0; o < size; o += unit.Length)
            {
                unit.AsSpan(0, Math.Min(unit.Length, size - o)).CopyTo(bytes.AsSpan(o));
            }

            var request = DlpBenignBenchmarks.Request(bytes);
            scan = () => engine.ScanRequest(request, DlpDetectors.All);
        }
        else
        {
            var bench = new DlpBenignBenchmarks { Size = size };
            bench.Setup();
            scan = bench.ScanRequest;
        }

        if (args.Length > 4)
        {
            // Fixed count (args[4] scans after 100 of warm-up): for counting instructions and cycles with perf stat, which
            // are not disturbed by other load the way wall time is (run it with DOTNET_TieredCompilation=0).
            int count = int.Parse(args[4], CultureInfo.InvariantCulture);
            for (int k = 0; k < 100 + count; k++)
            {
                scan();
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{body} {size} B: {count} scans after 100 of warm-up"));
            return 0;
        }

        // One second of warm-up (tiered compilation), then windows of about 0.1 s: the fastest window is the figure
        // least disturbed by other load on the machine; the overall mean is printed too.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1)
        {
            scan();
        }

        long scans = 0;
        double best = double.MaxValue;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            var window = Stopwatch.StartNew();
            int n = 0;
            while (window.Elapsed.TotalSeconds < 0.1)
            {
                scan();
                n++;
            }

            best = Math.Min(best, window.Elapsed.TotalSeconds / n);
            scans += n;
        }

        double per = sw.Elapsed.TotalSeconds / scans;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{body} {size} B: {scans} scans; mean {per * 1e6:N1} µs per scan ({size / per / 1e6:N0} MB/s), fastest 0.1 s window {best * 1e6:N1} µs ({size / best / 1e6:N0} MB/s)"));
        return 0;
    }
}
