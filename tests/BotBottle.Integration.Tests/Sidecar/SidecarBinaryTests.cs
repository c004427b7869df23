using System.Runtime.InteropServices;
using BotBottle.Processes;

namespace BotBottle.Tests.Sidecar;

public class SidecarBinaryTests
{
    [SkippableFact]
    public async Task The_module_ships_a_runnable_linux_x64_sidecar_of_the_same_version()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64,
            "the linux-x64 sidecar can only be executed on a Linux x64 host (it is run inside containers elsewhere)");
        var path = Path.Combine(RepoPaths.ModuleDirectory, "sidecar", "linux-x64", "bot-bottle-sidecar");
        Assert.True(File.Exists(path), $"{path} was not built");
        var r = await ProcessRunner.Default.RunAsync(new ProcessSpec(path, "--version"));
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith(RepoPaths.Version, r.StandardOutput.Trim(), StringComparison.Ordinal);
    }
}
