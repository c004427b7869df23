using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using BotBottle.Dlp;
using BotBottle.Sidecar.Commands;
using BotBottle.Sidecar.Egress;
using BotBottle.Sidecar.Http;
using CliWrap;

namespace BotBottle.Sidecar.GitGate;

/// <summary>
/// The git gate's server: git's smart HTTP protocol (gitprotocol-http(5), the protocol <c>git http-backend</c>
/// serves) for each gated repository at <c>/&lt;name&gt;.git</c>, answered by <c>git upload-pack</c> /
/// <c>git receive-pack --stateless-rpc</c> on the repository's bare mirror:
/// <list type="bullet">
/// <item><c>GET /&lt;name&gt;.git/info/refs?service=git-upload-pack</c> (start of every clone/fetch) and
/// <c>…?service=git-receive-pack</c> (start of every push) first refresh the mirror from the upstream; if that fails
/// the client gets an <c>ERR</c> packet (git prints <c>fatal: remote error: …</c>) and never a stale mirror.</item>
/// <item><c>POST /&lt;name&gt;.git/git-upload-pack</c> and <c>…/git-receive-pack</c> run the service; a push runs the
/// mirror's <c>pre-receive</c> hook (<see cref="PreReceiveHook"/>), which scans, asks, and forwards upstream.</item>
/// </list>
/// The dumb HTTP protocol is not served. Protocol v2 is not offered (the <c>Git-Protocol</c> header is ignored; clients
/// fall back to v0). Request bodies are held in memory up to <see cref="MaxBodyBytes"/> (gzip undone within the same
/// limit), must arrive within <see cref="BodyTimeout"/>, and at most <see cref="MaxConnections"/> connections are served at once.
/// All connections' bodies (as sent and as decoded) share one budget of <see cref="DefaultBodyBudgetBytes"/>: a request
/// that would go past it is answered 503 before its body is read, so concurrent pushes cannot run the sidecar (1 GiB
/// memory limit) out of memory.
/// </summary>
internal sealed class GitGateServer : IAsyncDisposable
{
    /// <summary>The largest request body (a pushed pack) accepted, before and after gzip is undone: 256 MiB.</summary>
    public const long MaxBodyBytes = 256L * 1024 * 1024;

    /// <summary>
    /// Request-body bytes (as sent, and as decoded when a <c>Content-Encoding</c> is undone) all connections may hold at
    /// once: 256 MiB, one push of the largest size. More is answered 503, never allocated.
    /// </summary>
    public const long DefaultBodyBudgetBytes = MaxBodyBytes;

    /// <summary>Connections served at once; more are answered 503.</summary>
    public const int MaxConnections = 32;

    /// <summary>Longest time a request body may take to arrive (slow senders are cut off).</summary>
    public static readonly TimeSpan BodyTimeout = TimeSpan.FromMinutes(5);

    private readonly ConnectionListener _connections;
    private readonly IReadOnlyDictionary<string, GitUpstream> _repos;
    private readonly Dictionary<string, SemaphoreSlim> _refreshLocks;
    private readonly EgressLog _log;
    private readonly TimeSpan _proposalTimeout;
    private readonly MemoryBudget _bodyBudget;
    private readonly DlpEngine _dlp;

    /// <summary>Starts serving on <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">Address and port to listen on (port 0 picks one; see <see cref="Endpoint"/>).</param>
    /// <param name="repos">The gated repositories by name (served at <c>/&lt;name&gt;.git</c>).</param>
    /// <param name="proposalTimeout">How long a push's hook waits for the operator's answer to a proposal.</param>
    /// <param name="log">Where events go.</param>
    /// <param name="bodyBudgetBytes">Request-body bytes all connections may hold at once (<see cref="DefaultBodyBudgetBytes"/> unless given).</param>
    /// <param name="dlp">
    /// The engine that scans git's standard error before it is logged (it quotes what the agent sent: ref names,
    /// protocol lines). The built-in rules when not given; the sidecar passes the one holding the bottle's secrets.
    /// </param>
    public GitGateServer(IPEndPoint endpoint, IReadOnlyDictionary<string, GitUpstream> repos, TimeSpan proposalTimeout, EgressLog log, long bodyBudgetBytes = DefaultBodyBudgetBytes, DlpEngine? dlp = null)
    {
        _dlp = dlp ?? DlpEngine.Create([]);
        _bodyBudget = new MemoryBudget(bodyBudgetBytes);
        _repos = repos;
        _refreshLocks = repos.Keys.ToDictionary(k => k, _ => new SemaphoreSlim(1, 1), StringComparer.Ordinal);
        _proposalTimeout = proposalTimeout;
        _log = log;
        _connections = new ConnectionListener(endpoint, MaxConnections);
        _connections.Start(ServeAsync, ex => _log.Event("git-gate-error", $"{ex.GetType().Name}: {ex.Message}"));
    }

