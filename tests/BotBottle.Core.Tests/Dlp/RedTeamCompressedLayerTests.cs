using System.IO.Compression;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;
using static BotBottle.Tests.Dlp.TestEncodings;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Red team 12, compression under a binary-to-text layer (families B, D and I): gzip / zlib / ZIP under hex or base32
/// (<c>gzip | xxd -p</c>, <c>zlib.compress(x).hex()</c>, <c>base32(gzip(x))</c>: B32, I03, I16, I02), gzip of gzip and
/// a ZIP under base64 (I04, D26), and bzip2 / xz, which have no decoder in the base class library and are refused as
/// unscannable (B30, B31, I08, I09). Ported from branch enc13 without its base85 part. The encoders below are written
/// from the format specifications (RFC 4648 §6 base32) or are the base class library's (GZipStream RFC 1952, ZLibStream
/// RFC 1950, ZipArchive PKWARE APPNOTE.TXT); the bzip2 and xz bytes were made by Python's <c>bz2</c> and <c>lzma</c>
/// modules from a harmless two-line <c>.env</c>. Tokens are random characters in the vendors' formats. Every malicious
/// case here passed main 55a525b's engine; the look-alikes stay clean.
/// </summary>
public sealed class RedTeamCompressedLayerTests
{
    private static readonly string Ghp = Tokens.GitHub("ghp_", 1401);
    private static readonly string Aws = "AKIA" + Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 1402);
    private static readonly string DotEnv = $"NODE_ENV=production\nGITHUB_TOKEN={Ghp}\nAWS_ACCESS_KEY_ID={Aws}\n";

    /// <summary><c>bzip2 -c</c> of "NODE_ENV=production\nLOG_LEVEL=debug\n" (BZh9, block magic 31 41 59 26 53 59).</summary>
    private const string Bzip2Hex = "425a6839314159265359b383d7d2000006cf8000100002068581009ea1d6002000228c4346801ea1468c81a34c8d3599d6b06354a22b89a50273645f9b3063d20147c5dc914e14242ce0f5f480";

    /// <summary><c>xz -c</c> of the same text (stream header FD 37 7A 58 5A 00, The .xz File Format 1.2.1 §2.1.1).</summary>
    private const string XzHex = "fd377a585a000004e6d6b4460200210116000000742fe5a30100234e4f44455f454e563d70726f64756374696f6e0a4c4f475f4c4556454c3d64656275670a00c7c276a927e31c4200013c240528766f1fb6f37d010000000004595a";

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static List<DlpFinding> ScanBytes(byte[] body, string? contentType = null) =>
        [.. Engine.ScanRequest(
            new DlpRequest { Method = "POST", Host = "x.example.com", PathAndQuery = "/collect", Body = body, ContentType = contentType },
            DlpDetectors.All).Findings];

    public static TheoryData<string, string> Encoded() => new()
    {
        { "gzip-hex", "hex+compressed" },
        { "gzip-hex-upper", "hex+compressed" },
        { "zlib-hex", "hex+compressed" },
        { "zip-hex", "hex+zip" },
        { "gzip-base32", "base32+compressed" },
        { "zlib-base32-lower", "base32+compressed" },
        { "gzip-gzip-base64", "base64+compressed+compressed" },
        { "zip-base64", "base64+zip" },
        { "targz-in-zip-base64", "base64+zip+compressed" },
    };

    private static string Encode(string kind, string text) => kind switch
    {
        "gzip-hex" => Convert.ToHexStringLower(Gzip(Utf8(text))),
        "gzip-hex-upper" => Convert.ToHexString(Gzip(Utf8(text))),
        "zlib-hex" => Convert.ToHexStringLower(Zlib(Utf8(text))),
        "zip-hex" => Convert.ToHexStringLower(Zip((".env", Utf8(text)))),
        "gzip-base32" => Base32(Gzip(Utf8(text))),
        "zlib-base32-lower" => Base32(Zlib(Utf8(text)), lower: true),
        "gzip-gzip-base64" => Convert.ToBase64String(Gzip(Gzip(Utf8(text)))),
        "zip-base64" => Convert.ToBase64String(Zip(("README.md", Utf8("# app\n")), (".env", Utf8(text)))),
        _ => Convert.ToBase64String(Zip(("backup.gz", Gzip(Utf8(text))))),
    };

    [Theory]
    [MemberData(nameof(Encoded))]
    public void A_token_compressed_under_the_encoding_is_found(string kind, string encoding)
    {
        foreach (string text in new[] { Ghp, DotEnv })
        {
            string encoded = Encode(kind, text);
            foreach (var (body, type) in new[] { (encoded, "text/plain"), (encoded + "\n", "application/octet-stream") })
            {
                var findings = ScanBody(body, type);
                var f = findings.FirstOrDefault(x => x.RuleId == "github-pat-classic");
                Assert.True(f is not null, $"{kind} of {text.Length} chars: {Describe(findings)}");
                Assert.Equal(encoding, f!.Encoding);
            }
        }
    }

    [Theory]
    [InlineData("gzip-hex")]
    [InlineData("zlib-hex")]
    [InlineData("gzip-base32")]
    [InlineData("zip-base64")]
    [InlineData("gzip-gzip-base64")]
    public void A_token_compressed_under_the_encoding_in_a_json_string_or_form_field_is_found(string kind)
    {
        string encoded = Encode(kind, DotEnv);
        foreach (var (body, type) in new[] { ("{\"data\":\"" + encoded + "\"}", "application/json"), ("d=" + encoded, "application/x-www-form-urlencoded") })
        {
            var findings = ScanBody(body, type);
            Assert.True(findings.Any(x => x.RuleId == "github-pat-classic"), $"{kind} in {type}: {Describe(findings)}");
        }
    }

    [Fact]
    public void Hex_of_gzip_wrapped_in_xxd_lines_is_found()
    {
        // gzip -c .env | xxd -p: 60 hex digits a line.
        string hex = Convert.ToHexStringLower(Gzip(Utf8(DotEnv)));
        string wrapped = string.Join("\n", hex.Chunk(60).Select(c => new string(c))) + "\n";
        var findings = ScanBody(wrapped, "text/plain");
        Assert.True(findings.Any(x => x.RuleId == "github-pat-classic" && x.Encoding == "hex+compressed"), Describe(findings));
    }

    public static TheoryData<string, string> Unreadable() => new()
    {
        { "bzip2", Bzip2Hex },
        { "xz", XzHex },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void Bzip2_and_xz_are_refused_as_unscannable(string kind, string hex)
    {
        byte[] raw = Convert.FromHexString(hex);
        foreach (var (body, what) in new[] { (raw, "raw"), (Utf8(Convert.ToBase64String(raw)), "base64"), (Utf8(hex), "hex"), (Utf8("{\"blob\":\"" + Convert.ToBase64String(raw) + "\"}"), "base64 in JSON") })
        {
            var findings = ScanBytes(body);
            Assert.True(findings.Any(f => f.RuleId == DlpEngine.CompressedUnscannedId), $"{kind} {what}: {Describe(findings)}");
        }
    }

    [Fact]
    public void A_bzip2_multipart_part_is_refused_as_unscannable()
    {
        byte[] raw = Convert.FromHexString(Bzip2Hex);
        byte[] body = [.. Utf8("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"env.bz2\"\r\nContent-Type: application/x-bzip2\r\n\r\n"), .. raw, .. Utf8("\r\n--b--\r\n")];
        var findings = ScanBytes(body, "multipart/form-data; boundary=b");
        Assert.True(findings.Any(f => f.RuleId == DlpEngine.CompressedUnscannedId), Describe(findings));
    }

    [Theory]
    [InlineData("x^")]
    [InlineData("HK")]
    public void Base64_of_text_whose_first_bytes_pass_the_zlib_header_check_is_still_read_as_text(string start)
    {
        // "x^" is 78 5e and "HK" 48 4b: both pass RFC 1950's FCHECK (CMF * 256 + FLG divisible by 31), so the bytes were
        // taken for a zlib stream that inflated to nothing and their text was never scanned.
        // The base64 decoder and the hex one (whose runs starting with compressed magic are now collected) must still read
        // such text when it inflates to nothing. A card number has no anchor, so only the decoded layer can find it (a
        // token's prefix is also found by the encoded-literal search, whatever the layer does).
        string card = Tokens.Card("4", 16, 1403);
        foreach (var (secret, rule) in new[] { (" token=" + Ghp, "github-pat-classic"), (" card " + card + " exp 12/29", "payment-card") })
        {
            byte[] text = Utf8(start + secret + "\n");
            foreach (string body in new[] { Convert.ToBase64String(text), Convert.ToHexStringLower(text) })
            {
                var findings = ScanBody("{\"note\":\"" + body + "\"}");
                Assert.True(findings.Any(f => f.RuleId == rule), body + ": " + Describe(findings));
            }
        }
    }

    [Fact]
    public void A_compression_bomb_under_hex_is_reported_not_read_whole()
    {
        // 2 MiB of zeros gzip to about 2 KiB; the 256 KiB per-stream budget cuts it: reported, not let through.
        string hex = Convert.ToHexStringLower(Gzip(new byte[2 << 20]));
        var findings = ScanBody(hex, "text/plain");
        Assert.Contains(findings, f => f.RuleId == DlpEngine.CompressedUnscannedId && f.Encoding == "hex+compressed");
    }

    [Fact]
    public void Gzip_nested_past_the_layer_limit_stops_at_the_limit()
    {
        // gzip nested far deeper than MaxDeepLayers: the engine stops at its layer limit (no finding past it, no
        // exception); two levels are within it.
        byte[] data = Utf8(DotEnv);
        for (int i = 0; i < 12; i++)
        {
            data = Gzip(data);
        }

        Assert.DoesNotContain(ScanBytes(Utf8(Convert.ToBase64String(data))), f => f.RuleId == "github-pat-classic");
        Assert.Contains(ScanBytes(Utf8(Convert.ToBase64String(Gzip(Gzip(Utf8(DotEnv)))))), f => f.RuleId == "github-pat-classic");
    }

    private const string Notes = "just some release notes: fixed the build, bumped versions, updated docs and the changelog\n";

    private const string Source = "using System;\n\nnamespace App;\n\npublic static class Program\n{\n    public static int Main(string[] args)\n    {\n        Console.WriteLine(\"hello\");\n        return 0;\n    }\n}\n";

    public static TheoryData<string> LookAlikes() => new()
    {
        // Hex and base32 of gzip / zlib of prose and source code: decompressed, nothing in them.
        Convert.ToHexStringLower(Gzip(Utf8(Notes))),
        Convert.ToHexStringLower(Zlib(Utf8(Source))),
        Base32(Gzip(Utf8(Notes))),
        Convert.ToHexStringLower(Zip(("Program.cs", Utf8(Source)))),
        Convert.ToBase64String(Zip(("Program.cs", Utf8(Source)), ("notes.txt", Utf8(Notes)))),
        Convert.ToBase64String(Gzip(Gzip(Utf8(Source)))),
        // Hex digests whose first bytes happen to be gzip, zlib or ZIP magic (SHA-256 width): not streams.
        "sha256:1f8b0800a3c4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e",
        "commit 789c3e1f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d (HEAD -> main)",
        "504b0304d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8",
        // Text that names the formats.
        "Compressed with bzip2 (BZh9 header) and xz (FD 37 7A 58 5A 00 magic); see The .xz File Format.",
        "x^2 + y^2 = r^2 and HK$ 100 is the price",
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void A_look_alike_stays_clean(string body)
    {
        foreach (string type in new[] { "text/plain", "application/json" })
        {
            string sent = type == "application/json" ? System.Text.Json.JsonSerializer.Serialize(new { content = body }) : body;
            var findings = ScanBody(sent, type);
            Assert.True(findings.Count == 0, $"{type}: {Describe(findings)}");
        }
    }

    [Fact]
    public void Gzipped_source_in_base64_stays_clean()
    {
        string b64 = Convert.ToBase64String(Gzip(Utf8(string.Concat(Enumerable.Repeat(Source, 40)))));
        var findings = ScanBody("{\"archive\":\"" + b64 + "\"}");
        Assert.True(findings.Count == 0, Describe(findings));
    }
}
