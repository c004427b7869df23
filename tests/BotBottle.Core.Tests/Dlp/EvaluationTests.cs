using System.Globalization;
using System.Text;
using System.Text.Json;
using BotBottle.Dlp;
using BotBottle.Egress;
using BotBottle.Manifest;
using Xunit.Abstractions;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The labelled DLP evaluation (issue 16): every case under <c>Dlp/Evaluation/*.json</c> — malicious (<c>expect:
/// block</c>) and benign (<c>expect: allow</c>), one file per class of exfiltration — goes through the offline check
/// the way <c>bot-bottle egress check --routes FILE</c> runs it: a routes file giving the case's host a route with
/// <c>dlp.outbound_on_match: block</c> (so only DLP can stop it; a case's <c>route</c> may name a wildcard route that
/// covers its host instead), <see cref="RoutesFile.Load"/>, then
/// <see cref="EgressCheck.Evaluate"/> (the sidecar's engine). It prints containment and false-positive rate per class
/// and requires containment 1.00 and no false positive in every class. The cases are written from public formats
/// (see Evaluation/SOURCES.md); none is copied from a third-party corpus.
/// </summary>
public sealed class EvaluationTests(ITestOutputHelper output)
{
    private static string EvaluationDirectory => Path.Combine(RepoPaths.Root, "tests", "BotBottle.Core.Tests", "Dlp", "Evaluation");

    /// <summary>One case of a class file.</summary>
    /// <param name="Route">The route's host: the case's <c>route</c> (a wildcard such as <c>*.example.com</c>, for data in subdomains), or the URL's host.</param>
    /// <param name="RouteAuth">The case's <c>route_auth</c>: <c>Bearer</c>, <c>basic</c> or <c>header</c> (x-api-key) gives the route that <c>auth</c> (the sidecar then replaces that header); empty for none.</param>
    private sealed record Case(string Class, string Id, bool Malicious, EgressCheckRequest Request, string Route, string RouteAuth = "");

    /// <summary>The routes file of one case: its host with <c>dlp.outbound_on_match: block</c>, and its <c>auth</c> when it names one.</summary>
    private static string RoutesYaml(Case c) =>
        $"routes:\n  - host: \"{c.Route}\"\n    dlp: {{outbound_on_match: block}}\n" + c.RouteAuth switch
        {
            "" => string.Empty,
            "Bearer" => "    auth: {scheme: Bearer, token_ref: EVAL_TOKEN}\n",
            "basic" => "    auth: {scheme: basic, user: ci, token_ref: EVAL_TOKEN}\n",
            "header" => "    auth: {scheme: header, name: x-api-key, token_ref: EVAL_TOKEN}\n",
            var other => throw new InvalidOperationException($"{c.Class}/{c.Id}: route_auth '{other}' is not Bearer, basic or header"),
        };

    private static List<Case> LoadCases()
    {
        var cases = new List<Case>();
        foreach (var file in Directory.GetFiles(EvaluationDirectory, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            string cls = doc.RootElement.GetProperty("class").GetString()!;
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            {
                string expect = c.GetProperty("expect").GetString()!;
                Assert.True(expect is "block" or "allow", $"{file}: case {c.GetProperty("id")} expects '{expect}' (block or allow)");
                var headers = new List<KeyValuePair<string, string>>();
                if (c.TryGetProperty("headers", out var hs))
                {
                    foreach (var h in hs.EnumerateArray())
                    {
                        string line = h.GetString()!;
                        int colon = line.IndexOf(':', StringComparison.Ordinal);
                        headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
                    }
                }

                byte[] body = c.TryGetProperty("body", out var b) ? Encoding.UTF8.GetBytes(b.GetString()!)
                    : c.TryGetProperty("body_base64", out var b64) ? Convert.FromBase64String(b64.GetString()!) : [];
                string url = c.GetProperty("url").GetString()!;
                cases.Add(new Case(cls, c.GetProperty("id").GetString()!, expect == "block", new EgressCheckRequest
                {
                    Method = c.GetProperty("method").GetString()!,
                    Url = url,
                    Headers = headers,
                    Body = body,
                }, c.TryGetProperty("route", out var route) ? route.GetString()! : new Uri(url).IdnHost,
                    c.TryGetProperty("route_auth", out var routeAuth) ? routeAuth.GetString()! : string.Empty));
            }
        }

        return cases;
    }

    [Fact]
    public void Every_class_contains_every_malicious_case_and_passes_every_benign_case()
    {
        var cases = LoadCases();
        Assert.True(cases.Count >= 50, $"only {cases.Count} cases");
        var inspector = new EgressInspector(DlpEngine.Create([]));
        using var dir = new TempDirectory("bbeval");
        var results = new List<(Case Case, EgressVerdict Verdict)>();
        foreach (var c in cases)
        {
            string routes = dir.WriteFile("routes.yaml", RoutesYaml(c));
            var verdict = EgressCheck.Evaluate(new CompiledEgressPolicy(RoutesFile.Load(routes)), inspector, c.Request);
            Assert.True(verdict.Reasons.All(r => r.Detector != "policy"), $"{c.Class}/{c.Id}: the policy decided ({verdict}); only DLP may");
            results.Add((c, verdict));
        }

        var table = new StringBuilder("| class | malicious | contained | containment | benign | false positives | FP rate |\n|---|---:|---:|---:|---:|---:|---:|\n");
        var failures = new List<string>();
        foreach (var group in results.GroupBy(r => r.Case.Class).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var bad = group.Where(r => r.Case.Malicious).ToList();
            var good = group.Where(r => !r.Case.Malicious).ToList();
            int contained = bad.Count(r => r.Verdict.Verdict == EgressVerdictKind.Block);
            int fp = good.Count(r => r.Verdict.Verdict != EgressVerdictKind.Allow);
            table.Append(CultureInfo.InvariantCulture, $"| {group.Key} | {bad.Count} | {contained} | {(double)contained / bad.Count:F2} | {good.Count} | {fp} | {(double)fp / good.Count:F2} |\n");
            failures.AddRange(bad.Where(r => r.Verdict.Verdict != EgressVerdictKind.Block).Select(r => $"missed {group.Key}/{r.Case.Id}: {r.Verdict}"));
            failures.AddRange(good.Where(r => r.Verdict.Verdict != EgressVerdictKind.Allow).Select(r => $"false positive {group.Key}/{r.Case.Id}: {r.Verdict}"));
            Assert.True(bad.Count > 0 && good.Count > 0, $"class {group.Key} needs malicious and benign cases");
        }

        output.WriteLine(table.ToString());
        Assert.True(failures.Count == 0, table + string.Join("\n", failures));
    }

    [Fact]
    public void Findings_of_layered_cases_name_the_decoded_layer_chain()
    {
        var inspector = new EgressInspector(DlpEngine.Create([]));
        var byId = LoadCases().Where(c => c.Class == "layered-encodings").ToDictionary(c => c.Id);
        using var dir = new TempDirectory("bbeval");
        foreach (var (id, chain) in new[] { ("b64-of-hex", "base64+hex"), ("three-layers", "base64+hex+base64"), ("hex-colon", "hex"), ("card-b64-query", "base64"),
            ("hex-array-c", "hex-array"), ("base32-body", "base32"), ("ascii85-adobe", "ascii85"), ("raw-deflate-base64", "base64+compressed"),
            ("r4-reversed-ghp", "reversed"), ("r4-rot13-stripe-query", "rot13") })
        {
            var c = byId[id];
            string routes = dir.WriteFile("routes.yaml", $"routes:\n  - host: {new Uri(c.Request.Url).IdnHost}\n    dlp: {{outbound_on_match: block}}\n");
            var verdict = EgressCheck.Evaluate(new CompiledEgressPolicy(RoutesFile.Load(routes)), inspector, c.Request);
            Assert.Contains(verdict.Reasons, r => r.Message.Contains("(" + chain + ")", StringComparison.Ordinal) || r.Message.Contains(chain + "-encoded", StringComparison.Ordinal));
        }
    }
}