    public IPEndPoint Endpoint => _connections.Endpoint;

    /// <summary>
    /// The hook command line the mirrors' <c>pre-receive</c> scripts run: this executable (or <c>dotnet &lt;dll&gt;</c>
    /// when hosted by the dotnet muxer) with <c>git-pre-receive --state … --repo …</c>.
    /// </summary>
    public static string HookCommand(string stateDirectory, string repository)
    {
        var exe = Environment.ProcessPath ?? "/usr/local/bin/bot-bottle-sidecar";
        var prefix = Path.GetFileNameWithoutExtension(exe) == "dotnet"
            ? $"{GitUpstream.Quote(exe)} {GitUpstream.Quote(Path.Combine(AppContext.BaseDirectory, "bot-bottle-sidecar.dll"))}"
            : GitUpstream.Quote(exe);
        return $"{prefix} git-pre-receive --state {GitUpstream.Quote(stateDirectory)} --repo {GitUpstream.Quote(repository)}";
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new BufferedReader(stream);
        var ct = _connections.Stopping;
        var linger = new StrongBox<bool>();
        try
        {
            await ServeRequestsAsync(stream, reader, linger, ct).ConfigureAwait(false);
        }
        finally
        {
            if (linger.Value)
            {
                // Answered before the request was read to its end (503 for the budget, 413, a malformed head): the client
                // may still be writing its pack, and a plain close would reach it as a reset instead of the answer.
                await LingeringClose.DrainAsync(socket, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task ServeRequestsAsync(Stream stream, BufferedReader reader, StrongBox<bool> linger, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            int length;
            using (var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                headTimeout.CancelAfter(TimeSpan.FromMinutes(2));
                length = await reader.ReadHeadAsync(64 * 1024, headTimeout.Token).ConfigureAwait(false);
            }

            if (length <= 0)
            {
                return;
            }

            HttpHead head;
            try
            {
                head = HttpHead.ParseRequest(reader.Buffered[..length]);
            }
            catch (HttpParseException ex)
            {
                linger.Value = true;
                await Text(stream, ex.Status, ex.Message, true, ct).ConfigureAwait(false);
                return;
            }

            reader.Consume(length);
            var keepAlive = await HandleAsync(stream, reader, head, linger, ct).ConfigureAwait(false) && head.KeepAlive;
            if (!keepAlive)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Answers one request; false when the connection must close. Sets <paramref name="linger"/> when the answer went
    /// out before the request body was read to its end (the close must then be a lingering one).
    /// </summary>
    private async Task<bool> HandleAsync(Stream stream, BufferedReader reader, HttpHead head, StrongBox<bool> linger, CancellationToken ct)
    {
        var q = head.Target.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? head.Target : head.Target[..q];
        var query = q < 0 ? string.Empty : head.Target[(q + 1)..];
        var parts = path.TrimStart('/').Split('/', 2);
        var name = parts[0].EndsWith(".git", StringComparison.Ordinal) ? parts[0][..^4] : parts[0];
        var rest = parts.Length > 1 ? parts[1] : string.Empty;
        if (!_repos.TryGetValue(name, out var repo))
        {
            await HttpBody.DiscardRequestBodyAsync(reader, head, 64 * 1024, ct).ConfigureAwait(false);
            var known = _repos.Count == 0 ? "none" : string.Join(", ", _repos.Keys.Select(k => $"/{k}.git"));
            return await Text(stream, 404, $"git gate: no gated repository '{name}' (this bottle's git-gate.repos: {known})", !head.KeepAlive, ct).ConfigureAwait(false);
        }

        if (head.Method == "GET" && rest == "info/refs")
        {
            var service = query.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "service") is { Length: 2 } s ? s[1] : null;
            if (service is not ("git-upload-pack" or "git-receive-pack"))
            {
                return await Text(stream, 403, "git gate: only git's smart HTTP protocol is served (info/refs?service=git-upload-pack or git-receive-pack)", !head.KeepAlive, ct).ConfigureAwait(false);
            }

            await AdvertiseAsync(stream, repo, service, ct).ConfigureAwait(false);
            return true;
        }

        if (head.Method == "POST" && rest is "git-upload-pack" or "git-receive-pack")
        {
            // The body's bytes are reserved in the shared budget before anything is read (a declared length at once, a
            // chunked body chunk by chunk), so a push that finds the budget taken gets 503 instead of memory.
            using var reservation = new BudgetReservation(_bodyBudget);
            if (!head.Chunked && head.ContentLength is { } declared && declared <= MaxBodyBytes && !reservation.TryReserve(declared))
            {
                return await Busy(stream, linger, ct).ConfigureAwait(false);
            }

            if (head.ExpectContinue)
            {
                await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), ct).ConfigureAwait(false);
            }

            PooledBody? body;
            using (var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                bodyTimeout.CancelAfter(BodyTimeout);
                try
                {
                    body = await HttpBody.ReadRequestBodyAsync(reader, head, MaxBodyBytes, bodyTimeout.Token, head.Chunked ? reservation.TryReserve : null).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    return await Text(stream, 408, $"git gate: the request body did not arrive within {BodyTimeout.TotalSeconds:0} s", true, ct).ConfigureAwait(false);
                }
                catch (BodyBudgetExceededException)
                {
                    return await Busy(stream, linger, ct).ConfigureAwait(false);
                }
            }

            using var owned = body;
            if (body is null)
            {
                linger.Value = true;
                return await Text(stream, 413, $"git gate: request larger than {MaxBodyBytes / (1024 * 1024)} MiB", true, ct).ConfigureAwait(false);
            }

            ReadOnlyMemory<byte> input = body.Memory;
            if (head.Get("Content-Encoding") is { } enc && !enc.Trim().Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                // Inflated within the same limit as the body itself (a gzip bomb is refused, never inflated whole), and
                // within what the shared budget has room for now; the unused part of that grant is returned at once.
                var grant = reservation.ReserveUpTo(MaxBodyBytes);
                var problem = BotBottle.Dlp.ContentCodings.TryDecode(body.Memory, enc, grant, out var decoded, out var codingError);
                if (problem == BotBottle.Dlp.ContentCodingProblem.TooLarge && grant < MaxBodyBytes)
                {
                    return await Busy(stream, linger, ct).ConfigureAwait(false);
                }

                if (problem != BotBottle.Dlp.ContentCodingProblem.None)
                {
                    return await Text(stream, problem == BotBottle.Dlp.ContentCodingProblem.TooLarge ? 413 : 415,
                        problem == BotBottle.Dlp.ContentCodingProblem.TooLarge ? $"git gate: the request inflates to more than {MaxBodyBytes / (1024 * 1024)} MiB" : $"git gate: Content-Encoding '{enc}' cannot be undone ({codingError})", true, ct).ConfigureAwait(false);
                }

                reservation.Release(grant - decoded.Length);
                input = decoded;
            }

            await RunServiceAsync(stream, repo, rest, input, ct).ConfigureAwait(false);
            return true;
        }

        await HttpBody.DiscardRequestBodyAsync(reader, head, 64 * 1024, ct).ConfigureAwait(false);
        return await Text(stream, 404, $"git gate: {head.Method} {path} is not part of git's smart HTTP protocol", !head.KeepAlive, ct).ConfigureAwait(false);
    }

    /// <summary>Refreshes the mirror (fail closed), then sends the service's ref advertisement.</summary>
    private async Task AdvertiseAsync(Stream stream, GitUpstream repo, string service, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        GitRun refresh;
        var gate = _refreshLocks[repo.Repository.Name];
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            refresh = await repo.RefreshAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }

        var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/x-{service}-advertisement\r\nCache-Control: no-cache, max-age=0, must-revalidate\r\nPragma: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct).ConfigureAwait(false);
        var chunked = new ChunkedWriteStream(stream);
        await chunked.WriteAsync(PktLine($"# service={service}\n"), ct).ConfigureAwait(false);
        await chunked.WriteAsync("0000"u8.ToArray(), ct).ConfigureAwait(false);
        if (!refresh.Succeeded)
        {
            var verb = service == "git-upload-pack" ? "fetch" : "push";
            var message = $"git gate: cannot {verb}: the upstream {repo.Url} could not be reached or refused the gate ({refresh.ErrorTail}); refusing to serve a stale mirror";
            _log.Event("git-refresh-failed", $"{repo.Repository.Name}: {message}");
            await chunked.WriteAsync(PktLine("ERR " + message), ct).ConfigureAwait(false);
            await chunked.CompleteAsync(ct).ConfigureAwait(false);
            return;
        }

        _log.Event("git-refresh", $"{repo.Repository.Name}: mirror refreshed from {repo.Url} in {sw.ElapsedMilliseconds} ms ({service})");
        await RunAsync(chunked, repo, service, ["--stateless-rpc", "--advertise-refs", repo.MirrorPath], [], null, ct).ConfigureAwait(false);
        await chunked.CompleteAsync(ct).ConfigureAwait(false);
    }

