using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BotBottle.Sidecar;

/// <summary>
/// Which flavour of the sidecar binary runs, and how wide the vectors its DLP scans use are. NativeAOT fixes the
/// instruction set at compile time: in a binary built for the default x86-64 baseline, <c>Avx2.IsSupported</c> and
/// <c>Vector256.IsHardwareAccelerated</c> are constant <see langword="false"/> whatever the CPU
/// (dotnet/runtime#68110; dotnet/runtime src/coreclr/nativeaot/docs/optimizing.md, "IlcInstructionSet"), so
/// build/SidecarPublish.targets also publishes an <c>x86-64-v3</c> flavour and the sidecar image's Dockerfile keeps it
/// when it starts on the engine's CPU (docs/docker-backend.md). Printed by <c>--version</c> (second line) and as the egress
/// proxy's <c>build</c> event at start-up.
/// </summary>
internal static class SidecarBuildInfo
{
    /// <summary>The runtimeconfig switch the publish sets to the <c>IlcInstructionSet</c> it compiled for (BotBottle.Sidecar.csproj).</summary>
    internal const string InstructionSetSwitch = "BotBottle.Sidecar.InstructionSet";

    /// <summary>
    /// <c>x86-64-v3</c> (or whatever <c>IlcInstructionSet</c> the binary was compiled for); <c>baseline</c> for a
    /// NativeAOT binary built without one; <c>runtime (JIT)</c> when a JIT picks the instruction set as it runs (the
    /// ReadyToRun fallback, <c>dotnet run</c>).
    /// </summary>
    internal static string InstructionSet =>
        AppContext.GetData(InstructionSetSwitch) is string { Length: > 0 } set ? set
        : RuntimeFeature.IsDynamicCodeCompiled ? "runtime (JIT)"
        : "baseline";

    /// <summary>One line: the instruction set and which vector widths are hardware-accelerated in this process.</summary>
    internal static string Describe() =>
        $"instruction set {InstructionSet}; Vector128.IsHardwareAccelerated={Vector128.IsHardwareAccelerated}, " +
        $"Vector256.IsHardwareAccelerated={Vector256.IsHardwareAccelerated}, Vector512.IsHardwareAccelerated={Vector512.IsHardwareAccelerated}, " +
        $"Avx2.IsSupported={Avx2.IsSupported}";

    /// <summary>Makes <paramref name="root"/>'s <c>--version</c> print <see cref="Describe"/> on a second line (the first stays the version).</summary>
    internal static void AddToVersionOption(RootCommand root)
    {
        var option = root.Options.OfType<VersionOption>().Single();
        if (option.Action is SynchronousCommandLineAction original)
        {
            option.Action = new VersionWithBuildInfo(original);
        }
    }

    private sealed class VersionWithBuildInfo(SynchronousCommandLineAction original) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => original.ClearsParseErrors;

        public override int Invoke(ParseResult parseResult)
        {
            var exit = original.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(Describe());
            return exit;
        }
    }
}
