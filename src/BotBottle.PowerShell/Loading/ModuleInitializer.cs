using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace BotBottle.PowerShell.Loading;

/// <summary>
/// Hooks the default load context's <see cref="AssemblyLoadContext.Resolving"/> event so that the references of
/// this (root) assembly to BotBottle's own assemblies are satisfied from <see cref="ModuleLoadContext"/>. Only
/// <c>BotBottle.*</c> names are answered: everything else those assemblies need is resolved inside the module's
/// context and never leaks into the session's default context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly object Gate = new();
    private static ModuleLoadContext? s_context;

    /// <summary>The module's load context (created on first use).</summary>
    internal static ModuleLoadContext Context
    {
        get
        {
            lock (Gate)
            {
                return s_context ??= new ModuleLoadContext(DependencyDirectory);
            }
        }
    }

    /// <summary><c>&lt;module folder&gt;/Dependencies</c>.</summary>
    internal static string DependencyDirectory =>
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? AppContext.BaseDirectory, "Dependencies");

    /// <summary>Registers the resolver as early as possible: when this assembly is first touched.</summary>
#pragma warning disable CA2255 // A module initializer is the documented way to hook resolution before any cmdlet type is inspected.
    [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        AssemblyLoadContext.Default.Resolving -= ResolveOwnAssembly;
        AssemblyLoadContext.Default.Resolving += ResolveOwnAssembly;
    }

    /// <summary>Called by PowerShell when the module is imported.</summary>
    public void OnImport() => Register();

    /// <summary>Called by PowerShell when the module is removed.</summary>
    /// <param name="psModuleInfo">The module being removed.</param>
    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveOwnAssembly;

    private static Assembly? ResolveOwnAssembly(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name is null || !name.Name.StartsWith("BotBottle.", StringComparison.Ordinal))
        {
            return null;
        }

        var path = Path.Combine(DependencyDirectory, name.Name + ".dll");
        return File.Exists(path) ? Context.LoadFromAssemblyName(name) : null;
    }
}