    private async Task RunServiceAsync(Stream stream, GitUpstream repo, string service, ReadOnlyMemory<byte> input, CancellationToken ct)
    {
        var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/x-{service}-result\r\nCache-Control: no-cache, max-age=0, must-revalidate\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct).ConfigureAwait(false);
        var chunked = new ChunkedWriteStream(stream);
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [GitPreReceiveCommand.ProposalTimeoutVariable] = ((int)_proposalTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var exit = await RunAsync(chunked, repo, service, ["--stateless-rpc", repo.MirrorPath], env, input, ct).ConfigureAwait(false);
        if (service == "git-receive-pack")
        {
            _log.Event("git-receive-pack", $"{repo.Repository.Name}: receive-pack exited {exit}");
        }

        await chunked.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs <c>git &lt;upload-pack|receive-pack&gt; args</c>, streaming its output to <paramref name="output"/>.</summary>
    /// <remarks>
    /// Through CliWrap: standard output is copied to <paramref name="output"/> as it arrives (flushed per read, so the
    /// client sees progress), standard input is <paramref name="input"/>, and <paramref name="ct"/> kills git's
    /// process tree.
    /// </remarks>
    private async Task<int> RunAsync(Stream output, GitUpstream repo, string service, string[] args, Dictionary<string, string?> env, ReadOnlyMemory<byte>? input, CancellationToken ct)
    {
        var environment = new Dictionary<string, string?>(GitUpstream.BaseEnvironment, StringComparer.Ordinal);
        foreach (var (k, v) in env)
        {
            environment[k] = v;
        }

        var stderr = new StringBuilder();
        var result = await Cli.Wrap("git")
            .WithArguments([service["git-".Length..], .. args])
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(input is null ? PipeSource.Null : PipeSource.FromBytes(input.Value))
            .WithStandardOutputPipe(PipeTarget.Create((source, token) => CopyFlushingAsync(source, output, token)))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr, Encoding.UTF8))
            .ExecuteAsync(ct).ConfigureAwait(false);
        if (result.ExitCode != 0 && stderr.ToString().Trim() is { Length: > 0 } err)
        {
            _log.Event("git-service-error", $"{repo.Repository.Name}: {service} exited {result.ExitCode}: {_dlp.RedactText(err)}");
        }

