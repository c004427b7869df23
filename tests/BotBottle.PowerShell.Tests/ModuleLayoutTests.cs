namespace BotBottle.Tests;

public class ModuleLayoutTests
{
    [Fact]
    public void Manifest_exports_exactly_the_cmdlet_classes_in_the_module_assembly()
    {
        using var meta = new ModuleMetadata();
        var classes = meta.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        var exported = ModuleMetadata.ManifestList("CmdletsToExport").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(classes, exported);
    }

    [Fact]
    public void Manifest_declares_core_edition_76_and_takes_its_version_from_the_one_version_source()
    {
        Assert.Equal(RepoPaths.Version, ModuleMetadata.ManifestValue("ModuleVersion"));
        Assert.Equal("7.6", ModuleMetadata.ManifestValue("PowerShellVersion"));
        Assert.Equal(["Core"], ModuleMetadata.ManifestList("CompatiblePSEditions"));
        Assert.Equal("BotBottle.PowerShell.dll", ModuleMetadata.ManifestValue("RootModule"));
        Assert.Empty(ModuleMetadata.ManifestList("FunctionsToExport"));
        Assert.Empty(ModuleMetadata.ManifestList("AliasesToExport"));
        Assert.Equal(["BotBottle.Format.ps1xml"], ModuleMetadata.ManifestList("FormatsToProcess"));
        Assert.Equal(["BotBottle.Types.ps1xml"], ModuleMetadata.ManifestList("TypesToProcess"));

        using var meta = new ModuleMetadata();
        Assert.Equal(RepoPaths.Version, meta.Assembly.GetName().Version!.ToString(3));
    }

    [Fact]
    public void Manifest_never_preloads_dependencies()
    {
        // Dependencies load in the module's own AssemblyLoadContext; RequiredAssemblies/NestedModules would bypass it.
        Assert.DoesNotMatch(@"(?m)^\s*(RequiredAssemblies|NestedModules)\s*=", ModuleMetadata.ManifestText);
    }

    [Fact]
    public void Module_folder_holds_only_what_the_module_needs()
    {
        var dir = RepoPaths.ModuleDirectory;
        var rootFiles = Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("BotBottle.psd1", rootFiles);
        Assert.Contains("BotBottle.PowerShell.dll", rootFiles);
        Assert.Contains("BotBottle.Format.ps1xml", rootFiles);
        Assert.Contains("BotBottle.Types.ps1xml", rootFiles);
        // The cmdlet assembly is the only assembly PowerShell's default context sees.
        Assert.Equal(["BotBottle.PowerShell.dll"], rootFiles.Where(f => f!.EndsWith(".dll", StringComparison.Ordinal)));

        var all = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("System.Management.Automation.dll", all);
        Assert.DoesNotContain(all, f => f!.Contains("PowerShellStandard", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(all, f => f!.EndsWith(".deps.json", StringComparison.Ordinal));
        // System.Management.Automation is a compile-time reference: none of PowerShell's own assemblies ship.
        Assert.DoesNotContain(all, f => f!.StartsWith("Microsoft.PowerShell.", StringComparison.Ordinal) || f.StartsWith("Microsoft.Management.Infrastructure", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(dir, "Dependencies", "BotBottle.Core.dll")));
        Assert.True(File.Exists(Path.Combine(dir, "Dependencies", "BotBottle.Domain.dll")));
    }

    [Fact]
    public void Module_carries_the_sidecar_for_linux_x64()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.ModuleDirectory, "sidecar", "linux-x64", "bot-bottle-sidecar")));
    }
}
