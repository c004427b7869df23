using System.Text;
using BotBottle.Benchmarks;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>Ordinary traffic must produce no finding: realistic files under Corpus/ and the benchmark's generated bodies.</summary>
public class BenignCorpusTests
{
    private static readonly DlpEngine EngineWithSecrets = DlpEngine.Create(
    [
        new KnownSecret("GITHUB_TOKEN", Tokens.GitHub("ghp_", 900)),
        new KnownSecret("DB_PASSWORD", "Zq7!vR2#pL9@wX4$"),
        new KnownSecret("API_KEY", "k-" + Tokens.Random(Tokens.B64Url, 30, 901)),
        new KnownSecret("SHORT", "h7Qz"),
        new KnownSecret("MULTILINE", "line one of a secret\nline two of it"),
    ]);

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusDirectory).OrderBy(f => f, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    private static string CorpusDirectory => Path.Combine(RepoPaths.Root, "tests", "BotBottle.Core.Tests", "Dlp", "Corpus");

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_file_has_no_finding(string name)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(CorpusDirectory, name));
        string contentType = Path.GetExtension(name) switch
        {
            ".json" => "application/json",
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript",
            _ => "text/plain",
        };
        foreach (var engine in new[] { DlpTestHelpers.Engine, EngineWithSecrets })
        {
            var request = new DlpRequest { Method = "POST", Host = "api.example.com", PathAndQuery = "/upload?name=" + Uri.EscapeDataString(name), ContentType = contentType, Body = bytes };
            var report = engine.ScanRequest(request, DlpDetectors.All);
            Assert.True(!report.HasFindings, Describe(report.Findings));
            var asText = new List<DlpFinding>();
            engine.ScanUtf8(bytes, DlpLocation.Body, DlpDetectors.All, asText);
            Assert.Empty(asText);
        }
    }

    [Fact]
    public void Corpus_covers_the_required_kinds()
    {
        var names = Directory.GetFiles(CorpusDirectory).Select(Path.GetFileName).ToHashSet();
        foreach (var required in new[] { "package.json", "package-lock.json", "Sample.csproj.txt", "requirements.txt", "image-upload.json", "credentials-guide.md", "app.min.js", "page.html", "github-repos.json" })
        {
            Assert.Contains(required, names);
        }

        Assert.Contains("data:image/png;base64,iVBORw0KGgo", File.ReadAllText(Path.Combine(CorpusDirectory, "page.html")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, 7)]
    [InlineData(64 * 1024, 7)]
    [InlineData(1024 * 1024, 7)]
    [InlineData(256 * 1024, 8)]
    [InlineData(256 * 1024, 9)]
    public void Generated_benchmark_bodies_have_no_finding(int size, int seed)
    {
        byte[] body = Encoding.UTF8.GetBytes(BenignBodies.Json(size, seed));
        foreach (var engine in new[] { DlpTestHelpers.Engine, EngineWithSecrets })
        {
            foreach (var contentType in new[] { "application/json", "text/plain" })
            {
                var request = new DlpRequest { Method = "POST", Host = "api.example.com", PathAndQuery = "/v1/import", ContentType = contentType, Body = body };
                var report = engine.ScanRequest(request, DlpDetectors.All);
                Assert.True(!report.HasFindings, Describe(report.Findings));
            }
        }
    }

    [Fact]
    public void Ordinary_request_metadata_has_no_finding()
    {
        var request = Request(
            "/repos/botbottle/botbottle/compare/4f9c2b1e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c...main?per_page=100&page=3&q=is%3Aopen+label%3Abug",
            host: "api.github.com",
            headers:
            [
                ("Accept", "application/vnd.github+json"),
                ("X-GitHub-Api-Version", "2022-11-28"),
                ("User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15"),
                ("If-None-Match", "W/\"5f2b8c9e1d4a7b3c6e0f8a2d5b9c1e4f\""),
                ("Cookie", "_octo=GH1.1.1234567890.1761000000; logged_in=no; preferred_color_mode=dark"),
                ("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                ("Content-Type", "application/json; charset=utf-8"),
            ]);
        Assert.False(EngineWithSecrets.ScanRequest(request, DlpDetectors.All).HasFindings);
    }
}
