using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;
using static BotBottle.Tests.Dlp.TestEncodings;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Red team 12, families 3 and 4: compressed files sent as raw bytes — a gzip member (RFC 1952), a zlib stream
/// (RFC 1950) and a ZIP archive (PKWARE APPNOTE.TXT §4.3.7) as a multipart file part (<c>curl -F file=@x.tar.gz</c>)
/// or as the whole body (<c>curl --data-binary @x.zip</c>) — and quoted-printable text (RFC 2045 §6.7: <c>qprint -e</c>,
/// Python <c>quopri</c>, a MIME part with <c>Content-Transfer-Encoding: quoted-printable</c>). The tokens are random
/// characters in the vendors' formats (GitHub ones with a valid checksum), not real credentials. Every malicious case
/// here passed speed12 ac12322's engine; the benign binary uploads stay clean; a bomb costs a bounded inflate.
/// </summary>
public sealed class RedTeamArchiveAndQuotedPrintableTests
{
    private static readonly string Ghp = Tokens.GitHub("ghp_", 1201);
    private static readonly string Aws = "AKIA" + Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 1202);
    private static readonly string DotEnv = $"NODE_ENV=production\nGITHUB_TOKEN={Ghp}\nAWS_ACCESS_KEY_ID={Aws}\n";

    private static byte[] TarGz(params (string Name, string Text)[] files)
    {
        using var tar = new MemoryStream();
        using (var w = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, text) in files)
            {
                w.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
            }
        }

        return Gzip(tar.ToArray());
    }

    private static byte[] Multipart(string fileName, byte[] content, string? contentType = "application/octet-stream")
    {
        using var ms = new MemoryStream();
        void Text(string s) => ms.Write(Encoding.ASCII.GetBytes(s));
        Text("--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nbackup\r\n");
        Text($"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{fileName}\"\r\n");
        if (contentType is not null)
        {
            Text($"Content-Type: {contentType}\r\n");
        }

        Text("\r\n");
        ms.Write(content);
        Text("\r\n--XyZ--\r\n");
        return ms.ToArray();
    }

    private static List<DlpFinding> ScanBytes(byte[] body, string? contentType) =>
        [.. Engine.ScanRequest(
            new DlpRequest { Method = "POST", Host = "x.example.com", PathAndQuery = "/upload", Body = body, ContentType = contentType },
            DlpDetectors.All).Findings];

    private const string MultipartType = "multipart/form-data; boundary=XyZ";

    public static TheoryData<string, string> Archives() => new()
    {
        { "gzip", "compressed" },
        { "tar.gz", "compressed" },
        { "zlib", "compressed" },
        { "zip", "zip" },
        { "zip-stored", "plain" }, // stored bytes are the text itself: found as sent, also before red team 12
    };

    private static byte[] Archive(string kind) => kind switch
    {
        "gzip" => Gzip(Encoding.UTF8.GetBytes(DotEnv)),
        "tar.gz" => TarGz(("README.md", "# backup\n"), (".env", DotEnv)),
        "zlib" => Zlib(Encoding.UTF8.GetBytes(DotEnv)),
        "zip" => Zip(("src/main.py", Encoding.UTF8.GetBytes("print('hi')\n")), (".env", Encoding.UTF8.GetBytes(DotEnv))),
        _ => StoredZip(".env", Encoding.UTF8.GetBytes(DotEnv)),
    };

    private static byte[] StoredZip(string name, byte[] data)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            s.Write(data);
        }

        return ms.ToArray();
    }

    [Theory]
    [MemberData(nameof(Archives))]
    public void An_archive_sent_as_a_multipart_file_part_is_unpacked(string kind, string encoding)
    {
        var findings = ScanBytes(Multipart("secrets." + kind, Archive(kind)), MultipartType);
        var f = findings.FirstOrDefault(x => x.RuleId == "github-pat-classic");
        Assert.True(f is not null, $"{kind}: {Describe(findings)}");
        Assert.Equal(encoding, f!.Encoding);
        Assert.Equal("file", f.Location.Name);
        Assert.Contains(findings, x => x.RuleId == "aws-access-key-id");
    }

    [Theory]
    [MemberData(nameof(Archives))]
    public void An_archive_sent_as_the_whole_body_is_unpacked(string kind, string encoding)
    {
        foreach (string? type in new[] { null, "application/octet-stream", "application/zip" })
        {
            var findings = ScanBytes(Archive(kind), type);
            var f = findings.FirstOrDefault(x => x.RuleId == "github-pat-classic");
            Assert.True(f is not null, $"{kind} as {type}: {Describe(findings)}");
            Assert.Equal(encoding, f!.Encoding);
        }
    }

    [Fact]
    public void A_zip_member_written_with_a_data_descriptor_is_read_without_the_central_directory()
    {
        // Streamed zips (zip -, Java ZipOutputStream) set flag bit 3 and zero sizes in the local header; the archive is
        // also cut before its central directory here.
        byte[] zip = Zip((".env", Encoding.UTF8.GetBytes(DotEnv)));
        zip[6] |= 8;
        Array.Clear(zip, 18, 8);
        int central = zip.AsSpan().IndexOf("PK\u0001\u0002"u8);
        var findings = ScanBytes(zip[..central], "application/zip");
        Assert.Contains(findings, x => x.RuleId == "github-pat-classic" && x.Encoding == "zip");
    }

    [Fact]
    public void Quoted_printable_of_every_byte_is_decoded()
    {
        string qp = string.Concat(Encoding.ASCII.GetBytes(Ghp).Select(b => "=" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var (body, type) in new[] { (qp, "text/plain"), ("{\"d\":\"" + qp + "\"}", "application/json"), ("d=" + qp, "text/plain") })
        {
            var findings = ScanBody(body, type);
            Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Encoding == "quoted-printable"), $"{body}: {Describe(findings)}");
        }
    }

    [Fact]
    public void Quoted_printable_with_soft_line_breaks_is_decoded()
    {
        // qprint -e / quopri with every byte escaped: 76-character lines ending in a soft line break (=CRLF).
        string all = string.Concat(Encoding.ASCII.GetBytes(DotEnv).Select(b => "=" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        var sb = new StringBuilder();
        for (int i = 0; i < all.Length; i += 72)
        {
            sb.Append(all, i, Math.Min(72, all.Length - i));
            sb.Append(i + 72 < all.Length ? "=\r\n" : "\r\n");
        }

        var findings = ScanBody(sb.ToString(), "text/plain");
        Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Encoding == "quoted-printable"), Describe(findings));
        Assert.Contains(findings, f => f.RuleId == "aws-access-key-id");
    }

    [Fact]
    public void A_quoted_printable_mime_part_is_decoded_whole()
    {
        // A MIME e-mail part: the token is plain text except for a soft line break in its middle.
        string part = "Hello,\r\n\r\nthe deploy token is " + Ghp[..20] + "=\r\n" + Ghp[20..] + " =E2=80=94 keep it safe.\r\n";
        string body = "--XyZ\r\nContent-Disposition: form-data; name=\"t\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + part + "\r\n--XyZ--\r\n";
        var findings = ScanBody(body, MultipartType);
        Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Encoding == "quoted-printable" && f.Location.Name == "t"), Describe(findings));
    }

    [Fact]
    public void Benign_binary_uploads_stay_clean()
    {
        var rnd = new Random(1203);
        byte[] png = new byte[4096];
        rnd.NextBytes(png);
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        string source = string.Join("\n", Enumerable.Range(0, 200).Select(i => $"def handler_{i}(event, context):\n    return {{\"status\": {200 + (i % 5)}, \"id\": \"{i:x8}\"}}\n"));
        string lockfile = string.Join("\n", Enumerable.Range(0, 60).Select(i =>
            $"    \"node_modules/pkg-{i}\": {{\n      \"version\": \"1.{i}.0\",\n      \"resolved\": \"https://registry.npmjs.org/pkg-{i}/-/pkg-{i}-1.{i}.0.tgz\",\n      \"integrity\": \"sha512-{Convert.ToBase64String(System.Security.Cryptography.SHA512.HashData(BitConverter.GetBytes(i)))}\"\n    }},"));
        var uploads = new (string Name, byte[] Bytes)[]
        {
            ("logo.png", png),
            ("src.zip", Zip(("app/handlers.py", Encoding.UTF8.GetBytes(source)), ("README.md", Encoding.UTF8.GetBytes("# handlers\nRun `make test`.\n")))),
            ("package-lock.json.gz", Gzip(Encoding.UTF8.GetBytes("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n" + lockfile + "\n  }\n}\n"))),
            ("notes.tar.gz", TarGz(("notes.txt", "Meeting at 10:00. Bring the quarterly numbers.\n"))),
        };
        foreach (var (name, bytes) in uploads)
        {
            var inPart = ScanBytes(Multipart(name, bytes), MultipartType);
            Assert.True(inPart.Count == 0, $"{name} in a part: {Describe(inPart)}");
            var whole = ScanBytes(bytes, "application/octet-stream");
            Assert.True(whole.Count == 0, $"{name} as the body: {Describe(whole)}");
        }
    }

    [Theory]
    [InlineData("Caf=C3=A9 au lait, na=C3=AFve r=C3=A9sum=C3=A9 =E2=80=94 =C3=A0 bient=C3=B4t, =C3=A7a va=3F =C2=A9 2026=\r\nthe team\r\n")]
    [InlineData("a=12&b=34&c=56&d=78&e=90&f=AB&g=CD&h=EF&i=01&j=23&k=45&l=67&m=89\n")]
    [InlineData("colors: =FF0000 =00FF00 =0000FF =FFFF00 =00FFFF =FF00FF =C0C0C0 =808080 =800000 =808000\n")]
    public void Quoted_printable_look_alikes_are_not_findings(string body)
    {
        Assert.Empty(ScanBody(body, "text/plain"));
        Assert.Empty(ScanBody("--XyZ\r\nContent-Disposition: form-data; name=\"t\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + body + "\r\n--XyZ--\r\n", MultipartType));
    }

    [Fact]
    public void A_decompression_bomb_in_a_part_is_bounded_and_reported()
    {
        // 64 MiB of zeros gzip to ~64 KiB; the engine inflates at most MaxInflatedBytes of it and reports the rest.
        byte[] bomb = Gzip(new byte[64 * 1024 * 1024]);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var findings = ScanBytes(Multipart("bomb.gz", bomb), MultipartType);
        Assert.Contains(findings, f => f.RuleId == DlpEngine.CompressedUnscannedId);
        var zipBomb = ScanBytes(Zip(("a", new byte[16 * 1024 * 1024]), ("b", new byte[16 * 1024 * 1024])), "application/zip");
        Assert.Contains(zipBomb, f => f.RuleId == DlpEngine.CompressedUnscannedId && f.Encoding == "zip");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), sw.Elapsed.ToString());
    }

    [Fact]
    public void A_zip_with_more_members_than_scanned_is_reported()
    {
        var entries = Enumerable.Range(0, DlpEngine.MaxZipEntries + 1).Select(i => ($"f{i}.txt", Encoding.UTF8.GetBytes("x\n"))).ToArray();
        var findings = ScanBytes(Zip(entries), "application/zip");
        Assert.Contains(findings, f => f.RuleId == DlpEngine.CompressedUnscannedId && f.Encoding == "zip");
    }
}
