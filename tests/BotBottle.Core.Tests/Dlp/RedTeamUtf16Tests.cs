using System.IO.Compression;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;
using static BotBottle.Tests.Dlp.TestEncodings;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, red team 11 (from inside a bottle): UTF-16 text was recognised only raw or as base64 of UTF-16LE, so a
/// checksum-valid GitHub token or the bottle's own secret went out past DLP <c>block</c> as base64 of UTF-16BE (also
/// Java's "UTF-16": BOM FE FF then big-endian), hex of UTF-16LE, base32 of UTF-16LE, base64 of gzip(UTF-16LE) and
/// %XX percent-encoding of UTF-16BE — in a form body, a JSON value, a header and a path. The encodings are made here
/// with .NET's encoders (<see cref="Encoding.BigEndianUnicode"/>, <see cref="Encoding.Unicode"/>, Convert, GZipStream).
/// Every malicious case here passed main 2d7a3e4's engine; the benign look-alikes pass on both.
/// </summary>
public sealed class RedTeamUtf16Tests
{
    private const string Secret = "mysecretVAL9fK2pQ7xZ4wR8tY1uI6oP3aS";

    private static readonly DlpEngine SecretEngine = DlpEngine.Create([new KnownSecret("MYSECRET", Secret)]);

    private static string Shape(string shape, string value) => shape switch
    {
        "b64-utf16be" => Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes(value)),
        "b64-java-utf16" => Convert.ToBase64String([0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(value)]),
        "hex-utf16le" => Convert.ToHexStringLower(Encoding.Unicode.GetBytes(value)),
        "base32-utf16le" => Base32(Encoding.Unicode.GetBytes(value)),
        "b64-gzip-utf16le" => Convert.ToBase64String(Gzip(Encoding.Unicode.GetBytes(value))),
        "pct-utf16be" => string.Concat(Encoding.BigEndianUnicode.GetBytes(value).Select(b => "%" + b.ToString("x2"))),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    private static DlpRequest Carrier(string carrier, string encoded) => carrier switch
    {
        "form" => Request("/ctl", "k=" + encoded, "application/x-www-form-urlencoded"),
        "json" => Request("/ctl", "{\"data\":\"" + encoded + "\"}", "application/json"),
        "header" => Request("/ctl", headers: ("X-Data", encoded)),
        "path" => Request("/ctl/" + encoded),
        _ => throw new ArgumentOutOfRangeException(nameof(carrier)),
    };

    private static readonly string[] Shapes = ["b64-utf16be", "b64-java-utf16", "hex-utf16le", "base32-utf16le", "b64-gzip-utf16le", "pct-utf16be"];

    private static readonly string[] Carriers = ["form", "json", "header", "path"];

    public static TheoryData<string, string> ShapesAndCarriers()
    {
        var data = new TheoryData<string, string>();
        foreach (string shape in Shapes)
        {
            foreach (string carrier in Carriers)
            {
                // Left open (docs/dlp-rules.md): base64 holding '/' in a URL path is cut into pieces at each '/', so
                // Java's BOM (base64 "/v8…") and gzip's base64 (a '/' inside) are not read whole in a path, UTF-16 or not.
                if (carrier == "path" && shape is "b64-java-utf16" or "b64-gzip-utf16le")
                {
                    continue;
                }

                data.Add(shape, carrier);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShapesAndCarriers))]
    public void A_github_token_as_utf16_under_another_encoding_is_found(string shape, string carrier)
    {
        string token = Tokens.GitHub("ghp_", 111);
        var report = Engine.ScanRequest(Carrier(carrier, Shape(shape, token)), DlpDetectors.All);
        Assert.True(report.Findings.Any(f => f.RuleId == "github-pat-classic" && f.Validated), Describe(report.Findings));
    }

    [Theory]
    [MemberData(nameof(ShapesAndCarriers))]
    public void The_bottles_own_secret_as_utf16_under_another_encoding_is_found(string shape, string carrier)
    {
        var report = SecretEngine.ScanRequest(Carrier(carrier, Shape(shape, Secret)), DlpDetectors.All);
        Assert.True(report.Findings.Any(f => f.Detector == DlpFinding.KnownSecretsDetector), Describe(report.Findings));
    }

