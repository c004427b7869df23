using Docker.DotNet.Models;
using Version = System.Version;

namespace BotBottle.Backends.Docker.Engine;

/// <summary>
/// The slice of the Docker Engine API (https://docs.docker.com/reference/api/engine/) that BotBottle uses, in the
/// request and response models of Docker.DotNet.Enhanced (namespace <c>Docker.DotNet.Models</c>): system, containers,
/// exec, archive, networks, images/build and volumes. Every call is cancellable; errors surface as
/// <see cref="DockerEngineException"/> (the engine said no) or <see cref="DockerEngineUnavailableException"/>
/// (nothing answered). The one implementation is <see cref="DockerEngineClient"/>.
/// </summary>
internal interface IDockerEngine : IDisposable
{
    /// <summary>The endpoint this client talks to.</summary>
    DockerEndpoint Endpoint { get; }

    /// <summary>Asks the engine for its API version and picks the one to use (cached after the first success).</summary>
    /// <exception cref="DockerEngineUnavailableException">Nothing answers, or the engine is older than <see cref="DockerEngineClient.MinApiVersion"/>.</exception>
    Task<NegotiatedVersion> NegotiateAsync(CancellationToken cancellationToken);

    /// <summary><c>GET /version</c>.</summary>
    Task<VersionResponse> GetVersionAsync(CancellationToken cancellationToken);

    /// <summary><c>GET /info</c>.</summary>
    Task<SystemInfoResponse> GetInfoAsync(CancellationToken cancellationToken);

    // Containers

    /// <summary>Creates a container named <paramref name="name"/>; returns its id.</summary>
    Task<string> CreateContainerAsync(string name, CreateContainerParameters request, CancellationToken cancellationToken);

    /// <summary>Starts a container. Already running is success.</summary>
    Task StartContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>Stops a container (SIGTERM, then SIGKILL after <paramref name="timeoutSeconds"/>). Already stopped is success.</summary>
    Task StopContainerAsync(string id, int timeoutSeconds, CancellationToken cancellationToken);

    /// <summary>Removes a container. Missing is success when <paramref name="ignoreMissing"/>; a removal already in progress is waited for.</summary>
    Task RemoveContainerAsync(string id, bool force, bool removeVolumes, bool ignoreMissing, CancellationToken cancellationToken);

    /// <summary>Inspects a container, or returns <see langword="null"/> when it does not exist.</summary>
    Task<ContainerInspectResponse?> InspectContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>Lists containers (all states) that carry every given label (<c>key</c> or <c>key=value</c>).</summary>
    Task<IReadOnlyList<ContainerListResponse>> ListContainersAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken);

    /// <summary>Waits until the container is not running (Engine API condition <c>not-running</c>); returns its exit code.</summary>
    Task<long> WaitContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>Returns the last <paramref name="tail"/> lines of the container's stdout and stderr (demultiplexed, in arrival order).</summary>
    Task<string> GetContainerLogsAsync(string id, int tail, CancellationToken cancellationToken);

    // Exec

    /// <summary>
    /// Runs a command in a running container and waits for it: creates the exec instance, starts it attached,
    /// streams its output to <paramref name="output"/> (demultiplexed) and returns the exit code with the captured
    /// output. There is no stdin; copy data in with <see cref="PutArchiveAsync"/>.
    /// </summary>
    Task<ExecResult> ExecAsync(string containerId, ContainerExecCreateParameters request, Action<ExecOutputChunk>? output, CancellationToken cancellationToken);

    // Archive

    /// <summary>Extracts a tar stream into the container at <paramref name="path"/> (which must exist).</summary>
    Task PutArchiveAsync(string containerId, string path, Stream tar, CancellationToken cancellationToken);

    /// <summary>Returns a tar stream of <paramref name="path"/> in the container; the caller disposes it.</summary>
    Task<Stream> GetArchiveAsync(string containerId, string path, CancellationToken cancellationToken);

    /// <summary><c>GET /images/{name}/get</c>: the image as a <c>docker save</c> tar archive, streamed to <paramref name="destination"/>.</summary>
    Task SaveImageAsync(string name, Stream destination, CancellationToken cancellationToken);

    // Networks

    /// <summary>Creates a network; returns its id.</summary>
    Task<string> CreateNetworkAsync(NetworksCreateParameters request, CancellationToken cancellationToken);

    /// <summary>Inspects a network, or returns <see langword="null"/> when it does not exist.</summary>
    Task<NetworkResponse?> InspectNetworkAsync(string id, CancellationToken cancellationToken);

    /// <summary>Lists networks that carry every given label.</summary>
    Task<IReadOnlyList<NetworkResponse>> ListNetworksAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken);

    /// <summary>Removes a network. Missing is success when <paramref name="ignoreMissing"/>.</summary>
    Task RemoveNetworkAsync(string id, bool ignoreMissing, CancellationToken cancellationToken);

    /// <summary>Connects a container to a network with the given endpoint settings (address, aliases).</summary>
    Task ConnectNetworkAsync(string network, string container, EndpointSettings? settings, CancellationToken cancellationToken);

    // Images

    /// <summary>Inspects an image, or returns <see langword="null"/> when it does not exist.</summary>
    Task<ImageInspectResponse?> InspectImageAsync(string name, CancellationToken cancellationToken);

    /// <summary>Lists images that carry every given label.</summary>
    Task<IReadOnlyList<ImagesListResponse>> ListImagesAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken);

    /// <summary>Builds an image from a tar build context, streaming progress; returns the image id.</summary>
    /// <exception cref="DockerBuildException">The build failed; the message carries the engine's error and the last output lines.</exception>
    Task<string> BuildImageAsync(ImageBuildRequest request, Stream context, IProgress<ImageProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Pulls <paramref name="image"/> (<c>name[:tag]</c>), streaming progress.</summary>
    /// <exception cref="DockerBuildException">The pull reported an error.</exception>
    Task PullImageAsync(string image, IProgress<ImageProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Removes an image. Missing is success when <paramref name="ignoreMissing"/>.</summary>
    Task RemoveImageAsync(string name, bool force, bool ignoreMissing, CancellationToken cancellationToken);

    // Volumes

    /// <summary>Creates a volume.</summary>
    Task<VolumeResponse> CreateVolumeAsync(VolumesCreateParameters request, CancellationToken cancellationToken);

    /// <summary>Inspects a volume, or returns <see langword="null"/> when it does not exist.</summary>
    Task<VolumeResponse?> InspectVolumeAsync(string name, CancellationToken cancellationToken);

    /// <summary>Lists volumes that carry every given label.</summary>
    Task<IReadOnlyList<VolumeResponse>> ListVolumesAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken);

    /// <summary>Removes a volume. Missing is success when <paramref name="ignoreMissing"/>.</summary>
    Task RemoveVolumeAsync(string name, bool force, bool ignoreMissing, CancellationToken cancellationToken);
}

