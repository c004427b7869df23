using System.Diagnostics;
using System.Text;
using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Adversarial input must cost linear time. Each 1 MB input below would take minutes with a quadratic step; the bound
/// is generous (a loaded CI machine) yet far below that. The throughput figures are in docs/dlp-rules.md.
/// Timing tests run alone (their own non-parallel collection) so that other tests do not skew the measurements.
/// </summary>
[Collection(TimingCollection.Name)]
public class PathologicalTests
{
    private static readonly DlpEngine Engine = DlpEngine.Create([new KnownSecret("S", "aaaaaaaa-secret"), new KnownSecret("T", Tokens.Random(Tokens.B64, 32, 1100))]);

    public static TheoryData<string> Shapes() => ["AAAA", "digits", "digits-grouped", "%25", "%%%%", "backslashes", "non-ascii", "base64-random", "b64-cores", "backslash-u", "zero-width", "ghp-repeated", "pem-headers", "urls", "plus-form"];

    private static string Make(string shape, int size) => shape switch
    {
        "AAAA" => new string('A', size),
        "digits" => new string('7', size),
        "digits-grouped" => string.Concat(Enumerable.Repeat("4111 ", size / 5)),
        "%25" => string.Concat(Enumerable.Repeat("%25", size / 3)),
        "%%%%" => new string('%', size),
        "backslashes" => new string('\\', size),
        "non-ascii" => new string('é', size / 2),
        "base64-random" => Convert.ToBase64String(Tokens.Bytes(size * 3 / 4, 1101)),
        "b64-cores" => string.Concat(Enumerable.Repeat(Convert.ToBase64String(Encoding.ASCII.GetBytes("ghp_ ghp_x ghp_xy ")), size / 24)),
        "backslash-u" => string.Concat(Enumerable.Repeat("\\u0067", size / 6)),
        "zero-width" => string.Concat(Enumerable.Repeat("g\u200Bh", size / 3)),
        "ghp-repeated" => string.Concat(Enumerable.Repeat("ghp_", size / 4)),
        "pem-headers" => string.Concat(Enumerable.Repeat("-----BEGIN RSA PRIVATE KEY-----", size / 31)),
        "urls" => string.Concat(Enumerable.Repeat("https://u:p@", size / 12)),
        _ => string.Concat(Enumerable.Repeat("a+", size / 2)),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void One_megabyte_of_adversarial_input_scans_in_linear_time(string shape)
    {
        var body = Encoding.UTF8.GetBytes(Make(shape, 1 << 20));
        var request = new DlpRequest { Method = "POST", Host = "h", PathAndQuery = "/", Body = body, ContentType = shape == "plus-form" ? "application/x-www-form-urlencoded" : "text/plain" };
        Engine.ScanRequest(request, DlpDetectors.All); // warm up
        var sw = Stopwatch.StartNew();
        var report = Engine.ScanRequest(request, DlpDetectors.All);
        sw.Stop();
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"{shape}: {sw.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(report.Findings.Count <= DlpEngine.MaxFindings);
        Engine.ScanResponse(body, "text/plain");
    }

    [Theory]
    [InlineData("%25")]
    [InlineData("b64-cores")]
    [InlineData("zero-width")]
    [InlineData("ghp-repeated")]
    public void Doubling_the_input_roughly_doubles_the_time(string shape)
    {
        double Measure(int size)
        {
            string text = Make(shape, size);
            var findings = new List<DlpFinding>();
            Engine.Scan(text, DlpLocation.Body, DlpDetectors.All, findings);
            double best = double.MaxValue;
            for (int i = 0; i < 5; i++)
            {
                findings.Clear();
                var sw = Stopwatch.StartNew();
                Engine.Scan(text, DlpLocation.Body, DlpDetectors.All, findings);
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            }

            return best;
        }

        double small = Measure(128 * 1024), large = Measure(1024 * 1024);
        // Linear: about 8x. Quadratic would be 64x. Allow noise on a shared machine.
        Assert.True(large < (small * 24) + 20, $"{shape}: 128 KiB {small:F1} ms, 1 MiB {large:F1} ms");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "DLP timing";
}
