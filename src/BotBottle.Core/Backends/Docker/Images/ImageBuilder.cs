using System.Security.Cryptography;
using System.Text;
using BotBottle.Assets;
using BotBottle.Backends.Docker.Engine;
using BotBottle.Configuration;
using BotBottle.Errors;
using BotBottle.Operations;

namespace BotBottle.Backends.Docker.Images;

/// <summary>What image to make available.</summary>
internal sealed record ImageSpec
{
    /// <summary>Recipe name: <c>sidecar</c>, <c>shell</c>, <c>claude</c>, <c>codex</c>, or a custom name.</summary>
    public required string Recipe { get; init; }

    /// <summary>Build context folder (for shipped recipes, the recipe folder; for a custom Dockerfile, its folder).</summary>
    public required string ContextDirectory { get; init; }

    /// <summary>Dockerfile path relative to the context.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>The base image passed as <c>BASE_IMAGE</c>.</summary>
    public string BaseImage { get; init; } = DockerDefaults.BaseImage;

    /// <summary>Extra files placed in the context (path → bytes), e.g. the sidecar binary.</summary>
    public IReadOnlyDictionary<string, byte[]> ExtraFiles { get; init; } = new Dictionary<string, byte[]>();

    /// <summary>Further build arguments (never secrets: they are visible in the image history).</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();
}

/// <summary>An image ready to run.</summary>
/// <param name="Tag">Its content tag, <c>bot-bottle/&lt;recipe&gt;:&lt;hash&gt;</c>.</param>
/// <param name="Id">Engine image id.</param>
/// <param name="Built"><see langword="true"/> when this call built it, <see langword="false"/> when it was reused.</param>
internal sealed record BuiltImage(string Tag, string Id, bool Built);

/// <summary>
/// Builds BotBottle's images from their recipes, content-addressed: the tag is a SHA-256 over every context file,
/// the build arguments, the base image id and the extra CAs, so an image is rebuilt only when an input changed and
/// reused otherwise (also across bottles). Build output streams as progress.
/// </summary>
internal sealed class ImageBuilder(IDockerEngine engine, ExtraCertificates extraCas, BotBottleHome? home = null)
{
    /// <summary>Label carrying the content hash.</summary>
    public const string HashLabel = "dev.botbottle.image-hash";

    /// <summary>Label carrying the recipe name.</summary>
    public const string RecipeLabel = "dev.botbottle.recipe";

    /// <summary>
    /// Makes the shipped <paramref name="recipe"/> available, adding the sidecar binary for the engine's architecture
    /// when the recipe is <c>sidecar</c> (for linux-x64 also its x86-64-v3 flavour, when shipped: the recipe keeps the
    /// flavour the engine's CPU starts, see images/sidecar/select-sidecar.sh).
    /// </summary>
    public async Task<BuiltImage> EnsureRecipeAsync(string recipe, AssetLocator assets, string baseImage, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assets);
        var extra = new Dictionary<string, byte[]>();
        if (recipe == "sidecar")
        {
            var rid = await LinuxRuntimeIdentifierAsync(cancellationToken).ConfigureAwait(false);
            extra["bot-bottle-sidecar"] = await File.ReadAllBytesAsync(assets.SidecarBinary(rid), cancellationToken).ConfigureAwait(false);
            // Both flavours go in the context (and so into the content hash); the Dockerfile keeps the one the engine's CPU runs.
            if (assets.SidecarX8664V3Binary(rid) is { } v3)
            {
                extra[AssetLocator.SidecarX8664V3FileName] = await File.ReadAllBytesAsync(v3, cancellationToken).ConfigureAwait(false);
            }
        }

