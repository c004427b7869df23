using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BotBottle.Backends.Docker.Engine;

/// <summary>
/// <see cref="IDockerEngine"/> over <see cref="HttpClient"/>: Unix socket, named pipe, TCP (optionally TLS) or SSH
/// (<c>docker system dial-stdio</c>). The API version is negotiated on first use from <c>GET /_ping</c>'s
/// <c>API-Version</c> header: the lower of the engine's version and <see cref="MaxApiVersion"/>, and at least
/// <see cref="MinApiVersion"/>.
/// </summary>
internal sealed class DockerEngineClient : IDockerEngine
{
    /// <summary>Oldest Engine API we accept: 1.41 (Docker 20.10, Debian 12's docker.io).</summary>
    public static readonly Version MinApiVersion = new(1, 41);

    /// <summary>Newest Engine API we ask for: 1.47 (Docker 27). Newer engines still serve it.</summary>
    public static readonly Version MaxApiVersion = new(1, 47);

    private static readonly DockerJsonContext Json = DockerJsonContext.Default;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _negotiateGate = new(1, 1);
    private NegotiatedVersion? _negotiated;

    /// <summary>Creates a client for <paramref name="endpoint"/>. No connection is made until the first call.</summary>
    public DockerEngineClient(DockerEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        var (handler, baseAddress) = DockerTransport.Create(endpoint);
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan, // callers bound calls with their CancellationToken; builds and waits run long
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("BotBottle", typeof(DockerEngineClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    /// <summary>Creates a client for the endpoint the environment selects (<see cref="DockerEndpoint.Resolve()"/>).</summary>
    public static DockerEngineClient FromEnvironment() => new(DockerEndpoint.Resolve());

    public DockerEndpoint Endpoint { get; }

    public void Dispose()
    {
        _http.Dispose();
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

            using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "_ping"), HttpCompletionOption.ResponseContentRead, "GET /_ping", cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DockerEngineUnavailableException(Endpoint, $"GET /_ping answered {(int)response.StatusCode}");
            }

            Version? engine = null;
            if (response.Headers.TryGetValues("API-Version", out var values) && Version.TryParse(values.FirstOrDefault(), out var v))
            {
                engine = v;
            }

            if (engine is null)
            {
                // Very old engines omit the header; /version (unversioned) still answers.
                using var vr = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "version"), HttpCompletionOption.ResponseContentRead, "GET /version", cancellationToken).ConfigureAwait(false);
                var info = await ReadJsonAsync(vr, Json.EngineVersion, "GET /version", cancellationToken).ConfigureAwait(false);
                engine = Version.TryParse(info.ApiVersion, out var v2) ? v2 : MinApiVersion;
            }

            if (engine < MinApiVersion)
            {
                throw new DockerEngineUnavailableException(Endpoint,
                    $"the engine speaks API {engine}, older than the oldest BotBottle supports ({MinApiVersion}, Docker 20.10); upgrade the engine");
            }

