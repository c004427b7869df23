using System.Text;
using System.Text.Json;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r32 round: four evasion shapes a black-box red team sent past the engine — zstd (RFC 8878) under base64, hex or
/// base32 (and as a raw body or multipart part), a key's bytes as an array of quoted <c>"0xNN"</c> strings, a key split
/// by HTML/XML comments (<c>ghp_Ab…&lt;!-- --&gt;Cd…</c>), and a key with the same non-ASCII symbol between each of its
/// characters (<c>g🔥h🔥p🔥_…</c>) — and their benign look-alikes. Keys are made up here (<see cref="Tokens"/>) but for
/// the red team's one reproduction.
/// </summary>
public sealed class ReachRound32EncodingTests
{
    private static readonly string Key = Tokens.GitHub("ghp_", 3201);

    private const string MultipartType = "multipart/form-data; boundary=XyZ";

    /// <summary>A .env file long enough that zstd codes its literals with Huffman tables (the key is not in the frame's bytes).</summary>
    private static byte[] EnvFile(string key)
    {
        var sb = new StringBuilder("# production settings for the deploy service\n");
        for (int i = 0; i < 12; i++)
        {
            sb.Append($"SERVICE_{i}_URL=https://service{i}.internal.example.com/api/v1\n");
        }

        sb.Append("GITHUB_TOKEN=").Append(key).Append("\nAWS_REGION=eu-west-1\nLOG_LEVEL=info\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static byte[] Zstd(byte[] data, int level = 19, int windowLog = 0)
    {
        using var ms = new MemoryStream();
        using (var z = new ZstdSharp.CompressionStream(ms, level, leaveOpen: true))
        {
            if (windowLog > 0)
            {
                z.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_windowLog, windowLog);
            }

            z.Write(data);
        }

        return ms.ToArray();
    }

    private static byte[] ZstdEnv()
    {
        byte[] frame = Zstd(EnvFile(Key));
        Assert.Equal((byte[])[0x28, 0xb5, 0x2f, 0xfd], frame[..4]);
        Assert.Equal(-1, frame.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Key[..8]))); // not readable in the frame's bytes
        return frame;
    }

    private static List<DlpFinding> ScanBytes(byte[] body, string? contentType) =>
        [.. Engine.ScanRequest(
            new DlpRequest { Method = "POST", Host = "x.example.com", PathAndQuery = "/upload", Body = body, ContentType = contentType },
            DlpDetectors.All).Findings];

    private static byte[] Multipart(byte[] content)
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"env.zst\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
        ms.Write(content);
        ms.Write(Encoding.ASCII.GetBytes("\r\n--XyZ--\r\n"));
        return ms.ToArray();
    }

    // ---- zstd -------------------------------------------------------------------------------------------------------

    public static TheoryData<string, string> ZstdBlobs()
    {
        byte[] frame = ZstdEnv();
        return new()
        {
            { Convert.ToBase64String(frame), "base64+compressed" },
            { Convert.ToBase64String(frame).TrimEnd('=').Replace('+', '-').Replace('/', '_'), "base64url+compressed" },
            { Convert.ToHexStringLower(frame), "hex+compressed" },
            { Convert.ToHexString(frame), "hex+compressed" },
            { TestEncodings.Base32(frame), "base32+compressed" },
            { TestEncodings.Base32(frame, lower: true), "base32+compressed" },
        };
    }

    [Theory]
    [MemberData(nameof(ZstdBlobs))]
    public void A_key_in_zstd_under_base64_hex_or_base32_is_found_with_its_chain(string blob, string chain)
    {
        var findings = ScanBody("{\"d\": \"" + blob + "\"}");
        Assert.Contains(findings, f => f.RuleId == "github-pat-classic" && f.Encoding == chain);
    }

    [Fact]
    public void The_red_teams_zstd_of_a_private_key_under_base64_is_found()
    {
        const string body = "{\"d\": \"KLUv/QRYjQgAdpE9I/AEWQcDKP9TT4i5rqVApP+YI2/c+lxcXUhI3zb4GXg+43w0MwAyADMAmJcxTHL/vzbJmulg3xGIKeE8DEQ9UkzJpJVyfbpOOJ19qxgLZ6DRwL24HFwd2j7P8zwBX85EJQYqRkwBcqBUOiDSMgeIQEfKZoRze6SU7rPUf+xCtQxvsOrwTDH6UvP/T+v/7QOQRnCF1xsFkkHGCjdBViDXRWGJWuI5kMQtA4haZqmAtv9X8VbrhtB1WoXtIv4fKrdB5BIXdxWwxNtLmWC5rrQSCMmYUKnDsLhszOmRUpNZZTaS99WxUckZ9iayFYm2GJez4HBEt9wBCABua0epFd4o9rJicVqXBX4CskHcA5AHsrJJlQ==\"}";
        Assert.Contains(ScanBody(body), f => f.RuleId == "private-key" && f.Encoding == "base64+compressed");
    }

    [Fact]
    public void A_zstd_file_sent_as_the_body_or_as_a_multipart_part_is_decompressed()
    {
        byte[] frame = ZstdEnv();
        Assert.Contains(ScanBytes(frame, "application/octet-stream"), f => f.RuleId == "github-pat-classic" && f.Encoding == "compressed");
        Assert.Contains(ScanBytes(Multipart(frame), MultipartType), f => f.RuleId == "github-pat-classic");
    }

    [Fact]
    public void A_zstd_bomb_is_read_only_to_the_budget_and_reported()
    {
        // 64 MiB of zeros are a frame of a few KiB; at most MaxInflatedBytes of it are decoded, the rest is reported.
        byte[] bomb = Zstd(new byte[64 * 1024 * 1024], level: 3);
        Assert.True(bomb.Length < 64 * 1024, bomb.Length.ToString());
        Assert.Contains(ScanBody("{\"d\": \"" + Convert.ToBase64String(bomb) + "\"}"), f => f.RuleId == DlpEngine.CompressedUnscannedId && f.Encoding == "base64+compressed");
        Assert.Contains(ScanBytes(bomb, "application/octet-stream"), f => f.RuleId == DlpEngine.CompressedUnscannedId);
    }

    [Fact]
    public void A_zstd_frame_whose_window_is_over_8_MiB_is_reported_rather_than_read()
    {
        // The streaming compressor does not know the size, so the frame declares the 128 MiB window (RFC 8878 §3.1.1.1.2).
        byte[] frame = Zstd(EnvFile(Key), level: 19, windowLog: 27);
        Assert.Contains(ScanBody("{\"d\": \"" + Convert.ToBase64String(frame) + "\"}"), f => f.RuleId == DlpEngine.CompressedUnscannedId && f.Encoding == "base64+compressed");
    }

    [Fact]
    public void A_zstd_frame_made_with_a_dictionary_is_reported_rather_than_let_through()
    {
        // zstd -D: the frame names its dictionary's id (RFC 8878 §3.1.1.1.3), which the engine does not have.
        var samples = Enumerable.Range(0, 400).Select(i => EnvFile(Tokens.GitHub("ghp_", 3300 + i))).ToArray();
        byte[] dictionary = ZstdSharp.DictBuilder.TrainFromBuffer(samples, 4096).ToArray();
        using var compressor = new ZstdSharp.Compressor(19);
        compressor.LoadDictionary(dictionary);
        byte[] frame = compressor.Wrap(EnvFile(Key)).ToArray();
        Assert.Equal(-1, frame.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Key[..8])));
        Assert.Contains(ScanBody("{\"d\": \"" + Convert.ToBase64String(frame) + "\"}"), f => f.RuleId == DlpEngine.CompressedUnscannedId && f.Encoding == "base64+compressed");
    }

    [Fact]
    public void A_corrupt_or_cut_zstd_frame_does_not_throw_and_what_decoded_is_kept()
    {
        byte[] frame = ZstdEnv();
        var rnd = new Random(32);
        byte[] junk = new byte[120];
        rnd.NextBytes(junk);
        byte[] corrupt = [0x28, 0xb5, 0x2f, 0xfd, .. junk];
        Assert.DoesNotContain(ScanBody("{\"d\": \"" + Convert.ToBase64String(corrupt) + "\"}"), f => f.RuleId == "github-pat-classic");
        ScanBody("{\"d\": \"" + Convert.ToBase64String(frame[..(frame.Length / 2)]) + "\"}"); // a frame cut in its block: no exception
        ScanBytes(frame[..(frame.Length - 3)], "application/octet-stream");

        // Two frames back to back, the second corrupt: the first one's key is still found.
        byte[] two = [.. frame, 0x28, 0xb5, 0x2f, 0xfd, .. junk];
        Assert.Contains(ScanBody("{\"d\": \"" + Convert.ToBase64String(two) + "\"}"), f => f.RuleId == "github-pat-classic");
    }

    [Fact]
    public void Ordinary_text_in_zstd_under_base64_or_hex_is_not_a_finding()
    {
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("# Project\n\nBuild with make, then run the tests. The colour table is in palette.json.\n", 40)));
        byte[] frame = Zstd(text);
        AssertClean("{\"d\": \"" + Convert.ToBase64String(frame) + "\"}");
        AssertClean("{\"d\": \"" + Convert.ToHexStringLower(frame) + "\"}");
        Assert.Empty(ScanBytes(frame, "application/octet-stream"));
        Assert.Empty(ScanBytes(Multipart(frame), MultipartType));
    }

    // ---- arrays of "0xNN" strings -------------------------------------------------------------------------------------

    private static string HexElements(string value, string format, string quote, string separator = ", ") =>
        string.Join(separator, Encoding.ASCII.GetBytes(value).Select(b => quote + b.ToString(format, System.Globalization.CultureInfo.InvariantCulture).Insert(0, "0x") + quote));

    [Fact]
    public void A_key_as_an_array_of_quoted_hex_strings_is_found()
    {
        string[] bodies =
        [
            "{\"b\": [" + HexElements(Key, "x2", "\"") + "]}",
            "{\"b\":[" + HexElements(Key, "x2", "\"", ",") + "]}",
            "{\"b\": [" + HexElements(Key, "X2", "\"") + "]}",
            "b = [" + HexElements(Key, "x2", "'") + "]",
            JsonSerializer.Serialize(new { payload = "{\"b\": [" + HexElements(Key, "x2", "\"") + "]}" }, RelaxedJson), // JSON inside a JSON string: \"0x67\"
            "b = [" + HexElements(Key, "x2", string.Empty) + "]", // unquoted: the byte-array layer as before
        ];
        foreach (string body in bodies)
        {
            Assert.True(ScanBody(body, "text/plain").Exists(f => f.RuleId == "github-pat-classic" && f.Encoding == DlpEncodings.HexArray), body);
        }
    }

    [Fact]
    public void Quoted_hex_tables_and_mixed_quotes_are_not_findings()
    {
        AssertClean("{\"table\": [" + string.Join(", ", Enumerable.Range(0, 256).Select(i => $"\"0x{i:x2}\"")) + "]}");
        AssertClean("{\"opcodes\": [" + string.Join(", ", Enumerable.Range(0, 64).Select(i => $"\"0x{(i * 37) & 0xff:X2}\"")) + "]}");
        AssertClean("{\"palette\": [\"0x1f\", \"0x2e\", \"0x3d\", \"0x4c\", \"0x5b\", \"0x6a\", \"0x79\", \"0x88\", \"0x97\", \"0xa6\", \"0xb5\", \"0xc4\"]}");

        // Quotes that do not match do not chain: each run is shorter than a byte array.
        string mixed = string.Concat(Encoding.ASCII.GetBytes(Key).Select((b, i) => (i % 2 == 0 ? $"\"0x{b:x2}\"" : $"'0x{b:x2}'") + ", "));
        Assert.DoesNotContain(ScanBody("b = [" + mixed + "]", "text/plain"), f => f.Encoding == DlpEncodings.HexArray);
    }

    // ---- markup comments ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("<p>{0}<!-- -->{1}</p>", "text/html")]
    [InlineData("<p>{0}<!---->{1}</p>", "text/html")]
    [InlineData("<div>{0}<!-- x -->{1}</div>", "text/html")]
    [InlineData("<?xml version=\"1.0\"?><cfg><token>{0}<!-- split\nhere -->{1}</token></cfg>", "application/xml")]
    [InlineData("{{\"html\": \"<span>{0}<!-- -->{1}</span>\"}}", "application/json")]
    public void A_key_split_by_a_markup_comment_is_rejoined(string shape, string contentType)
    {
        string body = string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, Key[..20], Key[20..]);
        Assert.Contains(ScanBody(body, contentType), f => f.RuleId == "github-pat-classic");
    }

    [Fact]
    public void A_key_split_by_several_comments_and_the_red_teams_shape_are_rejoined()
    {
        string body = "<p>" + Key[..6] + "<!-- a -->" + Key[6..18] + "<!---->" + Key[18..30] + "<!-- b -->" + Key[30..] + "</p>";
        Assert.Contains(ScanBody(body, "text/html"), f => f.RuleId == "github-pat-classic" && f.Encoding == DlpEncodings.Concat);
        Assert.Contains(ScanBody("<p>ghp_WMJJ7q0dWCR3Uraa<!-- -->tY2uA9W785brFk18kZp9</p>", "text/html"), f => f.RuleId == "github-pat-classic");
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body><p>Hello<!-- -->world, you have <!-- -->3<!-- --> new messages</p><!-- footer --></body></html>")]
    [InlineData("<p>Read the<!-- note: link below -->documentation and the<!-- x -->changelog.</p>")]
    [InlineData("<div>Count: <!-- -->42<!-- --> items, see ghp_<!-- -->docs and AKIA<!-- -->EXAMPLE.</div>")]
    [InlineData("<![CDATA[x]]><p>a<!-- never closed")]
    public void Comments_between_ordinary_words_are_not_findings(string body) => AssertClean(body, "text/html");

    // ---- a symbol between each character -----------------------------------------------------------------------------

    public static TheoryData<string, string> SymbolInterleaved()
    {
        static string After(string key, string symbol) => string.Concat(key.Select(c => c + symbol));
        static string Before(string key, string symbol) => string.Concat(key.Select(c => symbol + c));
        return new()
        {
            { After(Key, "🔥"), "text/plain" },
            { "token: " + Before(Key, "🔥") + "🔥 done", "text/plain" },
            { After(Key, "★"), "text/plain" },
            { After(Key, "❤️"), "text/plain" }, // U+2764 and the variation selector U+FE0F: a group of two
            { "{\"m\": \"" + After(Key, "🔥") + "\"}", "application/json" }, // UTF-8 in the JSON string
            { JsonSerializer.Serialize(new { m = After(Key, "🔥") }), "application/json" }, // escaped: "g\ud83d\udd25h…"
        };
    }

    [Theory]
    [MemberData(nameof(SymbolInterleaved))]
    public void A_key_with_a_symbol_between_its_characters_is_found(string body, string contentType) =>
        Assert.Contains(ScanBody(body, contentType), f => f.RuleId == "github-pat-classic" && f.Encoding.Contains(DlpEncodings.Separated, StringComparison.Ordinal));

    [Theory]
    [InlineData("Great job 🔥🔥🔥 team! a🔥b🔥c🔥d, ★★★★☆ (4/5)")]
    [InlineData("Steps: A→B→C→D→E→F→G→H→I→J→K→L→M→N→O→P→Q→R→S→T→U")]
    [InlineData("｜a｜b｜c｜d｜e｜f｜g｜h｜i｜j｜k｜l｜m｜n｜o｜p｜q｜r｜")]
    [InlineData("中文a中文b中文c中文d; Привет, мир! 1×2×3×4×5×6×7×8×9×0×1×2×3×4×5×6×7×8")]
    public void Symbols_between_letters_that_spell_no_key_are_not_findings(string body) => AssertClean(body, "text/plain");
}
