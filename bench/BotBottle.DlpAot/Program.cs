// Scans the DLP benchmark's benign bodies (BenignBodies: the issues export and the load generator's words body, 64 KiB)
// with the engine and settings of DlpBenignBenchmarks (ten known secrets, every detector), timed with a Stopwatch:
// best of R rounds of 300 ms each, µs per scan and MB/s. One JSON line per body, for bench/dlp-aot.sh.
// Usage: BotBottle.DlpAot [rounds=15] [label]
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text;
using BotBottle.Benchmarks;
using BotBottle.Dlp;

int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
string label = args.Length > 1 ? args[1] : (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "jit" : "nativeaot");

var engine = DlpEngine.Create(BenignBodies.TenSecrets()); // the DLP benchmarks' engine
const int Size = 64 * 1024;
foreach (var (name, text) in new[] { ("issues", BenignBodies.Json(Size)), ("words", BenignBodies.ChatWords(Size)) })
{
    var request = new DlpRequest
    {
        Method = "POST", Host = "api.example.com", PathAndQuery = "/v1/issues/import?dry_run=false&page=2", ContentType = "application/json",
        Body = Encoding.UTF8.GetBytes(text[..Math.Min(text.Length, Size)]),
    };
    if (engine.ScanRequest(request, DlpDetectors.All).HasFindings)
    {
        Console.Error.WriteLine($"the {name} body produced a finding: not a benign body");
        return 1;
    }

    double best = double.MaxValue;
    for (int r = 0; r < rounds; r++)
    {
        var sw = Stopwatch.StartNew();
        int n = 0;
        while (sw.ElapsedMilliseconds < 300)
        {
            engine.ScanRequest(request, DlpDetectors.All);
            n++;
        }

        best = Math.Min(best, sw.Elapsed.TotalMicroseconds / n);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{\"label\":\"{label}\",\"body\":\"{name}\",\"bytes\":{request.Body.Length},\"us_per_scan\":{best:F1},\"mb_per_s\":{request.Body.Length / best:F0},\"vector256\":{(Vector256.IsHardwareAccelerated ? "true" : "false")},\"vector512\":{(Vector512.IsHardwareAccelerated ? "true" : "false")}}}"));
}

return 0;
