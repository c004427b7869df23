using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace BotBottle.Tests;

/// <summary>
/// Reads the assembled module without loading it: the manifest as text, and the cmdlet assembly through a
/// <see cref="MetadataLoadContext"/> (System.Management.Automation from PowerShellStandard.Library is a reference
/// assembly and can never be loaded for execution).
/// </summary>
internal sealed partial class ModuleMetadata : IDisposable
{
    private readonly MetadataLoadContext _mlc;

    public ModuleMetadata()
    {
        var smaPath = typeof(ModuleMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SmaReferencePath").Value!;
        var paths = new List<string>(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")) { smaPath };
        paths.AddRange(Directory.GetFiles(Path.Combine(RepoPaths.ModuleDirectory, "Dependencies"), "*.dll"));
        paths.Add(CmdletAssemblyPath);
        _mlc = new MetadataLoadContext(new PathAssemblyResolver(paths.Distinct()));
        Assembly = _mlc.LoadFromAssemblyPath(CmdletAssemblyPath);
    }

    public static string ManifestPath => Path.Combine(RepoPaths.ModuleDirectory, "BotBottle.psd1");

    public static string CmdletAssemblyPath => Path.Combine(RepoPaths.ModuleDirectory, "BotBottle.PowerShell.dll");

    public Assembly Assembly { get; }

    /// <summary>Every public non-abstract type carrying [Cmdlet(verb, noun)], as "Verb-Noun".</summary>
    public IReadOnlyList<(Type Type, string Name, CustomAttributeData Attribute)> Cmdlets =>
        Assembly.GetTypes()
            .Where(t => t is { IsPublic: true, IsAbstract: false })
            .Select(t => (Type: t, Attr: t.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute")))
            .Where(x => x.Attr is not null)
            .Select(x => (x.Type, $"{x.Attr!.ConstructorArguments[0].Value}-{x.Attr.ConstructorArguments[1].Value}", x.Attr!))
            .OrderBy(x => x.Item2, StringComparer.Ordinal)
            .ToList();

    public static string ManifestText => File.ReadAllText(ManifestPath);

    /// <summary>The string list assigned to <paramref name="key"/> in the manifest (<c>Key = @('a', 'b')</c>).</summary>
    public static IReadOnlyList<string> ManifestList(string key)
    {
        var m = Regex.Match(ManifestText, key + @"\s*=\s*@\(([^)]*)\)", RegexOptions.Singleline);
        Assert.True(m.Success, $"{key} not found in {ManifestPath}");
        return QuotedString().Matches(m.Groups[1].Value).Select(x => x.Groups[1].Value).ToList();
    }

    /// <summary>The string assigned to <paramref name="key"/> in the manifest.</summary>
    public static string ManifestValue(string key)
    {
        var m = Regex.Match(ManifestText, @"(?m)^\s*" + key + @"\s*=\s*'([^']*)'");
        Assert.True(m.Success, $"{key} not found in {ManifestPath}");
        return m.Groups[1].Value;
    }

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedString();

    /// <summary>A type of the module or its dependencies by full name (metadata only), or null.</summary>
    public Type? FindType(string fullName) =>
        Assembly.GetType(fullName)
        ?? _mlc.LoadFromAssemblyName("BotBottle.Core").GetType(fullName)
        ?? _mlc.LoadFromAssemblyName("BotBottle.Domain").GetType(fullName);

    public void Dispose() => _mlc.Dispose();
}
