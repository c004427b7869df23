using System.Text;
using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Adversarial input: every shape below is 1 MB built to stress one part of the scanner (runs, digit runs, repeated
/// percent layers, base64 cores, escapes, invisible characters). These tests assert behaviour, not time: the scan
/// finishes, stays within <see cref="DlpEngine.MaxFindings"/>, and a secret placed after the adversarial megabyte is
/// still found — so no shape makes the scanner give up early. Linear cost is measured, not asserted:
/// <c>DlpPathologicalBenchmarks</c> runs each shape at 128 KiB and 1 MiB (figures in docs/dlp-rules.md).
/// </summary>
public class PathologicalTests
{
    private const string Secret = "aaaaaaaa-secret";

    private static readonly DlpEngine Engine = DlpEngine.Create([new KnownSecret("S", Secret), new KnownSecret("T", Tokens.Random(Tokens.B64, 32, 1100))]);

    public static TheoryData<string> Shapes() => ["AAAA", "digits", "digits-grouped", "%25", "%%%%", "backslashes", "non-ascii", "base64-random", "b64-cores", "backslash-u", "zero-width", "ghp-repeated", "pem-headers", "urls", "plus-form", "base64-wrapped-random", "base64-wrapped-text", "hex-groups", "xxd-lines", "od-lines", "decimal-spaced", "backslash-U", "percent-u", "utf32", "prefix-pieces", "prefix-lines", "prefix-variables", "decimal-runs", "binary-octets", "base58-runs", "rot47-heads", "b85-text-line", "a85-alphabet-line", "uu-text-lines", "json-escaped-value"];

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
        "base64-wrapped-random" => Wrap(Convert.ToBase64String(Tokens.Bytes(size * 3 / 4 * 76 / 77, 1102)), 76),
        "base64-wrapped-text" => Wrap(Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the scanner reads every line once ", size / 45)))), 76),
        "hex-groups" => string.Concat(Enumerable.Repeat("4141 ", size / 5)), // red team 12: grouped hex on one line
        "xxd-lines" => string.Concat(Enumerable.Repeat("00000010: 4141 4141 4141 4141 4141 4141 4141 4141  AAAAAAAAAAAAAAAA\n", size / 68)),
        "od-lines" => string.Concat(Enumerable.Repeat(" 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41\n", size / 49)),
        "decimal-spaced" => string.Concat(Enumerable.Repeat("65 ", size / 3)),
        "backslash-U" => string.Concat(Enumerable.Repeat("\\U00000067", size / 10)),
        "percent-u" => string.Concat(Enumerable.Repeat("%u0067", size / 6)),
        "utf32" => string.Concat(Enumerable.Repeat("g\0\0\0", size / 4)),
        // A credential prefix starting every short piece (DlpEngine.ShortPieces.cs): each is a trigger whose walk must not re-read the pieces after it.
        "prefix-pieces" => string.Concat(Enumerable.Repeat("\"AKIA1\", ", size / 9)),
        "prefix-lines" => string.Concat(Enumerable.Repeat("ghp_a1\n", size / 7)),
        "prefix-variables" => string.Concat(Enumerable.Repeat("A=ghp_ $A$A${A}{A}", size / 18)),
        // DlpEngine.Numbers.cs: each run at its bound is one radix conversion (quadratic in a bounded run), bits decode once.
        "decimal-runs" => string.Concat(Enumerable.Repeat(new string('9', 4096) + "x", size / 4097)),
        "binary-octets" => string.Concat(Enumerable.Repeat("01000001 ", size / 9)),
        "base58-runs" => string.Concat(Enumerable.Repeat(string.Concat(Enumerable.Repeat("zkR7", 128)) + " ", size / 513)),
        "rot47-heads" => string.Concat(Enumerable.Repeat("89A0", size / 4)), // ROT47 of ghp_: the layer's first 4,096 characters are rotated once
        // A first line the base85 / uuencode check accepts (DlpEngine.Base85.cs): decoded once, within the budgets.
        "b85-text-line" => TestEncodings.Base85(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the scanner reads every line once ", size / 43)))),
        "a85-alphabet-line" => string.Concat(Enumerable.Repeat("9jqo^BlbD-BleB1DJ+*+F(f,q", size / 25)),
        "uu-text-lines" => TestEncodings.UuLines(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the scanner reads every line once ", size / 46)))),
        // A JSON object whose first value is all escapes (ScanKeyedBlob finds its end one escape at a time, then unescapes it once).
        "json-escaped-value" => "{\"d\":\"" + string.Concat(Enumerable.Repeat("\\\"", size / 2)) + "\"}",
        _ => string.Concat(Enumerable.Repeat("a+", size / 2)),
    };

    /// <summary>Lines of <paramref name="width"/> characters, as coreutils <c>base64</c> writes them (each line of a wrapped blob once started a walk to the blob's end).</summary>
    private static string Wrap(string s, int width) => string.Join('\n', s.Chunk(width).Select(c => new string(c)));

    /// <summary>
    /// Two lines of wrapped random base64 whose last characters are a base64 core of the <c>sk-</c> anchor: the decoded
    /// window ended inside the anchor and the OpenAI matcher indexed past it (ArgumentOutOfRangeException, found by the
    /// dlp-probe round on main 0dd938c).
    /// </summary>
    [Fact]
    public void An_anchor_core_at_the_end_of_a_base64_window_does_not_throw()
    {
        const string body = "ZeO+6x4WXevtYmFy6a8LaBtaSN6ZSuAzkj6nxgjYnycM5i0qnRHU7dRU867uVIPjt7PTpDODXHGU\nLWPwtBPEqe5GLsXpAoZBg0e76z8OmA8FtX0I89/R6qe5Ior2aDQQL4oQypQEvLKjMrdGHobgGzay\n";
        var report = Engine.ScanRequest(new DlpRequest { Method = "POST", Host = "h", PathAndQuery = "/", Body = Encoding.ASCII.GetBytes(body), ContentType = "text/plain" }, DlpDetectors.All);
        Assert.Empty(report.Findings);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void One_megabyte_of_adversarial_input_is_scanned_to_its_end(string shape)
    {
        var contentType = shape == "plus-form" ? "application/x-www-form-urlencoded" : "text/plain";
        var adversarial = Make(shape, 1 << 20);
        var clean = Engine.ScanRequest(new DlpRequest { Method = "POST", Host = "h", PathAndQuery = "/", Body = Encoding.UTF8.GetBytes(adversarial), ContentType = contentType }, DlpDetectors.All);
        Assert.True(clean.Findings.Count <= DlpEngine.MaxFindings);
        Assert.DoesNotContain(clean.Findings, f => f.RuleId == "S");

        // The same megabyte with the bottle's secret after it: the secret is still found.
        var separator = shape == "plus-form" ? "&s=" : "\n";
        var body = Encoding.UTF8.GetBytes(adversarial + separator + Secret + "\n");
        var report = Engine.ScanRequest(new DlpRequest { Method = "POST", Host = "h", PathAndQuery = "/", Body = body, ContentType = contentType }, DlpDetectors.All);
        Assert.True(report.Findings.Count <= DlpEngine.MaxFindings);
        Assert.True(report.Findings.Any(f => f.RuleId == "S"),
            $"{shape}: the secret after the adversarial input was not found ({report.Findings.Count} findings: {string.Join(", ", report.Findings.Select(f => f.RuleId).Distinct())})");
        Engine.ScanResponse(body, "text/plain");
    }
}