        return await EnsureAsync(new ImageSpec { Recipe = recipe, ContextDirectory = assets.RecipeDirectory(recipe), BaseImage = baseImage, ExtraFiles = extra }, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds <paramref name="spec"/> unless an image with the same content hash exists.</summary>
    /// <exception cref="DockerBuildException">The build failed.</exception>
    /// <exception cref="BotBottleException">The base image is missing and cannot be pulled (<c>BaseImageMissing</c>).</exception>
    public async Task<BuiltImage> EnsureAsync(ImageSpec spec, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var baseId = await EnsureBaseImageAsync(spec.BaseImage, progress, cancellationToken).ConfigureAwait(false);
        var context = BuildContext(spec);
        var hash = ContentHash(context, spec, baseId);
        var tag = $"bot-bottle/{spec.Recipe}:{hash[..16]}";
        var activity = $"Image {tag}";
        if (await engine.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            progress?.Report(new OperationProgress(activity, "up to date", 100, Completed: true));
            return new BuiltImage(tag, existing.ID, Built: false);
        }

        progress?.Report(new OperationProgress(activity, $"building from {spec.ContextDirectory}", 0));
        var args = new Dictionary<string, string>(spec.BuildArgs) { ["BASE_IMAGE"] = spec.BaseImage };
        using var tar = context.ToStream();
        string id;
        try
        {
            id = await BuildAsync(tag, spec, args, hash, tar, progress, activity, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerBuildException ex) when (ex.Advice is null && home is not null && CaTrust.BuildAdvice(ex.EngineMessage + "\n" + ex.OutputTail, home, extraCas) is { } advice)
        {
            throw new DockerBuildException(tag, ex.EngineMessage, ex.OutputTail, advice);
        }

        progress?.Report(new OperationProgress(activity, "built", 100, Completed: true));
        return new BuiltImage(tag, id, Built: true);
    }

    private Task<string> BuildAsync(string tag, ImageSpec spec, Dictionary<string, string> args, string hash, Stream tar, IProgress<OperationProgress>? progress, string activity, CancellationToken cancellationToken) =>
        engine.BuildImageAsync(new ImageBuildRequest
        {
            Tags = [tag],
            Dockerfile = spec.Dockerfile,
            BuildArgs = args,
            Labels = new Dictionary<string, string>
            {
                [DockerDefaults.ManagedLabel] = typeof(ImageBuilder).Assembly.GetName().Version?.ToString(3) ?? "0",
                [DockerDefaults.RoleLabel] = "image",
                [RecipeLabel] = spec.Recipe,
                [HashLabel] = hash,
            },
        }, tar, progress is null ? null : new LineProgress(progress, activity), cancellationToken);

    /// <summary>The Linux runtime identifier matching the engine's architecture.</summary>
    public async Task<string> LinuxRuntimeIdentifierAsync(CancellationToken cancellationToken)
    {
        // GET /version's architecture (Go's names), asked once per client; GET /info's (uname's) only when it named none.
        var arch = (await engine.NegotiateAsync(cancellationToken).ConfigureAwait(false)).Arch
            ?? (await engine.GetInfoAsync(cancellationToken).ConfigureAwait(false)).Architecture;
        return arch switch
        {
            "x86_64" or "amd64" => "linux-x64",
            "aarch64" or "arm64" => "linux-arm64",
            var other => throw new BotBottleException("EngineArchitectureUnsupported", BotBottleErrorCategory.NotImplemented,
                $"The Docker engine runs on '{other}'; BotBottle's sidecar is built for x86_64 and arm64 only."),
        };
    }

    private async Task<string> EnsureBaseImageAsync(string baseImage, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        if (await engine.InspectImageAsync(baseImage, cancellationToken).ConfigureAwait(false) is { } present)
        {
            return present.ID;
        }

        progress?.Report(new OperationProgress($"Image {baseImage}", "pulling"));
        try
        {
            await engine.PullImageAsync(baseImage, progress is null ? null : new LineProgress(progress, $"Image {baseImage}"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DockerEngineException or DockerBuildException)
        {
            throw new BotBottleException("BaseImageMissing", BotBottleErrorCategory.ResourceUnavailable,
                $"The base image '{baseImage}' is not on the engine and could not be pulled ({ex.Message}). Without a registry, run scripts/build-base-image.sh {baseImage} to build it from Debian's packages.", ex)
            { TargetObject = baseImage };
        }

        return (await engine.InspectImageAsync(baseImage, cancellationToken).ConfigureAwait(false))?.ID
            ?? throw new BotBottleException("BaseImageMissing", BotBottleErrorCategory.ResourceUnavailable, $"The base image '{baseImage}' is still missing after pulling it.");
    }

    private TarBuilder BuildContext(ImageSpec spec)
    {
        var tar = new TarBuilder();
        tar.AddDirectoryFrom(spec.ContextDirectory, string.Empty);
        tar.AddDirectory("extra-ca");
        foreach (var (name, pem) in extraCas.AsFiles())
        {
            tar.AddFile($"extra-ca/{name}", pem);
        }

        foreach (var (path, bytes) in spec.ExtraFiles)
        {
            tar.AddFile(path, bytes, (UnixFileMode)0b111_101_101);
        }

        return tar;
    }

    private static string ContentHash(TarBuilder context, ImageSpec spec, string baseId)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var stream = context.ToStream())
        {
            sha.AppendData(stream.GetBuffer(), 0, checked((int)stream.Length));
        }

        sha.AppendData(Encoding.UTF8.GetBytes($"\0base={baseId}\0dockerfile={spec.Dockerfile}\0"));
        foreach (var (k, v) in spec.BuildArgs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{k}={v}\0"));
        }

        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Adapts engine build/pull lines to <see cref="OperationProgress"/> (synchronously, so order is kept).</summary>
    private sealed class LineProgress(IProgress<OperationProgress> inner, string activity) : IProgress<ImageProgress>
    {
        public void Report(ImageProgress value) => inner.Report(new OperationProgress(activity, value.Message));
    }
}
