using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Version = System.Version;

namespace BotBottle.Backends.Docker.Engine;

/// <summary>
/// <see cref="IDockerEngine"/> over Docker.DotNet.Enhanced's <see cref="DockerClient"/>. What the library does not do
/// is here, each piece small: choosing the API version (the library sends whatever version it is told, so the first
/// call asks the engine's <c>GET /version</c> and clamps it to [<see cref="MinApiVersion"/>, <see cref="MaxApiVersion"/>]),
/// reaching the endpoint our <see cref="DockerEndpoint"/> resolved (<see cref="DockerConnection"/>, including
/// <c>ssh://</c>), idempotent removes and starts, and mapping the library's exceptions to ours
/// (<see cref="DockerEngineException"/>, <see cref="DockerEngineUnavailableException"/>).
/// </summary>
internal sealed class DockerEngineClient : IDockerEngine
{
    /// <summary>Oldest Engine API we accept: 1.41 (Docker 20.10, Debian 12's docker.io).</summary>
    public static readonly Version MinApiVersion = new(1, 41);

    /// <summary>Newest Engine API we ask for: 1.47 (Docker 27). Newer engines still serve it.</summary>
    public static readonly Version MaxApiVersion = new(1, 47);

    private readonly SemaphoreSlim _negotiateGate = new(1, 1);
    private NegotiatedVersion? _negotiated;
    private DockerClient? _client;

    /// <summary>Creates a client for <paramref name="endpoint"/>. No connection is made until the first call.</summary>
    public DockerEngineClient(DockerEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
    }

    /// <summary>Creates a client for the endpoint the environment selects (<see cref="DockerEndpoint.Resolve()"/>).</summary>
    public static DockerEngineClient FromEnvironment() => new(DockerEndpoint.Resolve());

    public DockerEndpoint Endpoint { get; }

    public void Dispose()
    {
        _client?.Dispose();
        _negotiateGate.Dispose();
    }

    // ---------------------------------------------------------------- system

    public async Task<NegotiatedVersion> NegotiateAsync(CancellationToken cancellationToken)
    {
        if (_negotiated is { } done)
        {
            return done;
        }

        await _negotiateGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_negotiated is { } again)
            {
                return again;
            }

