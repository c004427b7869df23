using System.Text;
using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

internal static class DlpTestHelpers
{
    public static readonly DlpEngine Engine = DlpEngine.Create([]);

    public static List<DlpFinding> Scan(string text, DlpEngine? engine = null, DlpLocation? location = null, DlpDetectors detectors = DlpDetectors.All)
    {
        var findings = new List<DlpFinding>();
        (engine ?? Engine).Scan(text, location ?? DlpLocation.Body, detectors, findings);
        return findings;
    }

    public static DlpRequest Request(string pathAndQuery = "/", string? body = null, string? contentType = null, string host = "api.example.com", params (string Name, string Value)[] headers) =>
        new()
        {
            Method = body is null ? "GET" : "POST",
            Host = host,
            PathAndQuery = pathAndQuery,
            Headers = headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList(),
            Body = body is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(body),
            ContentType = contentType,
        };

    public static string Describe(IEnumerable<DlpFinding> findings) => string.Join(" | ", findings.Select(f => $"{f.RuleId}@{f.Location}[{f.Start}+{f.Length}]{f.Encoding}"));
}