        return result.ExitCode;
    }

    private static async Task CopyFlushingAsync(Stream source, Stream output, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A pkt-line (gitprotocol-common(5)): four hex digits of total length, then the payload.</summary>
    internal static byte[] PktLine(string payload)
    {
        var data = Encoding.UTF8.GetBytes(payload);
        var result = new byte[data.Length + 4];
        Encoding.ASCII.GetBytes((data.Length + 4).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)).CopyTo(result, 0);
        data.CopyTo(result, 4);
        return result;
    }

    /// <summary>503 for a request whose body the shared budget has no room for now; the connection closes (its body was not read).</summary>
    private async Task<bool> Busy(Stream stream, StrongBox<bool> linger, CancellationToken ct)
    {
        linger.Value = true;
        var message = $"git gate: other pushes or fetches hold the gate's memory for request bodies ({_bodyBudget.Capacity / (1024 * 1024)} MiB in all); retry when they finish";
        _log.Event("git-gate-busy", message);
        return await Text(stream, 503, message, true, ct).ConfigureAwait(false);
    }

    private static async Task<bool> Text(Stream stream, int status, string message, bool close, CancellationToken ct)
    {
        await Responses.WriteAsync(stream, status, Responses.Reason(status), "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"), [], close, ct).ConfigureAwait(false);
        return !close;
    }

    public async ValueTask DisposeAsync()
    {
        await _connections.DisposeAsync().ConfigureAwait(false);
        foreach (var l in _refreshLocks.Values)
        {
            l.Dispose();
        }
    }
}
