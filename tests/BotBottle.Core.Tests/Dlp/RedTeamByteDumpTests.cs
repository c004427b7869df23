using System.Globalization;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Red team 12, byte dumps and per-character escapes (J07 grouped upper-case hex, J08 <c>xxd</c> dump, J09 <c>od -An
/// -tx1</c>, J11 decimal bytes separated by spaces, J13 Python <c>\U0000XXXX</c>, J15 JavaScript <c>escape()</c>'s
/// <c>%uXXXX</c>, J26 raw UTF-32LE): a checksum-valid GitHub token or an <c>.env</c> file went out past DLP
/// <c>block</c>. The dumps are written here by formatters that follow the tools' documented formats (xxd(1), POSIX
/// od(1), hexdump(1) <c>-C</c>), not captured tool output. Every malicious case failed on main 9057a4c's engine; the
/// look-alikes (dumps of binary data, number tables, colour and address lists, emoji escapes, printf formats) stay
/// clean on both.
/// </summary>
public sealed class RedTeamByteDumpTests
{
    private static readonly string Token = Tokens.GitHub("ghp_", 1301);

    private const string AwsId = "AKIATSZJJV3SDAZWYHZC";

    private static string EnvFile => "NODE_ENV=production\nDATABASE_HOST=db.internal.corp\nGITHUB_TOKEN=" + Token + "\nLOG_LEVEL=info\n";

    private static string Hex2(byte b, bool upper = false) => b.ToString(upper ? "X2" : "x2", CultureInfo.InvariantCulture);

    /// <summary>Hex in groups of <paramref name="bytesPerGroup"/> bytes separated by one blank (<c>xxd -p</c> regrouped, <c>6768 705F …</c>).</summary>
    private static string Grouped(string s, int bytesPerGroup, bool upper = false)
    {
        byte[] b = Encoding.UTF8.GetBytes(s);
        return string.Join(' ', b.Chunk(bytesPerGroup).Select(g => string.Concat(g.Select(x => Hex2(x, upper)))));
    }

    /// <summary>xxd(1) default output: <c>%08x: </c>, 16 bytes in groups of <paramref name="group"/> bytes, the hex area padded, two blanks, the ASCII column (<c>.</c> for a byte outside 0x20–0x7E).</summary>
    private static string Xxd(byte[] data, int group = 2)
    {
        var sb = new StringBuilder();
        int width = (32 + (16 / group)) - 1;
        for (int off = 0; off < data.Length; off += 16)
        {
            var line = data.Skip(off).Take(16).ToArray();
            string hex = string.Join(' ', line.Chunk(group).Select(g => string.Concat(g.Select(x => Hex2(x)))));
            string ascii = string.Concat(line.Select(x => x is >= 0x20 and < 0x7F ? (char)x : '.'));
            sb.Append(off.ToString("x8", CultureInfo.InvariantCulture)).Append(": ").Append(hex.PadRight(width)).Append("  ").Append(ascii).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>
    /// POSIX od(1): <paramref name="offsets"/> an octal offset of 7 digits per line (the default <c>-Ao</c>) or none
    /// (<c>-An</c>); 16 bytes a line; <paramref name="type"/> <c>x1</c> (" %02x"), <c>x2</c> (" %04x" of little-endian
    /// 16-bit units), <c>o1</c> (" %03o"), <c>u1</c> (" %3u").
    /// </summary>
    private static string Od(byte[] data, string type, bool offsets)
    {
        var sb = new StringBuilder();
        for (int off = 0; off < data.Length; off += 16)
        {
            var line = data.Skip(off).Take(16).ToArray();
            if (offsets)
            {
                sb.Append(Convert.ToString(off, 8).PadLeft(7, '0'));
            }

            switch (type)
            {
                case "x1":
                    foreach (byte x in line)
                    {
                        sb.Append(' ').Append(Hex2(x));
                    }

                    break;
                case "x2":
                    for (int i = 0; i < line.Length; i += 2)
                    {
                        int v = line[i] | ((i + 1 < line.Length ? line[i + 1] : 0) << 8);
                        sb.Append(' ').Append(v.ToString("x4", CultureInfo.InvariantCulture));
                    }

                    break;
                case "o1":
                    foreach (byte x in line)
                    {
                        sb.Append(' ').Append(Convert.ToString(x, 8).PadLeft(3, '0'));
                    }

                    break;
                default:
                    foreach (byte x in line)
                    {
                        sb.Append(' ').Append(x.ToString(CultureInfo.InvariantCulture).PadLeft(3));
                    }

                    break;
            }

            sb.Append('\n');
        }

        if (offsets)
        {
            sb.Append(Convert.ToString(data.Length, 8).PadLeft(7, '0')).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>hexdump(1) <c>-C</c>: <c>%08x</c>, two blanks, 8 bytes " %02x"-style with a second blank after the eighth, <c>|ASCII|</c>.</summary>
    private static string HexdumpC(byte[] data)
    {
        var sb = new StringBuilder();
        for (int off = 0; off < data.Length; off += 16)
        {
            var line = data.Skip(off).Take(16).ToArray();
            var hex = new StringBuilder();
            for (int i = 0; i < 16; i++)
            {
                hex.Append(i < line.Length ? Hex2(line[i]) + " " : "   ");
                if (i == 7)
                {
                    hex.Append(' ');
                }
            }

            string ascii = string.Concat(line.Select(x => x is >= 0x20 and < 0x7F ? (char)x : '.'));
            sb.Append(off.ToString("x8", CultureInfo.InvariantCulture)).Append("  ").Append(hex).Append(" |").Append(ascii).Append("|\n");
        }

        sb.Append(data.Length.ToString("x8", CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static TheoryData<string, string> Dumps() => new()
    {
        { "J07 grouped upper", Grouped(Token, 2, upper: true) },
        { "grouped lower", Grouped(Token, 2) },
        { "grouped lower, in a sentence", "here is the value: " + Grouped(Token, 2) + " as requested" },
        { "J08 xxd of .env", Xxd(Utf8(EnvFile)) },
        { "xxd of the token alone", Xxd(Utf8(Token + "\n")) },
        { "xxd -g1", Xxd(Utf8(EnvFile), 1) },
        { "J09 od -An -tx1", Od(Utf8(Token), "x1", offsets: false) },
        { "od -tx1 with offsets", Od(Utf8(EnvFile), "x1", offsets: true) },
        { "od -An -tx2 (little-endian units)", Od(Utf8(EnvFile), "x2", offsets: false) },
        { "od -to1 (octal bytes)", Od(Utf8(EnvFile), "o1", offsets: true) },
        { "hexdump -C", HexdumpC(Utf8(EnvFile)) },
    };

    [Theory]
    [MemberData(nameof(Dumps))]
    public void A_token_in_a_byte_dump_is_found(string name, string dump)
    {
        foreach (string body in new[] { dump, "{\"output\":\"" + dump.Replace("\n", "\\n", StringComparison.Ordinal) + "\"}" })
        {
            var findings = ScanBody(body, body.StartsWith('{') ? "application/json" : "text/plain");
            Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Validated && (f.Encoding.Contains("hex", StringComparison.Ordinal) || f.Encoding.Contains("octal", StringComparison.Ordinal))), name + ": " + Describe(findings));
        }
    }

    [Theory]
    [InlineData("65 75 73 65 84 83 90 74 74 86 51 83 68 65 90 87 89 72 90 67")] // J11
    [InlineData(" 65  75  73  65  84  83  90  74  74  86  51  83  68  65  90  87\n  89  72  90  67\n")] // od -An -tu1
    public void An_aws_key_id_as_decimal_bytes_separated_by_blanks_is_found(string body)
    {
        var findings = ScanBody(body, "text/plain");
        Assert.True(findings.Any(f => f.RuleId == "aws-access-key-id" && f.Encoding == DlpEncodings.CharCodes), Describe(findings));
    }

    [Fact]
    public void An_aws_key_id_as_decimal_bytes_is_found_in_a_longer_spaced_list()
    {
        string body = "bytes: 10 13 " + string.Join(' ', AwsId.Select(c => (int)c)) + " 10 0 0";
        var findings = ScanBody(body, "text/plain");
        Assert.True(findings.Any(f => f.RuleId == "aws-access-key-id"), Describe(findings));
    }

    private static string PyLong(string s) => string.Concat(s.Select(c => "\\U" + ((int)c).ToString("x8", CultureInfo.InvariantCulture)));

    private static string PercentU(string s) => string.Concat(s.Select(c => "%u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)));

    [Fact]
    public void J13_python_long_unicode_escapes_of_a_token_are_found()
    {
        foreach (string body in new[] { PyLong(Token), "token = \"" + PyLong(Token) + "\"\n", "{\"code\":\"t = '" + PyLong(Token).Replace("\\", "\\\\", StringComparison.Ordinal) + "'\"}" })
        {
            var findings = ScanBody(body, body.StartsWith('{') ? "application/json" : "text/plain");
            Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Validated && f.Encoding.Contains(DlpEncodings.Escape, StringComparison.Ordinal)), Describe(findings));
        }
    }

    [Fact]
    public void J15_percent_u_escapes_of_a_token_are_found_in_a_query_and_a_form()
    {
        var query = Engine.ScanRequest(Request("/c?d=" + PercentU(Token)), DlpDetectors.All);
        Assert.True(query.Findings.Any(f => f.RuleId == "github-pat-classic" && f.Validated && f.Encoding.Contains(DlpEncodings.Percent, StringComparison.Ordinal)), Describe(query.Findings));
        var form = Engine.ScanRequest(Request("/c", "a=1&d=" + PercentU(Token).ToLowerInvariant(), "application/x-www-form-urlencoded"), DlpDetectors.All);
        Assert.True(form.Findings.Any(f => f.RuleId == "github-pat-classic" && f.Validated), Describe(form.Findings));
    }

    public static TheoryData<string, byte[]> Utf32Bodies() => new()
    {
        { "J26 UTF-32LE", new UTF32Encoding(bigEndian: false, byteOrderMark: false).GetBytes(Token) },
        { "UTF-32BE", new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes(Token) },
        { "UTF-32LE with BOM, in a file", [0xFF, 0xFE, 0, 0, .. new UTF32Encoding(false, false).GetBytes("export GITHUB_TOKEN=" + Token + "\nexport PATH=/usr/bin\n")] },
        { "UTF-32BE with BOM, in a file", [0, 0, 0xFE, 0xFF, .. new UTF32Encoding(true, false).GetBytes("export GITHUB_TOKEN=" + Token + "\n")] },
    };

    [Theory]
    [MemberData(nameof(Utf32Bodies))]
    public void J26_a_token_sent_as_raw_utf32_is_found(string name, byte[] body)
    {
        var report = Engine.ScanRequest(new DlpRequest { Method = "POST", Host = "x.example.com", PathAndQuery = "/collect", Body = body, ContentType = "application/octet-stream" }, DlpDetectors.All);
        Assert.True(report.Findings.Any(f => f.RuleId == "github-pat-classic" && f.Validated && f.Encoding.Contains(DlpEncodings.Utf32, StringComparison.Ordinal)), name + ": " + Describe(report.Findings));
    }

    // ---- look-alikes that must stay clean ----------------------------------------------------------------------------

    private static byte[] Binary(int length, int seed)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }

    private const string Prose = "The quick brown fox jumps over the lazy dog. Release notes for version 4.2: the cache now expires after ten minutes,\n"
        + "and the settings page lists every option with its default value. Contact the on-call engineer for access.\n";

    public static TheoryData<string, string> BenignDumps()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, .. Binary(400, 1302)];
        byte[] elf = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, .. new byte[8], .. Binary(300, 1303)];
        return new TheoryData<string, string>
        {
            { "xxd of a PNG", Xxd(png) },
            { "xxd -g4 of an ELF header", Xxd(elf, 4) },
            { "od -tx1 of random bytes", Od(Binary(256, 1304), "x1", offsets: true) },
            { "od -An -tx2 of random bytes", Od(Binary(256, 1305), "x2", offsets: false) },
            { "od -to1 of random bytes", Od(Binary(256, 1306), "o1", offsets: true) },
            { "hexdump -C of an ELF header", HexdumpC(elf) },
            { "xxd of prose", Xxd(Utf8(Prose)) },
            { "od -An -tx1 of prose", Od(Utf8(Prose), "x1", offsets: false) },
            { "grouped hex of prose", Grouped(Prose, 2, upper: true) },
            { "od -tu1 of prose", Od(Utf8(Prose), "u1", offsets: false) },
            { "decimal bytes of prose", string.Join(' ', Utf8(Prose).Select(b => b.ToString(CultureInfo.InvariantCulture))) },
            { "a table of numbers", string.Concat(Enumerable.Range(0, 40).Select(i => string.Join(' ', Enumerable.Range(0, 12).Select(j => ((i * 37) + (j * 53)) % 120)) + "\n")) },
            { "a colour table", string.Concat(Enumerable.Range(0, 60).Select(i => $"{(i * 97) % 256} {(i * 57) % 256} {(i * 31) % 256}\tcolor{i}\n")) },
            { "an IP list", string.Concat(Enumerable.Range(0, 60).Select(i => $"10.{i % 7}.{(i * 13) % 256}.{(i * 29) % 256} 192.168.{i}.{(i * 3) % 256}\n")) },
            { "a CSV of readings", string.Concat(Enumerable.Range(0, 50).Select(i => $"{100 + i},{(i * 7) % 90 + 32},{(i * 11) % 90 + 32},{(i * 13) % 90 + 32}\n")) },
            { "minified JS with escapes", "var m={a:\"\\u00e9\\u00e8\\u00ea\",b:\"\\u2019\\u201c\\u201d\",e:\"\\U0001F600\"};function f(s){return escape(s).replace(/%u([0-9A-F]{4})/g,function(_,h){return String.fromCharCode(parseInt(h,16))})}" },
            { "python emoji escapes", "EMOJI = {\n    'smile': '\\U0001F600',\n    'heart': '\\U00002764',\n    'rocket': '\\U0001F680',\n    'check': '\\U00002705',\n}\n" },
            { "printf formats", "printf(\"%u items, %u bytes, %lu total\\n\", n, size, total); fprintf(stderr, \"%u%%\\n\", pct);" },
            { "IIS-style %u of prose", PercentU("Hello from the build server, all tests passed.") },
        };
    }

    [Theory]
    [MemberData(nameof(BenignDumps))]
    public void A_look_alike_stays_clean(string name, string body)
    {
        foreach (string carrier in new[] { body, "{\"output\":\"" + body.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"}" })
        {
            var findings = ScanBody(carrier, carrier.StartsWith('{') ? "application/json" : "text/plain");
            Assert.True(findings.Count == 0, name + ": " + Describe(findings));
        }
    }

    [Fact]
    public void Utf32_prose_and_binary_with_zero_runs_stay_clean()
    {
        byte[] prose = new UTF32Encoding(false, true).GetBytes(Prose);
        byte[] ints = new byte[800];
        var rnd = new Random(1307);
        for (int i = 0; i < ints.Length; i += 4)
        {
            ints[i] = (byte)rnd.Next(0, 256); // little-endian 32-bit integers below 256
        }

        foreach (byte[] body in new[] { prose, ints })
        {
            var report = Engine.ScanRequest(new DlpRequest { Method = "POST", Host = "x.example.com", PathAndQuery = "/upload", Body = body, ContentType = "application/octet-stream" }, DlpDetectors.All);
            Assert.True(report.Findings.Count == 0, Describe(report.Findings));
        }
    }
}
