using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BotBottle.Errors;

namespace BotBottle.Backends.Docker.Engine;

/// <summary>How the Docker Engine API is reached.</summary>
public enum DockerEndpointKind
{
    /// <summary>A Unix domain socket (<c>unix:///var/run/docker.sock</c>).</summary>
    Unix,

    /// <summary>A Windows named pipe (<c>npipe:////./pipe/docker_engine</c>).</summary>
    NamedPipe,

    /// <summary>TCP, plain or TLS (<c>tcp://host:2376</c>).</summary>
    Tcp,

    /// <summary>SSH to a host that runs <c>docker system dial-stdio</c> (<c>ssh://user@host</c>).</summary>
    Ssh,
}

/// <summary>
/// A resolved Docker Engine endpoint. Resolution follows the Docker CLI
/// (https://docs.docker.com/engine/reference/commandline/cli/#environment-variables):
/// <c>DOCKER_HOST</c>, then the context named by <c>DOCKER_CONTEXT</c> or <c>currentContext</c> in
/// <c>$DOCKER_CONFIG/config.json</c>, then the platform default (the first existing of the usual Docker, Docker
/// Desktop, rootless and Podman sockets on Unix; <c>npipe:////./pipe/docker_engine</c> on Windows).
/// TLS for <c>tcp://</c> is on when <c>DOCKER_TLS_VERIFY</c> (verify) or <c>DOCKER_TLS</c> (no verify) is set; client
/// certificate, key and CA come from <c>DOCKER_CERT_PATH</c> (default <c>~/.docker</c>): <c>cert.pem</c>,
/// <c>key.pem</c>, <c>ca.pem</c>.
/// </summary>
public sealed record DockerEndpoint
{
    /// <summary>The transport.</summary>
    public required DockerEndpointKind Kind { get; init; }

    /// <summary>The endpoint as a URI string, e.g. <c>unix:///var/run/docker.sock</c>.</summary>
    public required string Address { get; init; }

    /// <summary>Where the endpoint came from: <c>DOCKER_HOST</c>, <c>context 'name'</c>, or <c>default</c>.</summary>
    public required string Source { get; init; }

    /// <summary>Socket path (Unix) or pipe name (named pipe).</summary>
    public string? Path { get; init; }

    /// <summary>Host name for TCP and SSH.</summary>
    public string? Host { get; init; }

    /// <summary>Port for TCP and SSH (0: the transport default).</summary>
    public int Port { get; init; }

    /// <summary>SSH user, when given in the URI.</summary>
    public string? User { get; init; }

    /// <summary>TCP only: use TLS.</summary>
    public bool UseTls { get; init; }

    /// <summary>TCP only: verify the server certificate against <c>ca.pem</c> (or the system store when absent).</summary>
    public bool VerifyTls { get; init; }

    /// <summary>TCP only: folder holding <c>ca.pem</c>, <c>cert.pem</c>, <c>key.pem</c>.</summary>
    public string? CertPath { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Address} ({Source})";

    /// <summary>Resolves the endpoint from the process environment, as the Docker CLI does.</summary>
    /// <exception cref="BotBottleException"><c>DOCKER_HOST</c> or the context is malformed (<c>DockerHostInvalid</c>).</exception>
    public static DockerEndpoint Resolve() => Resolve(Environment.GetEnvironmentVariable, File.Exists);

