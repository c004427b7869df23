using System.Text;
using System.Text.Json;
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

    /// <summary>The findings of a POST to <c>/upload</c> carrying <paramref name="body"/>, every detector on.</summary>
    public static List<DlpFinding> ScanBody(string body, string contentType = "application/json") =>
        [.. Engine.ScanRequest(Request("/upload", body, contentType), DlpDetectors.All).Findings];

    /// <summary>
    /// <paramref name="key"/> split after its first <paramref name="prefixLength"/> characters into two JSON member
    /// values: compact, spaced, pretty-printed, and nested after a number member.
    /// </summary>
    public static IEnumerable<string> PrefixAloneMemberBodies(string key, int prefixLength)
    {
        string head = key[..prefixLength], rest = key[prefixLength..];
        yield return "{\"a\":\"" + head + "\",\"b\":\"" + rest + "\"}";
        yield return "{\"prefix\": \"" + head + "\", \"value\": \"" + rest + "\"}";
        yield return "{\n  \"kind\": \"" + head + "\",\n  \"rest\": \"" + rest + "\"\n}";
        yield return "{\"vars\": {\"id\": 7, \"head\": \"" + head + "\", \"tail\": \"" + rest + "\"}, \"n\": 2}";
    }

    /// <summary>Asserts that a POST of <paramref name="body"/> (<see cref="ScanBody"/>) has no finding; the message lists any.</summary>
    public static void AssertClean(string body, string contentType = "application/json")
    {
        var findings = ScanBody(body, contentType);
        Assert.True(findings.Count == 0, $"{body}: {Describe(findings)}");
    }

    /// <summary>JSON written as clients write it: <c>"</c> escaped as <c>\"</c>, <c>+</c> and <c>'</c> as themselves (System.Text.Json's default writes them <c>\u002B</c>, <c>\u0027</c>).</summary>
    public static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><paramref name="content"/> as the user message of a model request (<c>{"model": "m", "messages": [{"role": "user", "content": …}]}</c>, <see cref="RelaxedJson"/>).</summary>
    public static string InModelRequest(string content) =>
        JsonSerializer.Serialize(new { model = "m", messages = new[] { new { role = "user", content } } }, RelaxedJson);

    /// <summary>
    /// Scans each shape, plain and as a JSON string value, cut at every position (both halves) and with each of
    /// <paramref name="splices"/> inserted at every position; a scan that throws fails the test.
    /// </summary>
    public static void ScanCutAndSpliced(IEnumerable<string> shapes, char[] splices)
    {
        foreach (string shape in shapes)
        {
            foreach (string body in new[] { shape, JsonSerializer.Serialize(new { c = shape }) })
            {
                for (int i = 0; i <= body.Length; i++)
                {
                    _ = Scan(body[..i]);
                    _ = Scan(body[i..]);
                    foreach (char c in splices)
                    {
                        _ = Scan(body[..i] + c + body[i..]);
                    }
                }
            }
        }
    }

    /// <summary>The <c>credential-assignment</c> findings of <see cref="Scan"/> on <paramref name="text"/>.</summary>
    public static List<DlpFinding> Assignments(string text) => Scan(text).FindAll(f => f.RuleId == "credential-assignment");

    /// <summary>Asserts that <paramref name="rule"/> reports exactly the span of <paramref name="value"/>'s first occurrence in <paramref name="text"/>.</summary>
    public static void AssertFoundExactly(string text, string value, string rule = "credential-assignment")
    {
        var found = Scan(text);
        int at = text.IndexOf(value, StringComparison.Ordinal);
        Assert.True(found.Exists(f => f.RuleId == rule && f.Start == at && f.Length == value.Length), $"{text}: {Describe(found)}");
    }

    public static string Describe(IEnumerable<DlpFinding> findings) => string.Join(" | ", findings.Select(f => $"{f.RuleId}@{f.Location}[{f.Start}+{f.Length}]{f.Encoding}"));
}
