using System.Text;
using BenchmarkDotNet.Attributes;
using BotBottle.Dlp;

namespace BotBottle.Benchmarks;

/// <summary>
/// DLP throughput on benign request bodies (the common case: nothing to find) with every detector and ten known
/// secrets, as the sidecar runs it: a JSON issue export (<see cref="BenignBodies.Json"/>: prose, Markdown, code, URLs,
/// hashes, UUIDs). The MB/s column is body bytes / mean time (1 MB = 10^6 bytes).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class DlpBenignBenchmarks
{
    private DlpEngine _engine = null!;
    private DlpRequest _request = null!;

    /// <summary>Body size in bytes.</summary>
    [Params(1024, 64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = DlpEngine.Create(TenSecrets());
        _request = Request(Encoding.UTF8.GetBytes(BenignBodies.Json(Size, seed: 7))[..Size]);
        if (_engine.ScanRequest(_request, DlpDetectors.All).HasFindings)
        {
            throw new InvalidOperationException("The benign body produced a finding.");
        }
    }

    [Benchmark(Description = "ScanRequest, all detectors, 10 known secrets")]
    public DlpReport ScanRequest() => _engine.ScanRequest(_request, DlpDetectors.All);

    internal static DlpRequest Request(byte[] body) => new()
    {
        Method = "POST",
        Host = "api.example.com",
        PathAndQuery = "/v1/issues/import?dry_run=false&page=2",
        ContentType = "application/json",
        Headers =
        [
            new("Content-Type", "application/json"),
            new("Accept", "application/json"),
            new("User-Agent", "claude-cli/2.0.14 (external, cli)"),
            new("X-Request-Id", "6f1c1d0e-8f0b-4a53-9a3c-2d9e4b7f6a11"),
        ],
        Body = body,
    };

    internal static KnownSecret[] TenSecrets() => BenignBodies.TenSecrets();
}

/// <summary>
/// DLP throughput on the egress load generator's body (<c>bench/BotBottle.LoadGen</c>, as <c>bench/egress/run.sh</c>
/// sends it: 1 KiB and 64 KiB): chat JSON of 15 common English words, 7 of them BIP-39 words
/// (<see cref="BenignBodies.ChatWords"/>), the seed-phrase probe's worst benign case. Same engine, secrets and request
/// as <see cref="DlpBenignBenchmarks"/>. No 1 MiB case: at that size the generator's random words form runs of 12+
/// wordlist words, which the engine reports as (unvalidated) seed phrases by design.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class DlpBenignWordsBenchmarks
{
    private DlpEngine _engine = null!;
    private DlpRequest _request = null!;

    /// <summary>Body size in bytes.</summary>
    [Params(1024, 64 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = DlpEngine.Create(DlpBenignBenchmarks.TenSecrets());
        _request = DlpBenignBenchmarks.Request(Encoding.UTF8.GetBytes(BenignBodies.ChatWords(Size)));
        if (_engine.ScanRequest(_request, DlpDetectors.All).HasFindings)
        {
            throw new InvalidOperationException("The load generator's body produced a finding.");
        }
    }

    [Benchmark(Description = "ScanRequest, load generator's words body")]
    public DlpReport ScanRequest() => _engine.ScanRequest(_request, DlpDetectors.All);
}

/// <summary>
/// Adversarial 1 MB bodies: long runs that stress the run finder, the digit-run card check, repeated
/// percent-decoding, base64 segment decoding and the decoders' bounds. Each must stay linear.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class DlpPathologicalBenchmarks
{
    private DlpEngine _engine = null!;
    private DlpRequest _request = null!;

    /// <summary>The input shape.</summary>
    [Params("AAAA", "digits", "%25", "%%%%", "base64-random", "b64-cores", "backslash-u", "zero-width")]
    public string Shape { get; set; } = "AAAA";

    /// <summary>Body size in bytes: 128 KiB and 1 MiB, so a cost that grows faster than the input shows (linear is 8×).</summary>
    [Params(128 * 1024, 1024 * 1024)]
    public int Size { get; set; } = 1024 * 1024;

    [GlobalSetup]
    public void Setup()
    {
        _engine = DlpEngine.Create(DlpBenignBenchmarks.TenSecrets());
        _request = new DlpRequest { Method = "POST", Host = "api.example.com", PathAndQuery = "/upload", Body = Make(Shape, Size) };
    }

    [Benchmark(Description = "ScanRequest, 1 MB adversarial body")]
    public DlpReport ScanRequest() => _engine.ScanRequest(_request, DlpDetectors.All);

    internal static byte[] Make(string shape, int size)
    {
        var rnd = new Random(99);
        string text = shape switch
        {
            "AAAA" => new string('A', size),
            "digits" => new string('7', size),
            "%25" => string.Concat(Enumerable.Repeat("%25", size / 3)),
            "%%%%" => new string('%', size),
            "base64-random" => Convert.ToBase64String(Bytes(rnd, size * 3 / 4)),
            // base64 of "ghp_" at every alignment, over and over: maximal core hits, none validates
            "b64-cores" => string.Concat(Enumerable.Repeat(Convert.ToBase64String(Encoding.ASCII.GetBytes("ghp_ ghp_x ghp_xy ")), size / 24)),
            "backslash-u" => string.Concat(Enumerable.Repeat("\\u0067", size / 6)),
            _ => string.Concat(Enumerable.Repeat("g\u200Bh", size / 5)),
        };
        return Encoding.UTF8.GetBytes(text);
    }

    private static byte[] Bytes(Random rnd, int n)
    {
        var b = new byte[n];
        rnd.NextBytes(b);
        return b;
    }
}
