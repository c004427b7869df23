using System.IO.Compression;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>Every encoding trick, for a rule token and for a known secret.</summary>
public class EncodingTests
{
    private static readonly string GitHubToken = Tokens.GitHub("ghp_", 500);
    private const string SecretValue = "s3cr3t-Value_with+Sym/bols!";
    private static readonly DlpEngine SecretEngine = DlpEngine.Create([new KnownSecret("DEPLOY_KEY", SecretValue)]);

    public static TheoryData<string, Func<string, string>, string> Encodings() => new()
    {
        { "base64 (aligned)", s => Tokens.B64Of(s), DlpEncodings.Base64 },
        { "base64 (offset 1)", s => Tokens.B64Of(":" + s), DlpEncodings.Base64 },
        { "base64 (offset 2)", s => Tokens.B64Of("::" + s), DlpEncodings.Base64 },
        { "base64url", s => Tokens.B64UrlOf("\u00fb\u00ff" + s), DlpEncodings.Base64Url },
        { "hex lower", s => Tokens.Hex(s), DlpEncodings.Hex },
        { "hex upper", s => Tokens.Hex(s, upper: true), DlpEncodings.Hex },
        { "percent (every byte)", Tokens.PercentAll, DlpEncodings.Percent },
        { "percent (reserved only)", Uri.EscapeDataString, DlpEncodings.Percent },
        { "percent (double)", s => Tokens.PercentAll(s).Replace("%", "%25", StringComparison.Ordinal), DlpEncodings.Percent },
        { "percent (triple)", s => Tokens.PercentAll(s).Replace("%", "%25", StringComparison.Ordinal).Replace("%", "%25", StringComparison.Ordinal), DlpEncodings.Percent },
        { "json \\u escapes", Tokens.JsonEscapeAll, DlpEncodings.Escape },
        { "full-width", Tokens.FullWidth, DlpEncodings.Unicode },
        { "zero-width inserted", Tokens.ZeroWidth, DlpEncodings.Unicode },
        { "soft hyphens and bidi marks", s => string.Join("\u00AD\u202E", s.ToCharArray()), DlpEncodings.Unicode },
        { "percent-encoded full-width", s => Tokens.PercentAll(Tokens.FullWidth(s)), "percent+unicode" },
        { "json-escaped zero-width", s => Tokens.JsonEscapeAll(Tokens.ZeroWidth(s)), "escape+unicode" },
        { "percent-encoded base64", s => Uri.EscapeDataString(Tokens.B64Of("::" + s + "??")), "percent+base64" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Rule_token_is_found_through_the_encoding_and_its_span_covers_the_encoded_text(string name, Func<string, string> encode, string expectedEncoding)
    {
        string encoded = encode(GitHubToken);
        string text = "{\"note\":\"" + encoded + "\"}";
        if (encoded == GitHubToken)
        {
            expectedEncoding = DlpEncodings.Plain; // the encoding leaves this token unchanged
        }

        var findings = Scan(text).Where(x => x.RuleId == "github-pat-classic").ToList();
        Assert.NotEmpty(findings);
        var f = findings.OrderByDescending(x => x.Length).First();
        Assert.True(f.Encoding == expectedEncoding || (expectedEncoding == DlpEncodings.Base64Url && f.Encoding == DlpEncodings.Base64), $"{name}: {Describe(findings)}");
        Assert.All(findings, x => Assert.True(x.Start >= 9 && x.Start + x.Length <= 9 + encoded.Length, $"{name}: span {x.Start}+{x.Length} outside the encoded value"));
        Assert.True(f.Length >= Math.Min(encoded.Length, 40), $"{name}: span too short");
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Known_secret_is_found_through_the_encoding(string name, Func<string, string> encode, string expectedEncoding)
    {
        string encoded = encode(SecretValue);
        string text = "payload=" + encoded + "&ok=1";
        var findings = Scan(text, SecretEngine, detectors: DlpDetectors.KnownSecrets);
        Assert.NotEmpty(findings);
        Assert.All(findings, x => Assert.Equal(("DEPLOY_KEY", DlpFinding.KnownSecretsDetector), (x.RuleId, x.Detector)));
        var f = findings.OrderByDescending(x => x.Length).First();
        Assert.True(f.Encoding == expectedEncoding || (expectedEncoding == DlpEncodings.Base64Url && f.Encoding == DlpEncodings.Base64), $"{name}: {Describe(findings)}");
        Assert.Equal(("payload=" + encoded).Length, f.Start + f.Length);
        Assert.All(findings, x => Assert.DoesNotContain(SecretValue, x.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Plain_forms_report_plain_encoding_and_exact_span()
    {
        string text = "x " + GitHubToken + " y";
        var f = Assert.Single(Scan(text));
        Assert.Equal((2, 40, DlpEncodings.Plain), (f.Start, f.Length, f.Encoding));
        var s = Assert.Single(Scan("a" + SecretValue + "b", SecretEngine));
        Assert.Equal((1, SecretValue.Length, DlpEncodings.Plain), (s.Start, s.Length, s.Encoding));
    }

    [Fact]
    public void Basic_authorization_header_is_decoded()
    {
        var req = Request(headers: ("Authorization", "Basic " + Tokens.B64Of("x-access-token:" + GitHubToken)));
        var f = Assert.Single(DlpTestHelpers.Engine.ScanRequest(req, DlpDetectors.All).Findings);
        Assert.Equal(("github-pat-classic", DlpLocationKind.Header, "Authorization", DlpEncodings.Base64), (f.RuleId, f.Location.Kind, f.Location.Name, f.Encoding));
        Assert.Equal(6, f.Start);
    }

    [Fact]
    public void Multipart_part_with_base64_transfer_encoding_is_decoded()
    {
        string card = Tokens.Card("4", 16, 501); // no anchor: found only because the part is decoded
        string part = Convert.ToBase64String(Encoding.UTF8.GetBytes("name,card\nAda," + card + "\n"), Base64FormattingOptions.InsertLineBreaks);
        string body = "--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\nContent-Transfer-Encoding: base64\r\n\r\n" + part + "\r\n--XyZ--\r\n";
        var req = Request("/upload", body, "multipart/form-data; boundary=XyZ");
        var f = Assert.Single(DlpTestHelpers.Engine.ScanRequest(req, DlpDetectors.All).Findings);
        Assert.Equal(("payment-card", "upload", DlpEncodings.Base64), (f.RuleId, f.Location.Name, f.Encoding));
        Assert.Equal(part, body.Substring(f.Start, f.Length));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    [InlineData("zstd")]
    public void Compressed_body_is_decompressed(string coding)
    {
        byte[] plain = Encoding.UTF8.GetBytes("{\"token\":\"" + GitHubToken + "\"}");
        using var ms = new MemoryStream();
        using (Stream z = coding switch
        {
            "gzip" => new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(ms, CompressionLevel.Fastest, leaveOpen: true),
            "zstd" => new ZstdSharp.CompressionStream(ms, 1, leaveOpen: true),
            _ => new BrotliStream(ms, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            z.Write(plain);
        }

        var req = new DlpRequest
        {
            Method = "POST", Host = "h", PathAndQuery = "/", Body = ms.ToArray(), ContentType = "application/json",
            Headers = [new("Content-Encoding", coding)],
        };
        // Brotli may store a short input verbatim, in which case the raw bytes match too.
        var findings = DlpTestHelpers.Engine.ScanRequest(req, DlpDetectors.All).Findings;
        var f = Assert.Single(findings, x => x.Encoding == DlpEncodings.Compressed);
        Assert.Equal(("github-pat-classic", 0, (int)ms.Length), (f.RuleId, f.Start, f.Length));
    }

    [Fact]
    public void Form_plus_is_a_space_for_known_secrets()
    {
        var engine = DlpEngine.Create([new KnownSecret("PHRASE", "correct horse battery")]);
        var req = Request("/login", "user=ada&phrase=correct+horse+battery", "application/x-www-form-urlencoded");
        var f = Assert.Single(engine.ScanRequest(req, DlpDetectors.All).Findings);
        Assert.Equal(("PHRASE", DlpLocationKind.Body, "phrase"), (f.RuleId, f.Location.Kind, f.Location.Name));
    }

    /// <summary>
    /// A JSON <c>\/</c> escape whose backslash is the last character of one of the classifier's 64-character blocks
    /// (or of an 8192-character chunk) is still decoded: the layer trigger reads the character after the block. It is
    /// the only escape in the text, so nothing else would start the decoding.
    /// </summary>
    [Theory]
    [InlineData(63)]
    [InlineData(127)]
    [InlineData(8191)]
    public void An_escape_at_a_classifier_block_edge_is_decoded(int backslashAt)
    {
        string escaped = SecretValue.Replace("/", "\\/", StringComparison.Ordinal);
        int inSecret = escaped.IndexOf('\\', StringComparison.Ordinal);
        string text = new string(' ', backslashAt - inSecret) + escaped + " and more";
        Assert.Equal("\\/", text.Substring(backslashAt, 2));
        var findings = new List<DlpFinding>();
        SecretEngine.Scan(text, DlpLocation.Body, DlpDetectors.All, findings);
        var f = Assert.Single(findings);
        Assert.Equal(("DEPLOY_KEY", DlpEncodings.Escape, backslashAt - inSecret, escaped.Length), (f.RuleId, f.Encoding, f.Start, f.Length));
    }
}
