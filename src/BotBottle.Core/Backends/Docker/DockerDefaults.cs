namespace BotBottle.Backends.Docker;

/// <summary>Names and labels shared by everything BotBottle creates on a Docker engine.</summary>
public static class DockerDefaults
{
    /// <summary>The base image every shipped recipe starts from unless the operator passes another (<c>BASE_IMAGE</c> build argument).</summary>
    public const string BaseImage = "debian:bookworm-slim";

    /// <summary>Label carried by every container, network, volume and image BotBottle creates; its value is the BotBottle version.</summary>
    public const string ManagedLabel = "dev.botbottle.managed";

    /// <summary>Label naming the instance (slug) an object belongs to.</summary>
    public const string SlugLabel = "dev.botbottle.slug";

    /// <summary>Label naming the object's role: <c>agent</c>, <c>sidecar</c>, <c>internal-network</c>, <c>egress-network</c>, <c>image</c>…</summary>
    public const string RoleLabel = "dev.botbottle.role";

    /// <summary>
    /// Label naming the BotBottle home an object belongs to: the first 12 hex digits of the SHA-256 of the home's
    /// full path. Several homes can share one engine (users, CI jobs, tests); cleanup only ever touches its own.
    /// </summary>
    public const string HomeLabel = "dev.botbottle.home";

    /// <summary>The <see cref="HomeLabel"/> value for <paramref name="homeRoot"/>.</summary>
    public static string HomeId(string homeRoot) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(homeRoot))))[..12].ToLowerInvariant();

    /// <summary>
    /// Label naming the backend that created the object (<c>docker</c>, or <c>smolmachines</c> for the sidecar it runs
    /// on the host engine). The docker backend never tears down an object another backend created.
    /// </summary>
    public const string BackendLabel = "dev.botbottle.backend";

    /// <summary>Prefix of every container and VM name: <c>bot-bottle-&lt;slug&gt;</c>.</summary>
    public const string NamePrefix = "bot-bottle-";
}
