using BotBottle.Errors;

namespace BotBottle.Assets;

/// <summary>
/// Finds the files BotBottle ships next to its binaries: the image recipes (<c>images/</c>) and the sidecar binary
/// per Linux runtime identifier (<c>sidecar/&lt;rid&gt;/bot-bottle-sidecar</c>). Looks, in order, at
/// <c>$BOT_BOTTLE_ASSETS_DIR</c>, the folder of this assembly and its parent (the module puts BotBottle.Core in
/// <c>Dependencies/</c>), and, for a source checkout, <c>out/BotBottle/&lt;version&gt;/</c> and the repository root
/// above the assembly.
/// </summary>
public sealed class AssetLocator
{
    /// <summary>Environment variable naming a folder that holds <c>images/</c> and <c>sidecar/</c>.</summary>
    public const string EnvironmentVariable = "BOT_BOTTLE_ASSETS_DIR";

    private readonly IReadOnlyList<string> _roots;

    /// <summary>Creates a locator over explicit candidate roots (first match wins).</summary>
    public AssetLocator(IEnumerable<string> roots) => _roots = [.. roots];

    /// <summary>The default locator (see the type's remarks for the search order).</summary>
    public static AssetLocator Default { get; } = new(DefaultRoots());

    /// <summary>Candidate roots searched, in order.</summary>
    public IReadOnlyList<string> Roots => _roots;

    /// <summary>The recipe folder for <paramref name="recipe"/> (<c>sidecar</c>, <c>shell</c>, <c>claude</c>, <c>codex</c>).</summary>
    /// <exception cref="BotBottleException">No root has it (<c>AssetNotFound</c>).</exception>
    public string RecipeDirectory(string recipe)
    {
        ArgumentException.ThrowIfNullOrEmpty(recipe);
        foreach (var root in _roots)
        {
            var dir = Path.Combine(root, "images", recipe);
            if (File.Exists(Path.Combine(dir, "Dockerfile")))
            {
                return dir;
            }
        }

        throw NotFound($"the image recipe 'images/{recipe}/Dockerfile'");
    }

    /// <summary>The sidecar binary for a Linux runtime identifier (<c>linux-x64</c>, <c>linux-arm64</c>).</summary>
    /// <exception cref="BotBottleException">No root has it (<c>AssetNotFound</c>); for arm64 the message explains the missing runtime packs.</exception>
    public string SidecarBinary(string runtimeIdentifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(runtimeIdentifier);
        foreach (var root in _roots)
        {
            var path = Path.Combine(root, "sidecar", runtimeIdentifier, "bot-bottle-sidecar");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw NotFound($"the sidecar binary 'sidecar/{runtimeIdentifier}/bot-bottle-sidecar' (build it with 'dotnet build BotBottle.sln -c Release'; {runtimeIdentifier} needs that runtime's packs on your package source)");
    }

    /// <summary>File name of the linux-x64 sidecar compiled for the x86-64-v3 instruction set, next to <c>bot-bottle-sidecar</c>.</summary>
    public const string SidecarX8664V3FileName = "bot-bottle-sidecar-x86-64-v3";

    /// <summary>
    /// The x86-64-v3 flavour of the sidecar (<see cref="SidecarX8664V3FileName"/>) next to
    /// <see cref="SidecarBinary(string)"/>'s binary, or <see langword="null"/> when that folder has none (other
    /// architectures, the ReadyToRun fallback, <c>-p:SidecarX8664V3=false</c>). NativeAOT fixes the instruction set at
    /// compile time (dotnet/runtime#68110), so this flavour is what uses AVX2 on hosts that have it; it refuses to start
    /// on CPUs without it, and the sidecar image's Dockerfile keeps it only where it starts (images/sidecar/select-sidecar.sh).
    /// </summary>
    /// <exception cref="BotBottleException">No root has the baseline binary (<c>AssetNotFound</c>).</exception>
    public string? SidecarX8664V3Binary(string runtimeIdentifier)
    {
        var path = Path.Combine(Path.GetDirectoryName(SidecarBinary(runtimeIdentifier))!, SidecarX8664V3FileName);
        return File.Exists(path) ? path : null;
    }

    private BotBottleException NotFound(string what) =>
        new("AssetNotFound", BotBottleErrorCategory.ResourceUnavailable,
            $"BotBottle could not find {what}. Looked in: {string.Join(", ", _roots)}. Set {EnvironmentVariable} to the folder holding images/ and sidecar/.");

    private static IEnumerable<string> DefaultRoots()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env)
        {
            yield return Path.GetFullPath(env);
        }

#pragma warning disable IL3000 // Empty in single-file apps; handled by the AppContext.BaseDirectory fallback below. In the module it is Dependencies/.
        var here = Path.GetDirectoryName(typeof(AssetLocator).Assembly.Location);
#pragma warning restore IL3000
        if (string.IsNullOrEmpty(here))
        {
            here = AppContext.BaseDirectory;
        }

        yield return here;
        if (Path.GetDirectoryName(here) is { } parent)
        {
            yield return parent;
        }

        // A source checkout: walk up to the repository, then prefer the assembled module (it has the sidecar).
        var dir = new DirectoryInfo(here);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BotBottle.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is not null)
        {
            var version = typeof(AssetLocator).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            yield return Path.Combine(dir.FullName, "out", "BotBottle", version);
            yield return dir.FullName;
        }
    }
}
