using BotBottle.Configuration;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;

namespace BotBottle.Tests.Manifest;

/// <summary>A temporary BOT_BOTTLE_HOME and project folder with helpers to write manifests.</summary>
internal sealed class TestHome : IDisposable
{
    private readonly TempDirectory _dir = new("bbhome");

    public TestHome()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Project);
    }

    public string Root => _dir.Combine("home");

    public string Project => _dir.Combine("project");

    public BotBottleHome Home => new(Root);

    /// <summary>Writes <c>---\n{frontmatter}---\n{body}</c>: YAML line n is file line n + 1.</summary>
    public static string Markdown(string frontmatter, string body = "") =>
        "---\n" + frontmatter + (frontmatter.EndsWith('\n') || frontmatter.Length == 0 ? string.Empty : "\n") + "---\n" + body;

    public string Bottle(string name, string frontmatter, string body = "") => Write(Path.Combine(Root, "bottles", name + ".md"), Markdown(frontmatter, body));

    public string Agent(string name, string frontmatter, string body = "") => Write(Path.Combine(Root, "agents", name + ".md"), Markdown(frontmatter, body));

    public string ProjectAgent(string name, string frontmatter, string body = "") => Write(Path.Combine(Project, ".bot-bottle", "agents", name + ".md"), Markdown(frontmatter, body));

    public string ProjectBottle(string name, string frontmatter) => Write(Path.Combine(Project, ".bot-bottle", "bottles", name + ".md"), Markdown(frontmatter));

    public string Provider(string name, string frontmatter) => Write(Path.Combine(Root, "providers", name + ".md"), Markdown(frontmatter));

    public string Skill(string name) => Write(Path.Combine(Root, "skills", name, "SKILL.md"), "# " + name + "\n");

    public string Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public ManifestCatalog Catalog() => new(Home, Project);

    public BottlePreparer Preparer(IReadOnlyDictionary<string, string>? hostEnv = null) =>
        new(Catalog(), name => hostEnv is not null && hostEnv.TryGetValue(name, out var v) ? v : null);

    public void Dispose() => _dir.Dispose();
}

internal static class ManifestAssert
{
    /// <summary>Resolving throws a ManifestException; returns its errors.</summary>
    public static IReadOnlyList<ManifestError> Invalid(Action act)
    {
        var ex = Assert.Throws<ManifestException>(act);
        Assert.Equal("ManifestInvalid", ex.ErrorId);
        Assert.Equal(BotBottle.Errors.BotBottleErrorCategory.InvalidData, ex.Category);
        return ex.Errors;
    }

    /// <summary>Exactly one error with <paramref name="code"/> at file:line:col.</summary>
    public static ManifestError Single(IEnumerable<ManifestError> errors, ManifestErrorCode code, string file, int line, int column)
    {
        var matches = errors.Where(e => e.Code == code).ToList();
        var e = Assert.Single(matches);
        Assert.Equal(file, e.File);
        Assert.True(line == e.Line && column == e.Column, $"expected {file}:{line}:{column} for {code}, got {e}");
        return e;
    }

    public static IReadOnlyList<ManifestError> BottleErrors(string yaml, string name = "b")
    {
        using var home = new TestHome();
        var path = home.Bottle(name, yaml);
        var errors = new List<ManifestError>();
        ManifestParser.ParseBottle(File.ReadAllBytes(path), path, name, errors);
        return errors.Select(e => new ManifestError(new SourceLocation("b.md", e.Line, e.Column), e.Code, e.Message, e.Suggestion)).ToList();
    }

    public static IReadOnlyList<ManifestError> AgentErrors(string yaml, string name = "a")
    {
        using var home = new TestHome();
        var path = home.Agent(name, yaml);
        var errors = new List<ManifestError>();
        ManifestParser.ParseAgent(File.ReadAllBytes(path), path, name, ManifestSourceKind.Home, errors);
        return errors.Select(e => new ManifestError(new SourceLocation("a.md", e.Line, e.Column), e.Code, e.Message, e.Suggestion)).ToList();
    }
}
