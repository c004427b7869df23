using System.IO.Compression;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Base64 of gzip (RFC 1952) and zlib (RFC 1950) data: inflated and scanned, within a per-blob and a per-scan budget,
/// and what cannot be read whole is a finding, not a pass (a review of the first version found a 2 KB body that kept the
/// scan busy for over 30 s, a secret hidden past the blob limit, and one hidden behind binary bytes).
/// </summary>
public class CompressedBlobTests
{
    private const string AwsKey = "AKIAQ2W3E4R5T6Y7U2I3";

    private static string Gzip64(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize))
        {
            gz.Write(data);
        }

        return Convert.ToBase64String(ms.ToArray());
    }

    private static string Zlib64(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.SmallestSize))
        {
            z.Write(data);
        }

        return Convert.ToBase64String(ms.ToArray());
    }

    [Fact]
    public void A_credential_in_gzip_or_zlib_inside_base64_is_found_with_its_chain()
    {
        foreach (var blob in new[] { Gzip64(Encoding.UTF8.GetBytes("key " + AwsKey)), Zlib64(Encoding.UTF8.GetBytes("key " + AwsKey)) })
        {
            var findings = Scan($$"""{"data":"{{blob}}"}""");
            Assert.Contains(findings, f => f.RuleId == "aws-access-key-id" && f.Encoding.Contains("base64+compressed", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Binary_bytes_before_the_secret_do_not_hide_it()
    {
        var rnd = new Random(2);
        var data = new byte[200];
        rnd.NextBytes(data);
        var findings = Scan(Gzip64([.. data, .. Encoding.UTF8.GetBytes(" " + AwsKey)]));
        Assert.Contains(findings, f => f.RuleId == "aws-access-key-id");
    }

    [Fact]
    public void A_secret_past_the_per_blob_limit_makes_the_blob_a_finding()
    {
        var padding = Encoding.UTF8.GetBytes(new string(' ', 300 * 1024));
        var findings = Scan(Gzip64([.. padding, .. Encoding.UTF8.GetBytes(AwsKey)]));
        Assert.Contains(findings, f => f.RuleId == DlpEngine.CompressedUnscannedId);
    }

    [Fact]
    public void Many_small_bombs_in_one_request_stop_at_the_scan_budget_and_are_reported()
    {
        // Each blob inflates to 256 KiB of spaces from a few hundred bytes; 400 of them would be 100 MiB of text.
        var bomb = Gzip64(Encoding.UTF8.GetBytes(new string(' ', 256 * 1024)));
        var body = string.Join(",", Enumerable.Repeat(bomb, 400));
        var report = Engine.ScanRequest(Request("/upload", body), DlpDetectors.All);
        Assert.Contains(report.Findings, f => f.RuleId == DlpEngine.CompressedUnscannedId);
    }

    [Fact]
    public void An_ordinary_gzipped_text_inside_base64_is_not_a_finding()
    {
        var text = string.Concat(Enumerable.Repeat("# Project\n\nBuild with make, then run the tests.\n", 50));
        Assert.Empty(Scan($$"""{"name":"README.md.gz","content":"{{Gzip64(Encoding.UTF8.GetBytes(text))}}"}"""));
    }
}