            // Unversioned GET /version answers on every engine with the newest API version it speaks.
            using var probe = DockerConnection.Create(Endpoint, apiVersion: null);
            var version = await CallAsync("GET /version", () => probe.System.GetVersionAsync(cancellationToken)).ConfigureAwait(false);
            var engine = ParseApiVersion(version.APIVersion)
                ?? throw new DockerEngineUnavailableException(Endpoint, $"GET /version named no usable API version ('{version.APIVersion}')");
            var chosen = Clamp(engine) with { Os = version.Os, Arch = version.Arch, EngineVersion = version.Version };
            _client = DockerConnection.Create(Endpoint, chosen.ApiVersion);
            _negotiated = chosen;
            return chosen;
        }
        finally
        {
            _negotiateGate.Release();
        }
    }

    /// <summary>The version to use with an engine that speaks up to <paramref name="engine"/>.</summary>
    /// <exception cref="DockerEngineUnavailableException">The engine is older than <see cref="MinApiVersion"/>.</exception>
    internal NegotiatedVersion Clamp(Version engine) => engine < MinApiVersion
        ? throw new DockerEngineUnavailableException(Endpoint, $"the engine speaks API {engine}, older than the oldest BotBottle supports ({MinApiVersion}, Docker 20.10); upgrade the engine")
        : new NegotiatedVersion(engine < MaxApiVersion ? engine : MaxApiVersion, engine);

    /// <summary>Parses <c>major.minor</c> into a two-part <see cref="Version"/> (the library writes it into the path as <c>v{version}</c>).</summary>
    internal static Version? ParseApiVersion(string? text) =>
        Version.TryParse(text, out var v) ? new Version(v.Major, Math.Max(v.Minor, 0)) : null;

    public Task<VersionResponse> GetVersionAsync(CancellationToken cancellationToken) =>
        WithClientAsync("GET /version", c => c.System.GetVersionAsync(cancellationToken), cancellationToken);

    public Task<SystemInfoResponse> GetInfoAsync(CancellationToken cancellationToken) =>
        WithClientAsync("GET /info", c => c.System.GetSystemInfoAsync(cancellationToken), cancellationToken);

    // ---------------------------------------------------------------- containers

    public async Task<string> CreateContainerAsync(string name, CreateContainerParameters request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Name = name;
        var r = await WithClientAsync("POST /containers/create", c => c.Containers.CreateContainerAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        return r.ID;
    }

    public Task StartContainerAsync(string id, CancellationToken cancellationToken) =>
        WithClientAsync("POST /containers/{id}/start", c => c.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken), cancellationToken);

    public Task StopContainerAsync(string id, int timeoutSeconds, CancellationToken cancellationToken) =>
        WithClientAsync("POST /containers/{id}/stop",
            c => c.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Max(0, timeoutSeconds) }, cancellationToken), cancellationToken);

    public async Task RemoveContainerAsync(string id, bool force, bool removeVolumes, bool ignoreMissing, CancellationToken cancellationToken)
    {
        try
        {
            await WithClientAsync("DELETE /containers/{id}",
                c => c.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = force, RemoveVolumes = removeVolumes }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException) when (ignoreMissing)
        {
        }
        catch (DockerConflictException ex) when (ignoreMissing && ex.EngineMessage.Contains("already in progress", StringComparison.OrdinalIgnoreCase))
        {
            // "removal of container … is already in progress": someone else is removing it. The library's wait has no
            // 'removed' condition, so wait for it to stop and then until inspect says it is gone.
            await WaitGoneAsync(id, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitGoneAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await WaitContainerAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException)
        {
            return;
        }

        while (await InspectContainerAsync(id, cancellationToken).ConfigureAwait(false) is not null)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<ContainerInspectResponse?> InspectContainerAsync(string id, CancellationToken cancellationToken) =>
        OrNullAsync("GET /containers/{id}/json", c => c.Containers.InspectContainerAsync(id, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<ContainerListResponse>> ListContainersAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken) =>
        [.. await WithClientAsync("GET /containers/json",
            c => c.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = LabelFilters(labelFilters) }, cancellationToken), cancellationToken).ConfigureAwait(false)];

    public async Task<long> WaitContainerAsync(string id, CancellationToken cancellationToken) =>
        (await WithClientAsync("POST /containers/{id}/wait", c => c.Containers.WaitContainerAsync(id, cancellationToken), cancellationToken).ConfigureAwait(false)).StatusCode;

    public async Task<string> GetContainerLogsAsync(string id, int tail, CancellationToken cancellationToken)
    {
        var parameters = new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = tail.ToString(CultureInfo.InvariantCulture) };
        using var stream = await WithClientAsync("GET /containers/{id}/logs", c => c.Containers.GetContainerLogsAsync(id, parameters, cancellationToken), cancellationToken).ConfigureAwait(false);
        var sb = new StringBuilder();
        await CopyOutputAsync(stream, chunk => sb.Append(Encoding.UTF8.GetString(chunk.Data.Span)), cancellationToken).ConfigureAwait(false);
        return sb.ToString();
    }

    // ---------------------------------------------------------------- exec

    public async Task<ExecResult> ExecAsync(string containerId, ContainerExecCreateParameters request, Action<ExecOutputChunk>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // No stdin: data goes in through PutArchiveAsync.
        request.AttachStdin = false;
        request.AttachStdout = true;
        request.AttachStderr = true;
        var created = await WithClientAsync("POST /containers/{id}/exec", c => c.Exec.CreateContainerExecAsync(containerId, request, cancellationToken), cancellationToken).ConfigureAwait(false);
        var execId = created.ID;
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        using (var stream = await WithClientAsync("POST /exec/{id}/start",
            c => c.Exec.StartContainerExecAsync(execId, new ContainerExecStartParameters { Detach = false, TTY = request.TTY }, cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            await CopyOutputAsync(stream, chunk =>
            {
                (chunk.Stream == ExecStream.StdErr ? stderr : stdout).Write(chunk.Data.Span);
                output?.Invoke(chunk);
            }, cancellationToken).ConfigureAwait(false);
        }

        // The stream ends when the process exits; the exit code can lag by a moment.
        ContainerExecInspectResponse inspect;
        var attempts = 0;
        while (true)
        {
            inspect = await WithClientAsync("GET /exec/{id}/json", c => c.Exec.InspectContainerExecAsync(execId, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (!inspect.Running || ++attempts > 100)
            {
                break;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return new ExecResult((int)(inspect.ExitCode ?? -1), Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    /// <summary>Reads a (multiplexed or TTY) stream to its end, handing each piece to <paramref name="sink"/>.</summary>
    private static async Task CopyOutputAsync(MultiplexedStream stream, Action<ExecOutputChunk> sink, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (true)
        {
            var r = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (r.EOF)
            {
                return;
            }

            sink(new ExecOutputChunk(r.Target == MultiplexedStream.TargetStream.StandardError ? ExecStream.StdErr : ExecStream.StdOut, buffer.AsMemory(0, r.Count)));
        }
    }

    // ---------------------------------------------------------------- archive

    public async Task PutArchiveAsync(string containerId, string path, Stream tar, CancellationToken cancellationToken)
    {
        try
        {
            await WithClientAsync("PUT /containers/{id}/archive",
                c => c.Containers.ExtractArchiveToContainerAsync(containerId, new CopyToContainerParameters { Path = path }, tar, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or DockerEngineUnavailableException)
        {
            // The engine answers an error (404 for a missing folder) before it has read the tar and closes the
            // connection, so the upload can fail with a broken pipe and the answer is lost. Asking for the folder
            // (HEAD /containers/{id}/archive) gives the caller the engine's own answer; if the folder is there, the
            // original failure stands.
            // A HEAD answer has no body, so the message names the folder itself.
            try
            {
                var stat = await WithClientAsync("HEAD /containers/{id}/archive",
                    c => c.Containers.GetArchiveFromContainerAsync(containerId, new ContainerPathStatParameters { Path = path }, statOnly: true, cancellationToken), cancellationToken).ConfigureAwait(false);
                stat.Stream?.Dispose();
            }
            catch (DockerNotFoundException)
            {
                throw new DockerNotFoundException($"Could not find the file {path} in container {containerId}", "PUT /containers/{id}/archive");
            }

            throw;
        }
    }

    public async Task<Stream> GetArchiveAsync(string containerId, string path, CancellationToken cancellationToken)
    {
        var r = await WithClientAsync("GET /containers/{id}/archive",
            c => c.Containers.GetArchiveFromContainerAsync(containerId, new ContainerPathStatParameters { Path = path }, statOnly: false, cancellationToken), cancellationToken).ConfigureAwait(false);
        return r.Stream ?? Stream.Null;
    }

    public async Task SaveImageAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var body = await WithClientAsync("GET /images/{name}/get", c => c.Images.SaveImageAsync(name, cancellationToken), cancellationToken).ConfigureAwait(false);
        await body.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- networks

    public async Task<string> CreateNetworkAsync(NetworksCreateParameters request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Driver))
        {
            request.Driver = "bridge";
        }

        return (await WithClientAsync("POST /networks/create", c => c.Networks.CreateNetworkAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false)).ID;
    }

    public Task<NetworkResponse?> InspectNetworkAsync(string id, CancellationToken cancellationToken) =>
        OrNullAsync("GET /networks/{id}", c => c.Networks.InspectNetworkAsync(id, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<NetworkResponse>> ListNetworksAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken) =>
        [.. await WithClientAsync("GET /networks",
            c => c.Networks.ListNetworksAsync(new NetworksListParameters { Filters = LabelFilters(labelFilters) }, cancellationToken), cancellationToken).ConfigureAwait(false)];

    public async Task RemoveNetworkAsync(string id, bool ignoreMissing, CancellationToken cancellationToken)
    {
        try
        {
            await WithClientAsync("DELETE /networks/{id}", c => c.Networks.DeleteNetworkAsync(id, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException) when (ignoreMissing)
        {
        }
    }

    public Task ConnectNetworkAsync(string network, string container, EndpointSettings? settings, CancellationToken cancellationToken) =>
        WithClientAsync("POST /networks/{id}/connect",
            c => c.Networks.ConnectNetworkAsync(network, new NetworkConnectParameters { Container = container, EndpointConfig = settings }, cancellationToken), cancellationToken);

    // ---------------------------------------------------------------- images

    public Task<ImageInspectResponse?> InspectImageAsync(string name, CancellationToken cancellationToken) =>
        OrNullAsync("GET /images/{name}/json", c => c.Images.InspectImageAsync(name, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<ImagesListResponse>> ListImagesAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken) =>
        [.. await WithClientAsync("GET /images/json",
            c => c.Images.ListImagesAsync(new ImagesListParameters { Filters = LabelFilters(labelFilters) }, cancellationToken), cancellationToken).ConfigureAwait(false)];

    public async Task<string> BuildImageAsync(ImageBuildRequest request, Stream context, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = new ImageBuildParameters
        {
            Tags = [.. request.Tags],
            Dockerfile = request.Dockerfile,
            Remove = true,
            ForceRemove = true,
            Pull = request.Pull ? "true" : null,
            NoCache = request.NoCache,
            BuildArgs = request.BuildArgs.Count > 0 ? new Dictionary<string, string>(request.BuildArgs) : null,
            Labels = request.Labels.Count > 0 ? new Dictionary<string, string>(request.Labels) : null,
            NetworkMode = request.NetworkMode,
        };
        var image = request.Tags.Count > 0 ? request.Tags[0] : "(untagged)";
        var messages = new MessageSink(image, progress);
        await WithClientAsync("POST /build",
            c => c.Images.BuildImageFromDockerfileAsync(parameters, context, authConfigs: null, headers: null, messages, cancellationToken), cancellationToken).ConfigureAwait(false);
        messages.ThrowIfFailed();
        var id = messages.ImageId;
        if (id is null && request.Tags.Count > 0)
        {
            id = (await InspectImageAsync(request.Tags[0], cancellationToken).ConfigureAwait(false))?.ID;
        }

        return id ?? throw new DockerBuildException(image, "the engine reported no image id", string.Empty);
    }

    public async Task PullImageAsync(string image, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var (repo, tag) = SplitReference(image);
        var messages = new MessageSink(image, progress);
        await WithClientAsync("POST /images/create",
            c => c.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repo, Tag = tag }, authConfig: null, messages, cancellationToken), cancellationToken).ConfigureAwait(false);
        messages.ThrowIfFailed();
    }

    public async Task RemoveImageAsync(string name, bool force, bool ignoreMissing, CancellationToken cancellationToken)
    {
        try
        {
            await WithClientAsync("DELETE /images/{name}", c => c.Images.DeleteImageAsync(name, new ImageDeleteParameters { Force = force }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException) when (ignoreMissing)
        {
        }
    }

    // ---------------------------------------------------------------- volumes

    public Task<VolumeResponse> CreateVolumeAsync(VolumesCreateParameters request, CancellationToken cancellationToken) =>
        WithClientAsync("POST /volumes/create", c => c.Volumes.CreateAsync(request, cancellationToken), cancellationToken);

    public Task<VolumeResponse?> InspectVolumeAsync(string name, CancellationToken cancellationToken) =>
        OrNullAsync("GET /volumes/{name}", c => c.Volumes.InspectAsync(name, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<VolumeResponse>> ListVolumesAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken)
    {
        var r = await WithClientAsync("GET /volumes",
            c => c.Volumes.ListAsync(new VolumesListParameters { Filters = LabelFilters(labelFilters) }, cancellationToken), cancellationToken).ConfigureAwait(false);
        return r.Volumes is { } v ? [.. v] : [];
    }

    public async Task RemoveVolumeAsync(string name, bool force, bool ignoreMissing, CancellationToken cancellationToken)
    {
        try
        {
            await WithClientAsync("DELETE /volumes/{name}", c => c.Volumes.RemoveAsync(name, force, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException) when (ignoreMissing)
        {
        }
    }

    // ---------------------------------------------------------------- plumbing

    private async Task<T> WithClientAsync<T>(string operation, Func<DockerClient, Task<T>> call, CancellationToken cancellationToken)
    {
        await NegotiateAsync(cancellationToken).ConfigureAwait(false);
        return await CallAsync(operation, () => call(_client!)).ConfigureAwait(false);
    }

    private async Task WithClientAsync(string operation, Func<DockerClient, Task> call, CancellationToken cancellationToken)
    {
        await NegotiateAsync(cancellationToken).ConfigureAwait(false);
        await CallAsync(operation, async () =>
        {
            await call(_client!).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    private async Task<T?> OrNullAsync<T>(string operation, Func<DockerClient, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await WithClientAsync(operation, call, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// The exception in <paramref name="exception"/>'s inner-exception chain that says the endpoint could not be
    /// reached or the connection broke (socket, I/O, time-out, TLS), or <see langword="null"/> when the chain holds
    /// none. The library's HTTP transports wrap these one or more levels deep (an <see cref="HttpRequestException"/>
    /// around an <see cref="IOException"/> around a <see cref="SocketException"/>; the managed Unix-socket and
    /// named-pipe transports raise them bare), so the whole chain is walked. The innermost such exception is returned,
    /// since it carries the most specific message (for example "Broken pipe" rather than "Error while copying content").
    /// </summary>
    internal static Exception? UnreachableCause(Exception exception)
    {
        Exception? found = null;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException)
            {
                return null;
            }

            if (e is SocketException or TimeoutException or System.Security.Authentication.AuthenticationException
                || (e is IOException && e is not FileNotFoundException and not DirectoryNotFoundException)
                || e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError })
            {
                found = e;
            }
        }

        return found;
    }

    /// <summary>Runs one library call, mapping its failures to ours: the engine's answers and the unreachable endpoint.</summary>
    private async Task<T> CallAsync<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (DockerApiException ex)
        {
            throw DockerEngineException.From(ex.StatusCode, EngineMessage(ex.ResponseBody, ex.StatusCode), operation);
        }
        catch (Exception ex) when (UnreachableCause(ex) is { } cause)
        {
            throw new DockerEngineUnavailableException(Endpoint, $"{operation} failed: {cause.Message}", ex);
        }
    }

    /// <summary>The engine's message from its error body <c>{"message": "…"}</c>, or the body itself.</summary>
    internal static string EngineMessage(string? body, HttpStatusCode status)
    {
        var text = body?.Trim() ?? string.Empty;
        if (text.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } message)
                {
                    return message;
                }
            }
            catch (JsonException)
            {
            }
        }

        return text.Length > 0 ? text : status.ToString();
    }

    private static Dictionary<string, IDictionary<string, bool>> LabelFilters(IEnumerable<string> labels) =>
        new() { ["label"] = labels.ToDictionary(l => l, _ => true, StringComparer.Ordinal) };

    /// <summary>Splits <c>registry:5000/name:tag</c> into repository and tag (default <c>latest</c>); digests are kept whole.</summary>
    internal static (string Repository, string Tag) SplitReference(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal))
        {
            return (image, string.Empty);
        }

        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    /// <summary>
    /// Receives a build's or pull's JSON messages from the library (synchronously, in order): reports text
    /// progress line by line, keeps the last <see cref="TailLines"/> lines, the image id (<c>aux.ID</c>) and the first
    /// error. The engine's <c>stream</c> chunks need not end at line ends: the legacy builder relays a RUN step's
    /// stderr as it is written, often a character at a time, each chunk wrapped in SGR colour codes
    /// (<c>ESC[91m … ESC[0m</c>). So chunks are joined into lines and control sequences (ECMA-48 CSI) removed before
    /// a line is kept, which keeps messages such as curl's "SSL certificate problem" whole for
    /// <see cref="Images.CaTrust.BuildAdvice"/> and readable in errors.
    /// </summary>
    internal sealed class MessageSink(string image, IProgress<ImageProgress>? progress) : IProgress<JSONMessage>
    {
        /// <summary>How many of the last output lines a failure carries.</summary>
        public const int TailLines = 20;

        private readonly Queue<string> _tail = new();
        private readonly StringBuilder _partial = new();
        private string? _error;

        public string? ImageId { get; private set; }

        /// <summary>The last complete lines, oldest first, and the unfinished one if any.</summary>
        public IReadOnlyList<string> Tail => _partial.Length > 0 ? [.. _tail, _partial.ToString()] : [.. _tail];

        public void Report(JSONMessage value)
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Error?.Message is { } error)
            {
                _error ??= error;
                return;
            }

            if (value.Aux?.ExtensionData?.TryGetValue("ID", out var id) == true && id is JsonElement { ValueKind: JsonValueKind.String } idElement)
            {
                ImageId = idElement.GetString();
            }

            if (value.Stream is { } stream)
            {
                AppendStream(stream, value.ID);
                return;
            }

            if (value.Status is not null)
            {
                var status = value.Progress is { Current: { } current, Total: { } total and > 0 } ? $"{value.Status} {current}/{total}" : value.Status;
                Keep(status, value.ID);
            }
        }

        public void ThrowIfFailed()
        {
            if (_error is not null)
            {
                throw new DockerBuildException(image, _error, string.Join('\n', Tail));
            }
        }

        private void AppendStream(string chunk, string? id)
        {
            for (int i = 0; i < chunk.Length; i++)
            {
                char c = chunk[i];
                if (c == '\u001b')
                {
                    i = SkipEscape(chunk, i);
                    continue;
                }

                if (c == '\n')
                {
                    Keep(_partial.ToString(), id);
                    _partial.Clear();
                }
                else if (c != '\r')
                {
                    _partial.Append(c);
                }
            }
        }

        /// <summary>The index of the last character of the escape sequence starting at <paramref name="at"/> (ECMA-48 §5.4: CSI is ESC '[', parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E; any other ESC pair is two characters).</summary>
        private static int SkipEscape(string s, int at)
        {
            if (at + 1 >= s.Length || s[at + 1] != '[')
            {
                return Math.Min(at + 1, s.Length - 1);
            }

            int i = at + 2;
            while (i < s.Length && s[i] is >= '\u0030' and <= '\u003f')
            {
                i++;
            }

            while (i < s.Length && s[i] is >= '\u0020' and <= '\u002f')
            {
                i++;
            }

            return Math.Min(i, s.Length - 1); // the final byte (or the end, for a sequence cut off by the chunk)
        }

        private void Keep(string line, string? id)
        {
            line = line.TrimEnd();
            if (line.Length == 0)
            {
                return;
            }

            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }

            progress?.Report(new ImageProgress(line, id));
        }
    }
}
