namespace BotBottle.Backends.Docker.Engine;

/// <summary>
/// The narrow slice of the Docker Engine API (https://docs.docker.com/reference/api/engine/) that BotBottle uses:
/// system, containers, exec, archive, networks, images/build, volumes and events. Kept small so it can be backed
/// by a library later. Every call is cancellable; errors surface as <see cref="DockerEngineException"/> (the
/// engine said no) or <see cref="DockerEngineUnavailableException"/> (nothing answered).
/// </summary>
internal interface IDockerEngine : IDisposable
{
    /// <summary>The endpoint this client talks to.</summary>
    DockerEndpoint Endpoint { get; }

    /// <summary>Pings the engine and negotiates the API version (cached after the first success).</summary>
    Task<NegotiatedVersion> NegotiateAsync(CancellationToken cancellationToken);

    Task<EngineVersion> GetVersionAsync(CancellationToken cancellationToken);

    Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken);

    // Containers
    Task<string> CreateContainerAsync(string name, ContainerCreateRequest request, CancellationToken cancellationToken);

    Task StartContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>Stops a container (SIGTERM, then SIGKILL after <paramref name="timeoutSeconds"/>). Already stopped is success.</summary>
    Task StopContainerAsync(string id, int timeoutSeconds, CancellationToken cancellationToken);

    Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken);

    /// <summary>Removes a container. Missing is success when <paramref name="ignoreMissing"/>.</summary>
    Task RemoveContainerAsync(string id, bool force, bool removeVolumes, bool ignoreMissing, CancellationToken cancellationToken);

    /// <summary>Inspects a container, or returns <see langword="null"/> when it does not exist.</summary>
    Task<ContainerInspect?> InspectContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>Lists containers (all states) that carry every given label (<c>key</c> or <c>key=value</c>).</summary>
    Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken);

    /// <summary>Waits for the container to reach <paramref name="condition"/> (<c>not-running</c>, <c>next-exit</c>, <c>removed</c>); returns its exit code.</summary>
    Task<long> WaitContainerAsync(string id, string condition, CancellationToken cancellationToken);

    /// <summary>Returns the container's stdout and stderr logs (demultiplexed, interleaved in arrival order).</summary>
    Task<string> GetContainerLogsAsync(string id, int tail, CancellationToken cancellationToken);

    // Exec
    /// <summary>
    /// Runs a command in a running container and waits for it: creates the exec instance, starts it attached,
    /// streams its output to <paramref name="output"/> (demultiplexed) and returns the exit code with the captured
    /// output. There is no stdin; copy data in with <see cref="PutArchiveAsync"/>.
    /// </summary>
    Task<ExecResult> ExecAsync(string containerId, ExecCreateRequest request, Action<ExecOutputChunk>? output, CancellationToken cancellationToken);

    // Archive
    /// <summary>Extracts a tar stream into the container at <paramref name="path"/> (which must exist).</summary>
    Task PutArchiveAsync(string containerId, string path, Stream tar, CancellationToken cancellationToken);

    /// <summary>Returns a tar stream of <paramref name="path"/> in the container; the caller disposes it.</summary>
    Task<Stream> GetArchiveAsync(string containerId, string path, CancellationToken cancellationToken);

    /// <summary><c>GET /images/{name}/get</c>: the image as a <c>docker save</c> tar archive (https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Image/operation/ImageGet), streamed to <paramref name="destination"/>.</summary>
    Task SaveImageAsync(string name, Stream destination, CancellationToken cancellationToken);

    // Networks
    Task<string> CreateNetworkAsync(NetworkCreateRequest request, CancellationToken cancellationToken);

    Task<NetworkInspect?> InspectNetworkAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<NetworkInspect>> ListNetworksAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken);

    Task RemoveNetworkAsync(string id, bool ignoreMissing, CancellationToken cancellationToken);

    Task ConnectNetworkAsync(string network, string container, EndpointSettings? settings, CancellationToken cancellationToken);

    Task DisconnectNetworkAsync(string network, string container, bool force, CancellationToken cancellationToken);

    // Images
    Task<ImageInspect?> InspectImageAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ImageSummary>> ListImagesAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken);

    /// <summary>Builds an image from a tar build context, streaming progress; returns the image id.</summary>
    /// <exception cref="DockerBuildException">The build failed; the message carries the engine's error and the last output lines.</exception>
    Task<string> BuildImageAsync(ImageBuildRequest request, Stream context, IProgress<ImageProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Pulls <paramref name="image"/> (<c>name[:tag]</c>), streaming progress.</summary>
    Task PullImageAsync(string image, IProgress<ImageProgress>? progress, CancellationToken cancellationToken);

    Task TagImageAsync(string source, string repository, string tag, CancellationToken cancellationToken);

    Task RemoveImageAsync(string name, bool force, bool ignoreMissing, CancellationToken cancellationToken);

    // Volumes
    Task<VolumeInspect> CreateVolumeAsync(VolumeCreateRequest request, CancellationToken cancellationToken);

    Task<VolumeInspect?> InspectVolumeAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<VolumeInspect>> ListVolumesAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken);

    Task RemoveVolumeAsync(string name, bool force, bool ignoreMissing, CancellationToken cancellationToken);

    // Events
    /// <summary>Streams engine events matching <paramref name="filters"/> (Engine API filter map) until cancelled.</summary>
    IAsyncEnumerable<EngineEvent> MonitorEventsAsync(IReadOnlyDictionary<string, List<string>> filters, DateTimeOffset? since, CancellationToken cancellationToken);
}

/// <summary>The API version in use: the lower of the engine's and <see cref="DockerEngineClient.MaxApiVersion"/>.</summary>
/// <param name="ApiVersion">Negotiated version, e.g. <c>1.41</c>.</param>
/// <param name="EngineApiVersion">The newest version the engine speaks.</param>
internal sealed record NegotiatedVersion(Version ApiVersion, Version EngineApiVersion);

/// <summary>Parameters of POST /build.</summary>
internal sealed record ImageBuildRequest
{
    /// <summary>Tags, <c>name:tag</c>.</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>Path of the Dockerfile inside the context.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>Build arguments. Visible in the image history: never secrets.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Attempt to pull a newer base image.</summary>
    public bool Pull { get; init; }

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
    StdOut = 1,
    StdErr = 2,
}

internal readonly record struct ExecOutputChunk(ExecStream Stream, ReadOnlyMemory<byte> Data);

/// <summary>Result of <see cref="IDockerEngine.ExecAsync"/>.</summary>
internal sealed record ExecResult(int ExitCode, string StdOut, string StdErr);