/// <summary>The API version in use: the lower of the engine's and <see cref="DockerEngineClient.MaxApiVersion"/>.</summary>
/// <param name="ApiVersion">Negotiated version, e.g. <c>1.41</c>.</param>
/// <param name="EngineApiVersion">The newest version the engine speaks.</param>
/// <param name="Os">The engine's container OS from the same <c>GET /version</c> answer (<c>linux</c>, <c>windows</c>), or null when it named none.</param>
/// <param name="Arch">The engine's architecture from that answer, in Go's names (<c>amd64</c>, <c>arm64</c>), or null.</param>
/// <param name="EngineVersion">The engine's release (e.g. <c>20.10.24</c>), or null.</param>
/// <remarks>
/// <c>GET /version</c> is asked once per client anyway; its OS and architecture spare the start path a
/// <c>GET /info</c>, whose much larger answer (plugins, registries, swarm, runtimes) costs a round trip and its
/// deserialisation on every start (docs/docker-backend.md, start-up).
/// </remarks>
internal sealed record NegotiatedVersion(Version ApiVersion, Version EngineApiVersion, string? Os = null, string? Arch = null, string? EngineVersion = null);

/// <summary>Parameters of <c>POST /build</c> (mapped onto <see cref="ImageBuildParameters"/>).</summary>
internal sealed record ImageBuildRequest
{
    /// <summary>Tags, <c>name:tag</c>.</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>Path of the Dockerfile inside the context.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>Build arguments. Visible in the image history: never secrets.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>Labels set on the image.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Attempt to pull a newer base image.</summary>
    public bool Pull { get; init; }

    /// <summary>Do not use the build cache.</summary>
    public bool NoCache { get; init; }

    /// <summary>Network mode for RUN steps (<c>default</c>, <c>host</c>, <c>none</c>).</summary>
    public string? NetworkMode { get; init; }
}

/// <summary>A progress line from a build or pull.</summary>
/// <param name="Message">Text (build output, or pull status with its progress bar).</param>
/// <param name="LayerId">The layer a pull status refers to, if any.</param>
internal readonly record struct ImageProgress(string Message, string? LayerId);

/// <summary>Which stream an exec chunk belongs to.</summary>
internal enum ExecStream
{
    /// <summary>Standard output (or the TTY).</summary>
    StdOut = 1,

    /// <summary>Standard error.</summary>
    StdErr = 2,
}

/// <summary>A piece of an exec's output as it arrives; <paramref name="Data"/> is only valid during the callback.</summary>
internal readonly record struct ExecOutputChunk(ExecStream Stream, ReadOnlyMemory<byte> Data);

/// <summary>Result of <see cref="IDockerEngine.ExecAsync"/>.</summary>
internal sealed record ExecResult(int ExitCode, string StdOut, string StdErr);