    /// <summary>Resolves the endpoint from the given environment lookup (for tests).</summary>
    /// <param name="getEnv">Environment variable lookup.</param>
    /// <param name="fileExists">File existence check, used to pick the default socket.</param>
    /// <exception cref="BotBottleException"><c>DOCKER_HOST</c> or the context is malformed (<c>DockerHostInvalid</c>).</exception>
    public static DockerEndpoint Resolve(Func<string, string?> getEnv, Func<string, bool> fileExists)
    {
        ArgumentNullException.ThrowIfNull(getEnv);
        ArgumentNullException.ThrowIfNull(fileExists);
        var home = getEnv("HOME") ?? getEnv("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var tlsVerify = !string.IsNullOrEmpty(getEnv("DOCKER_TLS_VERIFY"));
        var tls = tlsVerify || !string.IsNullOrEmpty(getEnv("DOCKER_TLS"));
        var certPath = getEnv("DOCKER_CERT_PATH") is { Length: > 0 } cp ? cp : System.IO.Path.Combine(home, ".docker");

        if (getEnv("DOCKER_HOST") is { Length: > 0 } dockerHost)
        {
            return Parse(dockerHost, "DOCKER_HOST", tls, tlsVerify, certPath);
        }

        var configDir = getEnv("DOCKER_CONFIG") is { Length: > 0 } dc ? dc : System.IO.Path.Combine(home, ".docker");
        var contextName = getEnv("DOCKER_CONTEXT");
        if (string.IsNullOrEmpty(contextName))
        {
            contextName = ReadCurrentContext(System.IO.Path.Combine(configDir, "config.json"), fileExists);
        }

        if (!string.IsNullOrEmpty(contextName) && contextName != "default")
        {
            return FromContext(configDir, contextName, fileExists);
        }

        if (OperatingSystem.IsWindows())
        {
            return Parse("npipe:////./pipe/docker_engine", "default", false, false, null);
        }

        var runtimeDir = getEnv("XDG_RUNTIME_DIR");
        string[] candidates =
        [
            "/var/run/docker.sock",
            System.IO.Path.Combine(home, ".docker", "run", "docker.sock"),
            .. runtimeDir is { Length: > 0 } ? new[] { System.IO.Path.Combine(runtimeDir, "docker.sock"), System.IO.Path.Combine(runtimeDir, "podman", "podman.sock") } : [],
            "/run/podman/podman.sock",
        ];
        var socket = candidates.FirstOrDefault(fileExists) ?? candidates[0];
        return Parse("unix://" + socket, "default", false, false, null);
    }

    /// <summary>Parses a <c>DOCKER_HOST</c>-style URI.</summary>
    /// <param name="uri"><c>unix://</c>, <c>npipe://</c>, <c>tcp://</c> or <c>ssh://</c> URI.</param>
    /// <param name="source">Where it came from (for messages).</param>
    /// <param name="useTls">TCP: use TLS.</param>
    /// <param name="verifyTls">TCP: verify the server certificate.</param>
    /// <param name="certPath">TCP: certificate folder.</param>
    /// <exception cref="BotBottleException">The URI is malformed or uses an unknown scheme (<c>DockerHostInvalid</c>).</exception>
    public static DockerEndpoint Parse(string uri, string source, bool useTls, bool verifyTls, string? certPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw Invalid(uri, source, "it has no scheme");
        }

        var scheme = uri[..schemeEnd].ToLowerInvariant();
        var rest = uri[(schemeEnd + 3)..];
        switch (scheme)
        {
            case "unix":
                if (rest.Length == 0 || rest[0] != '/')
                {
                    throw Invalid(uri, source, "a unix socket path must be absolute (unix:///path/to/docker.sock)");
                }

                return new DockerEndpoint { Kind = DockerEndpointKind.Unix, Address = uri, Source = source, Path = rest };
            case "npipe":
                // npipe:////./pipe/docker_engine  →  pipe name "docker_engine" on server "."
                var p = rest.Replace('\\', '/').TrimStart('/');
                var parts = p.Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 3 || !parts[1].Equals("pipe", StringComparison.OrdinalIgnoreCase))
                {
                    throw Invalid(uri, source, "a named pipe must look like npipe:////./pipe/docker_engine");
                }

                return new DockerEndpoint
                {
                    Kind = DockerEndpointKind.NamedPipe, Address = uri, Source = source,
                    Host = parts[0], Path = string.Join('/', parts.Skip(2)),
                };
            case "tcp":
            case "http":
            case "https":
                if (!Uri.TryCreate("tcp://" + rest, UriKind.Absolute, out var tcp) || string.IsNullOrEmpty(tcp.Host))
                {
                    throw Invalid(uri, source, "expected tcp://host:port");
                }

                var tlsOn = useTls || scheme == "https";
                return new DockerEndpoint
                {
                    Kind = DockerEndpointKind.Tcp, Address = uri, Source = source, Host = tcp.Host,
                    Port = tcp.IsDefaultPort || tcp.Port <= 0 ? (tlsOn ? 2376 : 2375) : tcp.Port,
                    UseTls = tlsOn, VerifyTls = tlsOn && verifyTls, CertPath = certPath,
                };
            case "ssh":
                if (!Uri.TryCreate(uri, UriKind.Absolute, out var ssh) || string.IsNullOrEmpty(ssh.Host))
                {
                    throw Invalid(uri, source, "expected ssh://[user@]host[:port]");
                }

                return new DockerEndpoint
                {
                    Kind = DockerEndpointKind.Ssh, Address = uri, Source = source, Host = ssh.Host,
                    Port = ssh.IsDefaultPort || ssh.Port <= 0 ? 0 : ssh.Port,
                    User = string.IsNullOrEmpty(ssh.UserInfo) ? null : Uri.UnescapeDataString(ssh.UserInfo),
                };
            default:
                throw Invalid(uri, source, $"the scheme '{scheme}' is not one of unix, npipe, tcp, ssh");
        }
    }

    private const string ContextHostKey = "Host";

    private static string? ReadCurrentContext(string configJson, Func<string, bool> fileExists)
    {
        if (!fileExists(configJson))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(configJson));
            return doc.RootElement.TryGetProperty("currentContext", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static DockerEndpoint FromContext(string configDir, string name, Func<string, bool> fileExists)
    {
        // The Docker CLI stores a context under contexts/meta/<sha256 of its name>/meta.json.
        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name))).ToLowerInvariant();
        var meta = System.IO.Path.Combine(configDir, "contexts", "meta", id, "meta.json");
        if (!fileExists(meta))
        {
            throw new BotBottleException("DockerHostInvalid", BotBottleErrorCategory.InvalidArgument,
                $"The Docker context '{name}' is selected but {meta} does not exist. Run 'docker context use default' or set DOCKER_HOST.");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(meta));
            var ep = doc.RootElement.GetProperty("Endpoints").GetProperty("docker");
            var host = ep.GetProperty(ContextHostKey).GetString() ?? throw new KeyNotFoundException("Endpoints.docker.Host is null");
            var skipVerify = ep.TryGetProperty("SkipTLSVerify", out var s) && s.ValueKind == JsonValueKind.True;
            var tlsDir = System.IO.Path.Combine(configDir, "contexts", "tls", id, "docker");
            var hasTls = fileExists(System.IO.Path.Combine(tlsDir, "ca.pem")) || fileExists(System.IO.Path.Combine(tlsDir, "cert.pem"));
            return Parse(host, $"context '{name}'", hasTls, hasTls && !skipVerify, hasTls ? tlsDir : null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            throw new BotBottleException("DockerHostInvalid", BotBottleErrorCategory.InvalidData,
                $"The Docker context '{name}' ({meta}) could not be read: {ex.Message}", ex);
        }
    }

    private static BotBottleException Invalid(string uri, string source, string why) =>
        new("DockerHostInvalid", BotBottleErrorCategory.InvalidArgument, $"The Docker endpoint '{uri}' from {source} is not valid: {why}.");
}
