using System.Security.Cryptography;
using System.Text;

namespace BotBottle.Dlp;

/// <summary>
/// A stable identity for a DLP match: SHA-256 (lower-case hex) of the rule id and the matched text as it was on the
/// wire. An operator's approval of an <c>egress-token-allow</c> proposal lets that exact value through later
/// without anyone storing the value itself.
/// </summary>
public static class DlpFingerprint
{
    /// <summary>The fingerprint of <paramref name="finding"/> in <paramref name="request"/>.</summary>
    public static string Of(DlpRequest request, DlpFinding finding)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(finding);
        ReadOnlySpan<byte> matched;
        byte[]? text = null;
        switch (finding.Location.Kind)
        {
            case DlpLocationKind.Body:
                matched = Slice(request.Body.Span, finding.Start, finding.Length);
                break;
            default:
                var source = finding.Location.Kind switch
                {
                    DlpLocationKind.Host => request.Host,
                    DlpLocationKind.Path or DlpLocationKind.Query => request.PathAndQuery,
                    DlpLocationKind.Header when finding.Location.Index >= 0 && finding.Location.Index < request.Headers.Count => request.Headers[finding.Location.Index].Value,
                    DlpLocationKind.HeaderName when finding.Location.Index >= 0 && finding.Location.Index < request.Headers.Count => request.Headers[finding.Location.Index].Key,
                    _ => string.Empty,
                };
                var start = Math.Clamp(finding.Start, 0, source.Length);
                text = Encoding.UTF8.GetBytes(source.Substring(start, Math.Clamp(finding.Length, 0, source.Length - start)));
                matched = text;
                break;
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(finding.RuleId + "\0"));
        sha.AppendData(matched);
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> body, int start, int length)
    {
        start = Math.Clamp(start, 0, body.Length);
        return body.Slice(start, Math.Clamp(length, 0, body.Length - start));
    }
}
