using System.Buffers;
using System.Runtime.CompilerServices;

namespace BotBottle.Dlp;

/// <summary>
/// A GitHub token sent without its prefix (red team 12, C12: <c>gh_body=&lt;36 characters&gt;</c>). GitHub's 2021
/// token format is a prefix (<c>ghp_</c>, <c>gho_</c>, <c>ghu_</c>, <c>ghs_</c>, <c>ghr_</c>), 30 random base62
/// characters and a 6-character base62 CRC-32 of those 30 characters
/// (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/: the last six characters are a
/// checksum; the engine's <see cref="Checksums.IsValidBase62Crc32"/> computes it over the random part only, which is
/// what issued tokens verify against). The checksum does not cover the prefix, so the 36 characters after it
/// verify on their own: a token run of exactly 36 ASCII letters and digits whose last 6 are the base62 CRC-32 of the
/// first 30 is a GitHub token body. Samsung's CredSweeper checks real tokens the same way (ValueGitHubCheck,
/// https://github.com/Samsung/CredSweeper/blob/main/credsweeper/filters/value_github_check.py: the CRC of
/// <c>value[4:-6]</c>). A run whose 6 last characters are random base62 passes with a chance of 1 in 62^6
/// (≈ 5.7·10^10); one whose last 6 already encode some 32-bit value, 1 in 2^32 (the
/// CRC has 2^32 values), so an id, digest or nonce of that length is not reported. npm tokens (<c>npm_</c> + 36,
/// https://github.blog/2021-09-23-announcing-npms-new-access-token-format/) use the same checksum and so verify too;
/// the finding names the GitHub rule, by far the commoner. Cost: one length compare per token run of 16+ characters,
/// a character compare for the 36-character ones (UUIDs have <c>-</c> ninth), then a letters-and-digits test and the
/// CRC over 30 characters. Bodies only: a header, path or query holding the 36 characters is left to the request's
/// joins of header values, path segments and query values, which find the prefix beside it and name the right rule
/// (<c>X-Token-Prefix: gho_</c>, <c>X-Token-Body: …</c> is an OAuth token, not a classic one).
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>A GitHub 2021 token without its 4-character prefix: 30 random base62 characters and 6 of checksum.</summary>
    private const int GitHubBodyLength = 36;

    private static readonly SearchValues<char> s_base62 = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>
    /// The token run [<paramref name="rs"/>, +36) is reported under <c>github-pat-classic</c> when it is all base62 and
    /// its last 6 characters are the base62 CRC-32 of its first 30 (see the type's summary), unless a finding already
    /// covers it (the ninth round's join of <c>{"a": "ghp_", "b": "&lt;36&gt;"}</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // rare: 36-character runs
    private void CheckPrefixlessGitHubBody(ReadOnlySpan<char> text, int rs, ref ScanState st, in Layer layer)
    {
        var body = text.Slice(rs, GitHubBodyLength);
        if (body.ContainsAnyExcept(s_base62) || !Checksums.IsValidBase62Crc32(body[..30], body[30..]) || FoundWithin(ref st, layer, rs, GitHubBodyLength))
        {
            return;
        }

        ReportRule(ref st, layer, _rules[_githubClassicRule], rs, GitHubBodyLength, DlpEncodings.Plain, "token body without its prefix", GitHubBodyLength);
    }
}
