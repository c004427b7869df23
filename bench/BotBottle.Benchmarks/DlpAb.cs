using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;

namespace BotBottle.Benchmarks;

/// <summary>
/// <c>dlp-ab</c> mode: a same-process A/B of two builds of this benchmark project (<c>args[1]</c>, <c>args[2]</c>: their
/// output directories, each with its own <c>BotBottle.Domain</c>), loaded into two <see cref="AssemblyLoadContext"/>s.
/// Batches of <c>ScanRequest</c> (about 4 MB of body each) alternate between the two, so both engines see the same
/// machine load, which on a shared machine moves separate runs by far more than the difference being measured.
/// <c>args[3]</c>: issues or words (default issues); <c>args[4]</c>: body size in bytes (default 65536);
/// <c>args[5]</c>: rounds (default 30). Prints per side the fastest and the median batch (µs per scan, MB/s = 10^6
/// bytes/s), the median process CPU time per scan (robust to being descheduled under load) and the ratios A/B. A
/// benchmark, not a test.
/// </summary>
public static class DlpAb
{
    /// <summary>Runs the mode.</summary>
    /// <param name="args">Command line (see the type's summary).</param>
    /// <returns>0.</returns>
    public static int Run(string[] args)
    {
        string cls = args.Length > 3 && args[3] == "words" ? nameof(DlpBenignWordsBenchmarks) : nameof(DlpBenignBenchmarks);
        int size = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 64 * 1024;
        int rounds = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 30;
        var scans = new Func<object>[2];
        for (int k = 0; k < 2; k++)
        {
            string dll = Path.Combine(args[1 + k], "BotBottle.Benchmarks.dll");
            var asm = new BuildContext(dll).LoadFromAssemblyPath(dll);
            var type = asm.GetType("BotBottle.Benchmarks." + cls, throwOnError: true)!;
            object bench = Activator.CreateInstance(type)!;
            type.GetProperty("Size")!.SetValue(bench, size);
            type.GetMethod("Setup")!.Invoke(bench, null);
            scans[k] = (Func<object>)Delegate.CreateDelegate(typeof(Func<object>), bench, type.GetMethod("ScanRequest")!);
        }

        int batch = Math.Max(1, 4_000_000 / size);
        foreach (var scan in scans)
        {
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 2)
            {
                scan();
            }
        }

        var times = new[] { new List<double>(), new List<double>() };
        var cpu = new[] { new List<double>(), new List<double>() };
        using var self = Process.GetCurrentProcess();
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < 2; k++)
            {
                int side = (r & 1) == 0 ? k : 1 - k; // alternate which side goes first
                self.Refresh();
                var cpu0 = self.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < batch; i++)
                {
                    scans[side]();
                }

                times[side].Add(sw.Elapsed.TotalSeconds * 1e6 / batch);
                self.Refresh();
                cpu[side].Add((self.TotalProcessorTime - cpu0).TotalSeconds * 1e6 / batch);
            }
        }

        double Median(List<double> l) => l.Order().ElementAt(l.Count / 2);
        string Figure(double us) => string.Create(CultureInfo.InvariantCulture, $"{us:F1} µs ({size / us:F0} MB/s)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cls} {size} B, {rounds} rounds of {batch} scans"));
        Console.WriteLine($"A: min {Figure(times[0].Min())}, median {Figure(Median(times[0]))}");
        Console.WriteLine($"B: min {Figure(times[1].Min())}, median {Figure(Median(times[1]))}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"A/B time ratio (B's speed-up): median {Median(times[0]) / Median(times[1]):F2}, min {times[0].Min() / times[1].Min():F2}"));
        Console.WriteLine($"CPU time per scan (the process's, so time spent descheduled on a loaded machine does not count): A median {Figure(Median(cpu[0]))}, B median {Figure(Median(cpu[1]))}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"A/B CPU-time ratio (B's speed-up): median {Median(cpu[0]) / Median(cpu[1]):F2}, min {cpu[0].Min() / cpu[1].Min():F2}"));
        return 0;
    }

    /// <summary>Loads one build's assemblies (the bench and its own <c>BotBottle.Domain</c>) apart from the other build's.</summary>
    /// <param name="mainAssembly">The build's <c>BotBottle.Benchmarks.dll</c>.</param>
    internal sealed class BuildContext(string mainAssembly) : AssemblyLoadContext(isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }
}
