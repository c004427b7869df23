using System.Text.Json;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;
using BotBottle.Processes;
using Xunit.Abstractions;

namespace BotBottle.Tests.Distribution;

/// <summary>
/// Every way a user gets BotBottle runs a bottle on this machine, from a folder outside the checkout and without
/// BOT_BOTTLE_ASSETS_DIR: a <c>dotnet publish</c> of the CLI, the <c>bot-bottle</c> .NET tool package installed into a
/// tool path, and the module package installed into a module path (then imported by name and driven through
/// demo.ps1). Each step has a generous limit and, when it is exceeded or fails, the test names the step and shows
/// its output.
/// </summary>
[Collection(DistributionCollection.Name)]
public sealed class DistributionTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _work = new("bb-dist");

    public void Dispose() => _work.Dispose();

    /// <summary>A folder outside the checkout, as a user's current directory.</summary>
    private string Outside()
    {
        var dir = _work.Combine("somewhere-else");
        Directory.CreateDirectory(dir);
        Assert.False(dir.StartsWith(RepoPaths.Root, StringComparison.Ordinal));
        return dir;
    }

    /// <summary>The environment for a user's process: a fresh home, and no way to point at the checkout's assets.</summary>
    private Dictionary<string, string?> UserEnvironment() => new()
    {
        ["BOT_BOTTLE_HOME"] = _work.Combine("user-home"),
        ["BOT_BOTTLE_ASSETS_DIR"] = null,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    private async Task<ProcessResult> StepAsync(string step, ProcessSpec spec, TimeSpan limit)
    {
        output.WriteLine($"== {step}: {spec.DisplayCommandLine}");
        ProcessResult r;
        try
        {
            r = await ProcessRunner.Default.RunAsync(spec with { Timeout = limit });
        }
        catch (ProcessTimeoutException)
        {
            Assert.Fail($"step '{step}' did not finish within {limit.TotalMinutes:0} min: {spec.DisplayCommandLine}");
            throw;
        }

        output.WriteLine(r.StandardOutput);
        output.WriteLine(r.StandardError);
        Assert.True(r.ExitCode == 0, $"step '{step}' exited {r.ExitCode}: {spec.DisplayCommandLine}\n{r.StandardOutput}\n{r.StandardError}");
        return r;
    }

    private static async Task AssertDemoOkAsync(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var failed = root.GetProperty("steps").EnumerateArray().Where(s => !s.GetProperty("ok").GetBoolean())
            .Select(s => $"{s.GetProperty("name").GetString()}: {s.GetProperty("observed").GetString()}").ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        Assert.True(root.GetProperty("ok").GetBoolean());
        var slug = root.GetProperty("bottle").GetString()!;
        using var engine = DockerEngineClient.FromEnvironment();
        Assert.Empty(await engine.ListContainersAsync([$"{DockerDefaults.SlugLabel}={slug}"], CancellationToken.None));
    }

    [Fact]
    public async Task A_published_cli_carries_its_assets_and_runs_the_demo()
    {
        var publish = _work.Combine("publish");
        await StepAsync("dotnet publish", new ProcessSpec("dotnet", "publish", Path.Combine(RepoPaths.Root, "src", "BotBottle.Cli"), "-c", RepoPaths.Configuration, "-o", publish, "-nologo")
        {
            WorkingDirectory = RepoPaths.Root,
        }, TimeSpan.FromMinutes(20));
        Assert.True(File.Exists(Path.Combine(publish, "sidecar", "linux-x64", "bot-bottle-sidecar")), "the publish output has no sidecar");
        Assert.True(File.Exists(Path.Combine(publish, "images", "shell", "Dockerfile")), "the publish output has no image recipes");

        var r = await StepAsync("bot-bottle demo (published)", new ProcessSpec(Path.Combine(publish, "bot-bottle"), "demo", "--format", "json")
        {
            WorkingDirectory = Outside(),
            Environment = UserEnvironment(),
        }, TimeSpan.FromMinutes(15));
        await AssertDemoOkAsync(r.StandardOutput);
    }

    /// <summary>
    /// README's standalone form: <c>dotnet publish -r linux-x64 --self-contained</c> carries its own runtime and one
    /// composite ReadyToRun image of the framework and BotBottle (BotBottle.Cli.csproj), and runs the demo with no .NET
    /// on its PATH and a DOTNET_ROOT that points nowhere.
    /// </summary>
    [SkippableFact]
    public async Task A_standalone_cli_carries_its_runtime_and_runs_the_demo_without_dotnet()
    {
        // The package feed here serves the runtime packs for linux-x64 only.
        Skip.IfNot(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64, "the standalone publish is tested on linux-x64");
        var publish = _work.Combine("standalone");
        await StepAsync("dotnet publish --self-contained", new ProcessSpec("dotnet", "publish", Path.Combine(RepoPaths.Root, "src", "BotBottle.Cli"), "-c", RepoPaths.Configuration, "-r", "linux-x64", "--self-contained", "-o", publish, "-nologo")
        {
            WorkingDirectory = RepoPaths.Root,
        }, TimeSpan.FromMinutes(30));
        Assert.True(File.Exists(Path.Combine(publish, "libcoreclr.so")), "the standalone folder has no runtime of its own");
        Assert.True(File.Exists(Path.Combine(publish, "bot-bottle.r2r.dll")), "the standalone folder has no composite ReadyToRun image");
        Assert.True(File.Exists(Path.Combine(publish, "sidecar", "linux-x64", "bot-bottle-sidecar")), "the standalone folder has no sidecar");

        // A PATH without dotnet (only a folder holding the tools the demo itself needs: none beyond the engine's API).
        var env = UserEnvironment();
        env["PATH"] = _work.Combine("empty-path");
        env["DOTNET_ROOT"] = _work.Combine("no-dotnet-here");
        Directory.CreateDirectory(env["PATH"]!);
        var version = await StepAsync("bot-bottle --version (standalone)", new ProcessSpec(Path.Combine(publish, "bot-bottle"), "--version")
        {
            WorkingDirectory = Outside(),
            Environment = env,
        }, TimeSpan.FromMinutes(2));
        Assert.StartsWith(RepoPaths.Version, version.StandardOutput.Trim(), StringComparison.Ordinal);

        var r = await StepAsync("bot-bottle demo (standalone)", new ProcessSpec(Path.Combine(publish, "bot-bottle"), "demo", "--format", "json")
        {
            WorkingDirectory = Outside(),
            Environment = env,
        }, TimeSpan.FromMinutes(15));
        await AssertDemoOkAsync(r.StandardOutput);
    }

    [Fact]
    public async Task The_tool_package_installs_into_a_tool_path_and_runs_the_demo()
    {
        var packages = _work.Combine("packages");
        await StepAsync("dotnet pack", new ProcessSpec("dotnet", "pack", Path.Combine(RepoPaths.Root, "src", "BotBottle.Cli"), "-c", RepoPaths.Configuration, "-o", packages, "-nologo")
        {
            WorkingDirectory = RepoPaths.Root,
        }, TimeSpan.FromMinutes(20));
        var nupkg = Directory.GetFiles(packages, "bot-bottle.*.nupkg").Single();
        output.WriteLine($"tool package: {Path.GetFileName(nupkg)}, {new FileInfo(nupkg).Length / 1024 / 1024.0:0.0} MiB");

        // Only the local folder as a source: the package installed is the one just packed.
        var config = _work.WriteFile("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """);
        var tools = _work.Combine("tools");
        await StepAsync("dotnet tool install", new ProcessSpec("dotnet", "tool", "install", "--tool-path", tools, "--configfile", config, "--version", RepoPaths.Version, "bot-bottle")
        {
            WorkingDirectory = Outside(),
        }, TimeSpan.FromMinutes(10));

        var r = await StepAsync("bot-bottle demo (tool)", new ProcessSpec(Path.Combine(tools, "bot-bottle"), "demo", "--format", "json")
        {
            WorkingDirectory = Outside(),
            Environment = UserEnvironment(),
        }, TimeSpan.FromMinutes(15));
        await AssertDemoOkAsync(r.StandardOutput);
    }

    [Fact]
    public async Task The_module_package_installs_into_a_module_path_imports_by_name_and_runs_the_demo()
    {
        var packages = _work.Combine("module-packages");
        var modules = _work.Combine("modules");
        Directory.CreateDirectory(packages);
        Directory.CreateDirectory(modules);
        var pwsh = new[] { "tool", "run", "pwsh", "--", "-NoLogo", "-NoProfile", "-NonInteractive", "-Command" };
        await StepAsync("Publish-PSResource / Save-PSResource", new ProcessSpec("dotnet", [.. pwsh, $$"""
            $ErrorActionPreference = 'Stop'
            Register-PSResourceRepository -Name bb-dist-test -Uri '{{packages}}' -Trusted
            try {
                Publish-PSResource -Path '{{RepoPaths.ModuleDirectory}}' -Repository bb-dist-test -SkipDependenciesCheck
                Save-PSResource -Name BotBottle -Version '{{RepoPaths.Version}}' -Repository bb-dist-test -Path '{{modules}}' -TrustRepository -SkipDependencyCheck
            } finally { Unregister-PSResourceRepository -Name bb-dist-test }
            Get-ChildItem '{{packages}}' -Filter *.nupkg | ForEach-Object { '{0} {1:0.0} MiB' -f $_.Name, ($_.Length / 1MB) }
            """])
        {
            WorkingDirectory = RepoPaths.Root,
        }, TimeSpan.FromMinutes(10));
        var manifest = Path.Combine(modules, "BotBottle", RepoPaths.Version, "BotBottle.psd1");
        Assert.True(File.Exists(manifest), $"the module was not installed at {manifest}");

        var home = UserEnvironment()["BOT_BOTTLE_HOME"]!;
        Directory.CreateDirectory(Path.Combine(home, "agents"));
        Directory.CreateDirectory(Path.Combine(home, "bottles"));
        File.WriteAllText(Path.Combine(home, "bottles", "plain.md"), "---\nagent_provider:\n  template: shell\n---\n");
        File.WriteAllText(Path.Combine(home, "agents", "installed.md"), "---\nbottle: plain\n---\nAn agent seen by the installed module.\n");
        var env = UserEnvironment();
        env["PSModulePath"] = modules + Path.PathSeparator + Environment.GetEnvironmentVariable("PSModulePath");
        var r = await StepAsync("Import-Module BotBottle; Get-BottleAgent; demo.ps1 (installed module)", new ProcessSpec("dotnet", [.. pwsh, $"""
            $ErrorActionPreference = 'Stop'
            Set-Location '{Outside()}'
            Import-Module BotBottle
            (Get-Module BotBottle).ModuleBase
            (Get-BottleAgent installed).Name
            & '{Path.Combine(RepoPaths.Root, "demo.ps1")}' -Format Json -ModulePath (Join-Path (Get-Module BotBottle).ModuleBase 'BotBottle.psd1')
            """])
        {
            // dotnet tool run finds the pinned pwsh from the repository's tool manifest; the script then leaves.
            WorkingDirectory = RepoPaths.Root,
            Environment = env,
        }, TimeSpan.FromMinutes(15));
        var lines = r.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
        Assert.StartsWith(Path.Combine(modules, "BotBottle"), lines[0], StringComparison.Ordinal);
        Assert.Equal("installed", lines[1]);
        await AssertDemoOkAsync(string.Join('\n', lines.Skip(2)));
    }
}

/// <summary>The distribution tests build and run whole bottles: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DistributionCollection
{
    public const string Name = "Distributions";
}
