namespace BotBottle.Tests;

/// <summary>Finds the repository root and the built module from a test's output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BotBottle.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"BotBottle.sln not found above {AppContext.BaseDirectory}.");
    });

    public static string Root => s_root.Value;

    public static string Version
    {
        get
        {
            var props = File.ReadAllText(Path.Combine(Root, "Directory.Build.props"));
            var m = System.Text.RegularExpressions.Regex.Match(props, "<VersionPrefix>([^<]+)</VersionPrefix>");
            return m.Success ? m.Groups[1].Value : throw new InvalidOperationException("VersionPrefix not found in Directory.Build.props.");
        }
    }

    /// <summary>out/BotBottle/&lt;version&gt;/ — assembled by building BotBottle.PowerShell.</summary>
    public static string ModuleDirectory => Path.Combine(Root, "out", "BotBottle", Version);

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif
}
