using BotBottle.Configuration;
using BotBottle.Manifest;

namespace BotBottle.Tests.Manifest;

/// <summary>The shipped examples/ load and validate clean.</summary>
public class ExamplesTests
{
    private static ManifestCatalog Catalog(string project) =>
        new(new BotBottleHome(Path.Combine(RepoPaths.Root, "examples", "home")), project);

    [Fact]
    public void Examples_validate_without_findings()
    {
        using var project = new TempDirectory();
        var report = Catalog(project.Path).Validate();
        Assert.True(report.Findings.IsEmpty, string.Join("\n", report.Findings));
        Assert.Equal(5, report.Files.Length); // three bottles and two agents
    }

    [Fact]
    public void The_example_agents_resolve()
    {
        using var project = new TempDirectory();
        var catalog = Catalog(project.Path);
        var reviewer = catalog.Resolve("reviewer");
        Assert.Equal(["claude", "github-task"], reviewer.Bottle.Chain.ToArray());
        Assert.Equal("claude", reviewer.Bottle.Provider.Name);
        Assert.Contains(reviewer.RequiredSecrets, s => s.Name == "GITHUB_TOKEN");
        Assert.Equal("api.anthropic.com", reviewer.Bottle.Egress.Routes[0].Host);

        var helper = catalog.Resolve("helper", ["shell"]);
        Assert.Equal("shell", helper.Bottle.Provider.Name);
        Assert.Equal(BotBottle.Policy.EgressLogLevel.Blocked, helper.Bottle.Egress.Log);
        Assert.Equal(["claude", "github-task"], catalog.BottleNames().Where(n => n != "shell"));
    }
}