    [Fact]
    public void A_token_inside_utf16_text_under_base64_is_found_with_text_around_it()
    {
        string token = Tokens.GitHub("ghp_", 112);
        string text = "export GITHUB_TOKEN=" + token + "\nexport PATH=/usr/local/bin:$PATH\n";
        foreach (var bytes in new[] { Encoding.BigEndianUnicode.GetBytes(text), [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)], [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)] })
        {
            var report = Engine.ScanRequest(Request("/ctl", "{\"file\":\"" + Convert.ToBase64String(bytes) + "\"}", "application/json"), DlpDetectors.All);
            Assert.True(report.Findings.Any(f => f.RuleId == "github-pat-classic" && f.Validated), Describe(report.Findings));
        }
    }

    public static TheoryData<string> BenignUtf16()
    {
        const string prose = "The quick brown fox jumps over the lazy dog. Release notes for version 4.2: the cache now expires after ten minutes, "
            + "and the settings page lists every option with its default value.\r\n";
        return new TheoryData<string>
        {
            Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes(prose)),
            Convert.ToBase64String([0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(prose)]),
            Convert.ToBase64String([0xFF, 0xFE, .. Encoding.Unicode.GetBytes(prose)]),
            Convert.ToHexStringLower(Encoding.Unicode.GetBytes(prose)),
            Base32(Encoding.Unicode.GetBytes(prose)),
            Convert.ToBase64String(Gzip(Encoding.Unicode.GetBytes(prose))),
            Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes("Grüße aus München — Überblick über die Änderungen der Woche, Größe 12 × 30 cm.")),
        };
    }

    [Theory]
    [MemberData(nameof(BenignUtf16))]
    public void Utf16_prose_under_another_encoding_stays_clean(string encoded)
    {
        foreach (string carrier in new[] { "json", "header" })
        {
            var report = Engine.ScanRequest(Carrier(carrier, encoded), DlpDetectors.All);
            Assert.True(report.Findings.Count == 0, Describe(report.Findings));
        }
    }

    [Fact]
    public void A_utf16_bom_file_of_prose_stays_clean()
    {
        string prose = string.Concat(Enumerable.Repeat("Meeting notes: the team agreed to ship the release on Friday and to review the open bugs first.\r\n", 20));
        byte[] body = [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(prose)];
        var report = Engine.ScanRequest(
            new DlpRequest { Method = "POST", Host = "api.example.com", PathAndQuery = "/upload", Body = body, ContentType = "text/plain" },
            DlpDetectors.All);
        Assert.True(report.Findings.Count == 0, Describe(report.Findings));
        var b64 = Engine.ScanRequest(Request("/upload", "{\"file\":\"" + Convert.ToBase64String(body) + "\"}", "application/json"), DlpDetectors.All);
        Assert.True(b64.Findings.Count == 0, Describe(b64.Findings));
    }

    [Fact]
    public void Binary_with_zero_bytes_under_base64_or_hex_stays_clean()
    {
        // Little-endian 16-bit integers and a struct of small numbers: every second byte zero, the others not text.
        var rnd = new Random(11);
        byte[] samples = new byte[600];
        for (int i = 0; i < samples.Length; i += 2)
        {
            samples[i] = (byte)rnd.Next(0, 256);
        }

        byte[] mixed = new byte[600];
        rnd.NextBytes(mixed);
        for (int i = 0; i < mixed.Length; i += 3)
        {
            mixed[i] = 0;
        }

        foreach (byte[] bin in new[] { samples, mixed })
        {
            foreach (string encoded in new[] { Convert.ToBase64String(bin), Convert.ToHexStringLower(bin), Base32(bin) })
            {
                var report = Engine.ScanRequest(Carrier("json", encoded), DlpDetectors.All);
                Assert.True(report.Findings.Count == 0, Describe(report.Findings));
            }
        }
    }
}