            _negotiated = new NegotiatedVersion(engine < MaxApiVersion ? engine : MaxApiVersion, engine);
            return _negotiated;
        }
        finally
        {
            _negotiateGate.Release();
        }
    }

    public Task<EngineVersion> GetVersionAsync(CancellationToken cancellationToken) =>
        GetJsonAsync("version", Json.EngineVersion, cancellationToken);

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        GetJsonAsync("info", Json.EngineInfo, cancellationToken);

    // ---------------------------------------------------------------- containers

    public async Task<string> CreateContainerAsync(string name, ContainerCreateRequest request, CancellationToken cancellationToken)
    {
        var r = await SendJsonAsync(HttpMethod.Post, $"containers/create?name={Uri.EscapeDataString(name)}", request, Json.ContainerCreateRequest, Json.CreateResponse, cancellationToken).ConfigureAwait(false);
        return r.Id;
    }

    public Task StartContainerAsync(string id, CancellationToken cancellationToken) =>
        SendNoContentAsync(HttpMethod.Post, $"containers/{Esc(id)}/start", null, cancellationToken, HttpStatusCode.NotModified);

    public Task StopContainerAsync(string id, int timeoutSeconds, CancellationToken cancellationToken) =>
        SendNoContentAsync(HttpMethod.Post, $"containers/{Esc(id)}/stop?t={timeoutSeconds.ToString(CultureInfo.InvariantCulture)}", null, cancellationToken, HttpStatusCode.NotModified);

    public Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken) =>
        SendNoContentAsync(HttpMethod.Post, $"containers/{Esc(id)}/kill?signal={Uri.EscapeDataString(signal)}", null, cancellationToken);

    public async Task RemoveContainerAsync(string id, bool force, bool removeVolumes, bool ignoreMissing, CancellationToken cancellationToken)
    {
        try
        {
            await SendNoContentAsync(HttpMethod.Delete, $"containers/{Esc(id)}?force={B(force)}&v={B(removeVolumes)}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException) when (ignoreMissing)
        {
        }
        catch (DockerConflictException ex) when (ignoreMissing && ex.EngineMessage.Contains("already in progress", StringComparison.OrdinalIgnoreCase))
        {
            // "removal of container … is already in progress": someone else is removing it; wait for that to finish.
            await WaitContainerAsync(id, "removed", cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<ContainerInspect?> InspectContainerAsync(string id, CancellationToken cancellationToken) =>
        GetJsonOrNullAsync($"containers/{Esc(id)}/json", Json.ContainerInspect, cancellationToken);

    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken) =>
        await GetJsonAsync($"containers/json?all=true&filters={LabelFilters(labelFilters)}", Json.ListContainerSummary, cancellationToken).ConfigureAwait(false);

    public async Task<long> WaitContainerAsync(string id, string condition, CancellationToken cancellationToken)
    {
        try
        {
            var r = await SendJsonAsync<ExecStartRequest, ContainerWaitResponse>(HttpMethod.Post, $"containers/{Esc(id)}/wait?condition={Uri.EscapeDataString(condition)}", null, null, Json.ContainerWaitResponse, cancellationToken).ConfigureAwait(false);
            return r.StatusCode;
        }
        catch (DockerNotFoundException) when (condition == "removed")
        {
            return 0;
        }
    }

    public async Task<string> GetContainerLogsAsync(string id, int tail, CancellationToken cancellationToken)
    {
        var inspect = await InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync(HttpMethod.Get, $"containers/{Esc(id)}/logs?stdout=true&stderr=true&tail={tail.ToString(CultureInfo.InvariantCulture)}", null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var sb = new StringBuilder();
        var tty = inspect?.Config?.Tty == true;
        await DockerStreamDemuxer.CopyAsync(stream, tty, chunk => sb.Append(Encoding.UTF8.GetString(chunk.Data.Span)), cancellationToken).ConfigureAwait(false);
        return sb.ToString();
    }

    // ---------------------------------------------------------------- exec

    public async Task<ExecResult> ExecAsync(string containerId, ExecCreateRequest request, Action<ExecOutputChunk>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // No stdin: half-closing it over a hijacked connection is not portable across our transports (named pipes,
        // TLS), so data goes in through PutArchiveAsync instead.
        request.AttachStdin = false;
        var created = await SendJsonAsync(HttpMethod.Post, $"containers/{Esc(containerId)}/exec", request, Json.ExecCreateRequest, Json.CreateResponse, cancellationToken).ConfigureAwait(false);
        var execId = created.Id;

        var startBody = JsonContent(new ExecStartRequest { Detach = false, Tty = request.Tty }, Json.ExecStartRequest);
        using var response = await SendAsync(HttpMethod.Post, $"exec/{Esc(execId)}/start", startBody, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        {
            await DockerStreamDemuxer.CopyAsync(stream, request.Tty, chunk =>
            {
                (chunk.Stream == ExecStream.StdErr ? stderr : stdout).Write(chunk.Data.Span);
                output?.Invoke(chunk);
            }, cancellationToken).ConfigureAwait(false);
        }

        // The stream ends when the process exits; the exit code can lag by a moment.
        ExecInspect inspect;
        var attempts = 0;
        while (true)
        {
            inspect = await GetJsonAsync($"exec/{Esc(execId)}/json", Json.ExecInspect, cancellationToken).ConfigureAwait(false);
            if (!inspect.Running || ++attempts > 100)
            {
                break;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return new ExecResult(inspect.ExitCode ?? -1, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    // ---------------------------------------------------------------- archive

    public async Task PutArchiveAsync(string containerId, string path, Stream tar, CancellationToken cancellationToken)
    {
        var content = new StreamContent(tar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        await SendNoContentAsync(HttpMethod.Put, $"containers/{Esc(containerId)}/archive?path={Uri.EscapeDataString(path)}", content, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Stream> GetArchiveAsync(string containerId, string path, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, $"containers/{Esc(containerId)}/archive?path={Uri.EscapeDataString(path)}", null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return new ResponseOwningStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task SaveImageAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var response = await SendAsync(HttpMethod.Get, $"images/{EscImage(name)}/get", null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await body.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- networks

    public async Task<string> CreateNetworkAsync(NetworkCreateRequest request, CancellationToken cancellationToken) =>
        (await SendJsonAsync(HttpMethod.Post, "networks/create", request, Json.NetworkCreateRequest, Json.CreateResponse, cancellationToken).ConfigureAwait(false)).Id;

    public Task<NetworkInspect?> InspectNetworkAsync(string id, CancellationToken cancellationToken) =>
        GetJsonOrNullAsync($"networks/{Esc(id)}", Json.NetworkInspect, cancellationToken);

    public async Task<IReadOnlyList<NetworkInspect>> ListNetworksAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken) =>
        await GetJsonAsync($"networks?filters={LabelFilters(labelFilters)}", Json.ListNetworkInspect, cancellationToken).ConfigureAwait(false);

    public async Task RemoveNetworkAsync(string id, bool ignoreMissing, CancellationToken cancellationToken)
    {
        try
        {
            await SendNoContentAsync(HttpMethod.Delete, $"networks/{Esc(id)}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException) when (ignoreMissing)
        {
        }
    }

    public Task ConnectNetworkAsync(string network, string container, EndpointSettings? settings, CancellationToken cancellationToken) =>
        SendNoContentAsync(HttpMethod.Post, $"networks/{Esc(network)}/connect",
            JsonContent(new NetworkConnectRequest { Container = container, EndpointConfig = settings }, Json.NetworkConnectRequest), cancellationToken);

    public Task DisconnectNetworkAsync(string network, string container, bool force, CancellationToken cancellationToken) =>
        SendNoContentAsync(HttpMethod.Post, $"networks/{Esc(network)}/disconnect",
            JsonContent(new NetworkDisconnectRequest { Container = container, Force = force }, Json.NetworkDisconnectRequest), cancellationToken);

    // ---------------------------------------------------------------- images

    public Task<ImageInspect?> InspectImageAsync(string name, CancellationToken cancellationToken) =>
        GetJsonOrNullAsync($"images/{EscImage(name)}/json", Json.ImageInspect, cancellationToken);

    public async Task<IReadOnlyList<ImageSummary>> ListImagesAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken) =>
        await GetJsonAsync($"images/json?filters={LabelFilters(labelFilters)}", Json.ListImageSummary, cancellationToken).ConfigureAwait(false);

    public async Task<string> BuildImageAsync(ImageBuildRequest request, Stream context, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = new StringBuilder("build?rm=true&forcerm=true");
        foreach (var t in request.Tags)
        {
            q.Append("&t=").Append(Uri.EscapeDataString(t));
        }

        q.Append("&dockerfile=").Append(Uri.EscapeDataString(request.Dockerfile));
        q.Append("&pull=").Append(B(request.Pull)).Append("&nocache=").Append(B(request.NoCache));
        if (request.BuildArgs.Count > 0)
        {
            q.Append("&buildargs=").Append(Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, string>(request.BuildArgs), Json.DictionaryStringString)));
        }

        if (request.Labels.Count > 0)
        {
            q.Append("&labels=").Append(Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, string>(request.Labels), Json.DictionaryStringString)));
        }

        if (request.NetworkMode is { } nm)
        {
            q.Append("&networkmode=").Append(Uri.EscapeDataString(nm));
        }

        var content = new StreamContent(context);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await SendAsync(HttpMethod.Post, q.ToString(), content, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var image = request.Tags.Count > 0 ? request.Tags[0] : "(untagged)";
        string? id = null;
        await foreach (var m in ReadJsonMessagesAsync(response, image, progress, cancellationToken).ConfigureAwait(false))
        {
            if (m.Aux?.ID is { Length: > 0 } auxId)
            {
                id = auxId;
            }
        }

        if (id is null && request.Tags.Count > 0)
        {
            id = (await InspectImageAsync(request.Tags[0], cancellationToken).ConfigureAwait(false))?.Id;
        }

        return id ?? throw new DockerBuildException(image, "the engine reported no image id", string.Empty);
    }

    public async Task PullImageAsync(string image, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var (repo, tag) = SplitReference(image);
        using var response = await SendAsync(HttpMethod.Post, $"images/create?fromImage={Uri.EscapeDataString(repo)}&tag={Uri.EscapeDataString(tag)}", null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await foreach (var _ in ReadJsonMessagesAsync(response, image, progress, cancellationToken).ConfigureAwait(false))
        {
        }
    }

    public Task TagImageAsync(string source, string repository, string tag, CancellationToken cancellationToken) =>
        SendNoContentAsync(HttpMethod.Post, $"images/{EscImage(source)}/tag?repo={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}", null, cancellationToken);

    public async Task RemoveImageAsync(string name, bool force, bool ignoreMissing, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Delete, $"images/{EscImage(name)}?force={B(force)}", null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException) when (ignoreMissing)
        {
        }
    }

    // ---------------------------------------------------------------- volumes

    public Task<VolumeInspect> CreateVolumeAsync(VolumeCreateRequest request, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, "volumes/create", request, Json.VolumeCreateRequest, Json.VolumeInspect, cancellationToken);

    public Task<VolumeInspect?> InspectVolumeAsync(string name, CancellationToken cancellationToken) =>
        GetJsonOrNullAsync($"volumes/{Esc(name)}", Json.VolumeInspect, cancellationToken);

    public async Task<IReadOnlyList<VolumeInspect>> ListVolumesAsync(IEnumerable<string> labelFilters, CancellationToken cancellationToken) =>
        (await GetJsonAsync($"volumes?filters={LabelFilters(labelFilters)}", Json.VolumeListResponse, cancellationToken).ConfigureAwait(false)).Volumes ?? [];

    public async Task RemoveVolumeAsync(string name, bool force, bool ignoreMissing, CancellationToken cancellationToken)
    {
        try
        {
            await SendNoContentAsync(HttpMethod.Delete, $"volumes/{Esc(name)}?force={B(force)}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException) when (ignoreMissing)
        {
        }
    }

    // ---------------------------------------------------------------- events

    public async IAsyncEnumerable<EngineEvent> MonitorEventsAsync(IReadOnlyDictionary<string, List<string>> filters, DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var path = "events?filters=" + Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, List<string>>(filters), Json.DictionaryStringListString));
        if (since is { } s)
        {
            path += "&since=" + s.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        using var response = await SendAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var ev = JsonSerializer.Deserialize(line, Json.EngineEvent);
            if (ev is not null)
            {
                yield return ev;
            }
        }
    }

    // ---------------------------------------------------------------- plumbing

    private static async IAsyncEnumerable<JsonMessage> ReadJsonMessagesAsync(HttpResponseMessage response, string image, IProgress<ImageProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var tail = new Queue<string>();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonMessage? m;
            try
            {
                m = JsonSerializer.Deserialize(line, Json.JsonMessage);
            }
            catch (JsonException)
            {
                m = new JsonMessage { Stream = line };
            }

            if (m is null)
            {
                continue;
            }

            if (m.Error is not null || m.ErrorDetail?.Message is not null)
            {
                throw new DockerBuildException(image, m.ErrorDetail?.Message ?? m.Error!, string.Join('\n', tail));
            }

            var text = m.Stream ?? (m.Status is null ? null : m.Progress is null ? m.Status : $"{m.Status} {m.Progress}");
            if (!string.IsNullOrWhiteSpace(text))
            {
                text = text.TrimEnd('\r', '\n');
                tail.Enqueue(text);
                if (tail.Count > 20)
                {
                    tail.Dequeue();
                }

                progress?.Report(new ImageProgress(text, m.Id));
            }

            yield return m;
        }
    }

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, type, "GET /" + StripQuery(path), cancellationToken).ConfigureAwait(false);
    }

    private async Task<T?> GetJsonOrNullAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await GetJsonAsync(path, type, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException)
        {
            return null;
        }
    }

    private async Task<TResponse> SendJsonAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest>? requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var content = body is null || requestType is null ? null : JsonContent(body, requestType);
        using var response = await SendAsync(method, path, content, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, responseType, $"{method} /{StripQuery(path)}", cancellationToken).ConfigureAwait(false);
    }

    private async Task SendNoContentAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, HttpStatusCode? alsoOk = null)
    {
        using var response = await SendAsync(method, path, content, HttpCompletionOption.ResponseContentRead, cancellationToken, alsoOk).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, HttpCompletionOption completion, CancellationToken cancellationToken, HttpStatusCode? alsoOk = null)
    {
        var version = await NegotiateAsync(cancellationToken).ConfigureAwait(false);
        var request = new HttpRequestMessage(method, $"v{version.ApiVersion.Major}.{version.ApiVersion.Minor}/{path}") { Content = content };
        var operation = $"{method} /{StripQuery(path)}";
        var response = await SendRawAsync(request, completion, operation, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || (alsoOk is { } ok && response.StatusCode == ok))
        {
            return response;
        }

        using (response)
        {
            var message = await ReadErrorMessageAsync(response, cancellationToken).ConfigureAwait(false);
            throw DockerEngineException.From(response.StatusCode, message, operation);
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, string operation, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException or IOException or System.Security.Authentication.AuthenticationException || ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError)
            {
                throw new DockerEngineUnavailableException(Endpoint, $"{operation} failed: {ex.InnerException?.Message ?? ex.Message}", ex);
            }
            catch (TimeoutException ex)
            {
                throw new DockerEngineUnavailableException(Endpoint, $"{operation} timed out connecting", ex);
            }
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string operation, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new DockerEngineException("DockerResponseInvalid", Errors.BotBottleErrorCategory.InvalidData, response.StatusCode, $"unreadable response: {ex.Message}", operation);
        }
    }

    private static async Task<string> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var body = JsonSerializer.Deserialize(text, Json.EngineErrorBody);
            if (!string.IsNullOrEmpty(body?.Message))
            {
                return body.Message;
            }
        }
        catch (JsonException)
        {
        }

        text = text.Trim();
        return text.Length > 0 ? text : response.ReasonPhrase ?? response.StatusCode.ToString();
    }

    private static StringContent JsonContent<T>(T body, JsonTypeInfo<T> type) =>
        new(JsonSerializer.Serialize(body, type), Encoding.UTF8, "application/json");

    private static string LabelFilters(IEnumerable<string> labels)
    {
        var map = new Dictionary<string, List<string>> { ["label"] = [.. labels] };
        return Uri.EscapeDataString(JsonSerializer.Serialize(map, Json.DictionaryStringListString));
    }

    private static string Esc(string segment) => Uri.EscapeDataString(segment);

    /// <summary>Image names may contain '/' (and a registry's ':port'); the engine routes them as path segments.</summary>
    private static string EscImage(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    private static string B(bool b) => b ? "true" : "false";

    private static string StripQuery(string path) => path.Split('?')[0];

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

    /// <summary>A response body stream that disposes its response with it.</summary>
    private sealed class ResponseOwningStream(HttpResponseMessage response, Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// Splits the Engine API's multiplexed attach/exec/logs stream: frames of an 8-byte header (stream id, three zero
/// bytes, big-endian uint32 length) followed by the payload
/// (https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerAttach). TTY streams are raw.
/// </summary>
internal static class DockerStreamDemuxer
{
    public static async Task CopyAsync(Stream stream, bool tty, Action<ExecOutputChunk> sink, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        if (tty)
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                sink(new ExecOutputChunk(ExecStream.StdOut, buffer.AsMemory(0, n)));
            }

            return;
        }

        var header = new byte[8];
        while (true)
        {
            if (!await ReadExactlyOrEofAsync(stream, header, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var kind = header[0] == 2 ? ExecStream.StdErr : ExecStream.StdOut;
            var remaining = (long)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            while (remaining > 0)
            {
                var want = (int)Math.Min(remaining, buffer.Length);
                var n = await stream.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException("The engine closed the stream in the middle of a frame.");
                }

                sink(new ExecOutputChunk(kind, buffer.AsMemory(0, n)));
                remaining -= n;
            }
        }
    }

    private static async Task<bool> ReadExactlyOrEofAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? false : throw new IOException("The engine closed the stream in the middle of a frame header.");
            }

            read += n;
        }

        return true;
    }
}
