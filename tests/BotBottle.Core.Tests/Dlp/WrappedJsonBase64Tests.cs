using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Base64 file contents wrapped with JSON-escaped line breaks (<c>"content": "IyBk…\n…"</c>, as the GitHub contents API
/// writes them, RFC 8259 §7 escapes): noticed by the false-positive hunt, the lines after the first started with the
/// escape's <c>n</c> and decoded misaligned, so a key in them was missed. Both cases failed before
/// <see cref="DlpEngine"/>'s wrapped-blob join took <c>\n</c> / <c>\r\n</c> as line breaks.
/// </summary>
public sealed class WrappedJsonBase64Tests
{
    [Theory]
    [InlineData(60)] // GitHub's contents API
    [InlineData(76)] // MIME, coreutils base64
    public void A_token_in_json_escaped_wrapped_base64_is_found(int width)
    {
        string token = Tokens.GitHub("ghp_", 91);
        string file = "# deploy notes\nexport GITHUB_TOKEN=" + token + "\nmake deploy\n" + new string('x', 10) + "\n";
        string b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(file));
        var sb = new StringBuilder();
        for (int i = 0; i < b64.Length; i += width)
        {
            sb.Append(b64.AsSpan(i, Math.Min(width, b64.Length - i))).Append("\\n");
        }

        string body = "{\"message\":\"notes\",\"content\":\"" + sb + "\"}";
        var report = Engine.ScanRequest(Request("/repos/o/r/contents/notes.md", body, "application/json"), DlpDetectors.All);
        Assert.Contains(report.Findings, f => f.RuleId == "github-pat-classic");
    }
}
