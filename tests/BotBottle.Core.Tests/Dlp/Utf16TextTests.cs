using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Red team 8 found that a body written as raw UTF-16 (<c>Encoding.Unicode</c>, <c>iconv -t UTF-16LE</c>, Windows
/// PowerShell 5.1's <c>Out-File</c>) carried a GitHub token or the bottle's own secret past DLP: every ASCII character
/// had a zero byte beside it (RFC 2781 §2). Every malicious case here passed the engine before
/// <c>DlpEngine.Utf16.cs</c> (checked by removing its three calls).
/// </summary>
public sealed class Utf16TextTests
{
    private static readonly Encoding BigEndian = new UnicodeEncoding(bigEndian: true, byteOrderMark: false);

    private static byte[] Utf16(string text, bool bigEndian, bool bom)
    {
        var encoding = bigEndian ? BigEndian : Encoding.Unicode;
        var body = encoding.GetBytes(text);
        return bom ? [.. encoding.GetPreamble(), .. body] : body;
    }

    private static DlpReport ScanBody(byte[] body, DlpEngine? engine = null, string contentType = "application/octet-stream") =>
        (engine ?? Engine).ScanRequest(
            new DlpRequest { Method = "POST", Host = "api.example.com", PathAndQuery = "/upload", Body = body, ContentType = contentType },
            DlpDetectors.All);

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_token_in_a_utf16_body_is_found_in_either_byte_order(bool bigEndian, bool bom)
    {
        string token = Tokens.GitHub("ghp_", 81);
        foreach (string text in new[] { "token=" + token + "\r\n", token, "notes\r\n" + token })
        {
            var report = ScanBody(Utf16(text, bigEndian, bom));
            var f = Assert.Single(report.Findings, x => x.RuleId == "github-pat-classic");
            Assert.Equal(DlpEncodings.Utf16, f.Encoding);
            Assert.True(f.Validated, Describe(report.Findings));
            Assert.Equal(DlpLocationKind.Body, f.Location.Kind);
        }
    }

    [Fact]
    public void The_bottles_own_secret_in_utf16_is_found()
    {
        const string secret = "s3cr3t-Value-for-this-bottle-only";
        var engine = DlpEngine.Create([new KnownSecret("UP_TOKEN", secret)]);
        foreach (bool bigEndian in new[] { false, true })
        {
            var report = ScanBody(Utf16("{\"note\":\"" + secret + "\"}", bigEndian, bom: true), engine, "application/json");
            Assert.Contains(report.Findings, f => f.Detector == DlpFinding.KnownSecretsDetector && f.Encoding == DlpEncodings.Utf16);
        }
    }

    [Fact]
    public void Utf16_text_after_utf8_text_and_a_misaligned_start_is_found()
    {
        // UTF-8 first, then one stray byte, then UTF-16LE: the stretch starts at an odd byte offset.
        string token = Tokens.GitHub("ghp_", 82);
        byte[] body = [.. Encoding.UTF8.GetBytes("plain text first\n"), 0x7F, .. Utf16("key " + token + " end", bigEndian: false, bom: false)];
        Assert.Contains(ScanBody(body).Findings, f => f.RuleId == "github-pat-classic" && f.Encoding == DlpEncodings.Utf16);
    }

    [Fact]
    public void A_git_patch_line_of_a_utf16_file_is_scanned()
    {
        // What GitDiffScanner gives the engine for a UTF-16LE file under `git log -p --text`: the bytes read as UTF-8, so
        // each character is followed by NUL, and the line after a "\n\0" starts with the NUL.
        string token = Tokens.GitHub("ghp_", 83);
        string line1 = Encoding.UTF8.GetString(Encoding.Unicode.GetBytes("first line\n"));
        string line2 = Encoding.UTF8.GetString(Encoding.Unicode.GetBytes("TOKEN=" + token)).TrimStart('\0');
        var f = Assert.Single(Scan(line1 + "\n\0" + line2 + "\n"), x => x.RuleId == "github-pat-classic");
        Assert.Equal(DlpEncodings.Utf16, f.Encoding);
        Assert.True(f.Validated);
    }

    [Fact]
    public void Benign_utf16_text_and_binary_bodies_with_zero_bytes_are_not_findings()
    {
        string prose = "The build failed because the package version was not found; see line 42 of module.cs.\r\n";
        foreach (bool bigEndian in new[] { false, true })
        {
            var report = ScanBody(Utf16(string.Concat(Enumerable.Repeat(prose, 50)), bigEndian, bom: true));
            Assert.False(report.HasFindings, Describe(report.Findings));
        }

        // Binary: seeded random bytes with many zeros (as in images, archives, protobuf), never an exception.
        var random = new Random(16);
        var binary = new byte[256 * 1024];
        random.NextBytes(binary);
        for (int i = 0; i < binary.Length; i += 3)
        {
            binary[i] = 0;
        }

        Assert.False(ScanBody(binary).HasFindings);
    }
}
