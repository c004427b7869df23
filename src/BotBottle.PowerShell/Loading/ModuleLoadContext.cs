using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace BotBottle.PowerShell.Loading;

/// <summary>
/// The module's private <see cref="AssemblyLoadContext"/>: loads BotBottle.Core and every dependency (YamlDotNet,
/// SQLite, MCP…) from the module's <c>Dependencies/</c> folder, so another module's copy of the same library in
/// the session never collides with ours. Pattern from "Resolving PowerShell module assembly dependency conflicts"
/// (https://learn.microsoft.com/powershell/scripting/dev-cross-plat/resolving-dependency-conflicts).
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyDirectory;

    public ModuleLoadContext(string dependencyDirectory)
        : base("BotBottle", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    /// <summary>The folder assemblies are loaded from.</summary>
    public string DependencyDirectory => _dependencyDirectory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        // Anything we do not ship (the framework, System.Management.Automation) comes from the default context.
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var candidate in NativeCandidates(unmanagedDllName))
        {
            if (File.Exists(candidate))
            {
                return LoadUnmanagedDllFromPath(candidate);
            }
        }

        return IntPtr.Zero;
    }

    private IEnumerable<string> NativeCandidates(string name)
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string[] files = OperatingSystem.IsWindows()
            ? [name, name + ".dll"]
            : OperatingSystem.IsMacOS() ? [name, "lib" + name + ".dylib", name + ".dylib"] : [name, "lib" + name + ".so", name + ".so"];
        foreach (var r in new[] { rid, $"{os}-{arch}" }.Distinct())
        {
            foreach (var f in files)
            {
                yield return Path.Combine(_dependencyDirectory, "runtimes", r, "native", f);
            }
        }
    }
}
