using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BotBottle.Dlp;
using BotBottle.Egress;
using BotBottle.Policy;
using BotBottle.Sidecar.Http;

namespace BotBottle.Sidecar.Egress;

/// <summary>One client (agent) connection: a loop of requests, possibly turning into a TLS tunnel after CONNECT.</summary>
internal sealed class ClientSession : IAsyncDisposable
{
    /// <summary>The pseudo-host that serves the proxy's own endpoints (<c>GET http://_egress.local/allowlist</c>).</summary>
    public const string LocalHost = "_egress.local";

    /// <summary>Bodies up to this size are written together with their head.</summary>
    private const int CoalesceLimit = 16 * 1024;

    private readonly EgressProxy _proxy;
    private readonly Socket _socket;
    private readonly string? _client;

    /// <summary>
    /// The client connection under everything written to the client (under the TLS stream in a tunnel). Corked while a
    /// response is written, so its head and body records go out in as few <c>send</c> calls as the upstream allows.
    /// </summary>
    private CorkingStream? _cork;

    /// <summary>The session's one timeout source (linked to the proxy's stop), re-armed for each phase; see <see cref="Deadline"/>.</summary>
    private CancellationTokenSource? _timeout;

    /// <summary>
    /// Bytes of the current request's body reserved against the proxy's shared budget. A session serves one request at a
    /// time, so the reservation (and the delegate that grows it, <see cref="_reserve"/>) live here instead of in a closure
    /// allocated per request; it is emptied after each request.
    /// </summary>
    private readonly BudgetReservation _reservation;

    /// <summary>Response body bytes relayed for the current request (grown by <see cref="_countResponseBytes"/>).</summary>
    private long _responseBytes;

    /// <summary>Reserves more of the body budget for a chunked body as it arrives; one per session.</summary>
    private readonly Func<long, bool> _reserve;

    /// <summary>Counts relayed response bytes; one per session.</summary>
    private readonly Action<long> _countResponseBytes;

    /// <summary>
    /// Set when a response was sent before its request had been read to the end (a refusal on the head, a body over the
    /// budget or the limit, a malformed request): the client may still be sending, so the session ends with a
    /// lingering close (<see cref="LingeringClose"/>, RFC 9112 §9.6) instead of a close that the kernel turns into a
    /// reset the client can see before it reads the response.
    /// </summary>
    private bool _linger;

    public ClientSession(EgressProxy proxy, Socket socket)
    {
        _proxy = proxy;
        _socket = socket;
        _client = (socket.RemoteEndPoint as IPEndPoint)?.Address.ToString();
        _reservation = new BudgetReservation(proxy.BodyBudget);
        _reserve = _reservation.TryReserve;
        _countResponseBytes = n => _responseBytes += n;
    }

    /// <summary>The pool key of the last upstream this session used, rebuilt only when the upstream changes (a tunnel has one).</summary>
    private (bool Tls, string Host, int Port, string Key)? _upstreamKey;

    private string UpstreamKey(bool tls, string host, int port)
    {
        if (_upstreamKey is { } k && k.Tls == tls && k.Port == port && k.Host.Equals(host, StringComparison.Ordinal))
        {
            return k.Key;
        }

        var key = UpstreamPool.Key(tls, host, port);
        _upstreamKey = (tls, host, port, key);
        return key;
    }

    private EgressProxyOptions Options => _proxy.Options;

    /// <summary>
    /// A token cancelled after <paramref name="after"/> or when the proxy stops. A session's phases (request head, request
    /// body, response head, response body) run one after another, so they share one source, reset for each phase, instead
    /// of a linked source and a timer per phase and request (the allocation profile of a GET showed them at ~9 % of the
    /// bytes allocated per request). Starting a phase ends the previous one's deadline.
    /// </summary>
    private CancellationToken Deadline(TimeSpan after)
    {
        if (_timeout is null || !_timeout.TryReset())
        {
            _timeout?.Dispose();
            _timeout = CancellationTokenSource.CreateLinkedTokenSource(_proxy.Stopping);
        }

        _timeout.CancelAfter(after);
        return _timeout.Token;
    }

    public async Task RunAsync()
    {
        var network = new NetworkStream(_socket, ownsSocket: false);
        await using (network.ConfigureAwait(false))
        {
            // Reading ahead as upstream connections do: a 64 KiB request body's TLS records in one or two recv calls.
            using var cork = new CorkingStream(network, readAhead: 64 * 1024);
            _cork = cork;
            using var reader = new BufferedReader(cork);
            await ServeAsync(reader, cork, tunnel: null).ConfigureAwait(false);
        }

        if (_linger)
        {
            await LingeringClose.DrainAsync(_socket, _proxy.Stopping).ConfigureAwait(false);
        }
    }

    /// <summary>Serves requests on a plain connection (<paramref name="tunnel"/> null) or inside a CONNECT tunnel.</summary>
    private async Task ServeAsync(BufferedReader reader, Stream stream, Tunnel? tunnel)
    {
        var first = true;
        while (!_proxy.Stopping.IsCancellationRequested)
        {
            HttpHead head;
            {
                var headDeadline = Deadline(first ? Options.HeadTimeout : Options.IdleTimeout);
                int length;
                try
                {
                    length = await reader.ReadHeadAsync(Options.MaxHeadBytes, headDeadline).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_proxy.Stopping.IsCancellationRequested)
                {
                    if (reader.BufferedCount > 0)
                    {
                        await RefuseUnreadAsync(stream, 408, "Request Timeout", "the request head did not arrive in time").ConfigureAwait(false);
                    }

                    return;
                }
                catch (EndOfStreamException)
                {
                    return;
                }

                if (length == 0)
                {
                    return;
                }

                if (length < 0)
                {
                    await RefuseUnreadAsync(stream, 431, "Request Header Fields Too Large", $"the request head exceeds {Options.MaxHeadBytes} bytes").ConfigureAwait(false);
                    return;
                }

                try
                {
                    head = HttpHead.ParseRequest(reader.Buffered[..length]);
                }
                catch (HttpParseException ex)
                {
                    await RefuseUnreadAsync(stream, ex.Status, Responses.Reason(ex.Status), ex.Message).ConfigureAwait(false);
                    return;
                }

                reader.Consume(length);
            }

            first = false;
            bool keepGoing;
            try
            {
                if (head.Method == "CONNECT")
                {
                    if (tunnel is not null)
                    {
                        await RefuseUnreadAsync(stream, 400, "Bad Request", "CONNECT inside a tunnel is not supported").ConfigureAwait(false);
                        return;
                    }

                    await HandleConnectAsync(reader, stream, head).ConfigureAwait(false);
                    return;
                }

                keepGoing = await HandleRequestAsync(reader, stream, head, tunnel).ConfigureAwait(false);
            }
            catch (HttpParseException ex)
            {
                await RefuseUnreadAsync(stream, ex.Status, Responses.Reason(ex.Status), ex.Message).ConfigureAwait(false);
                return;
            }

            if (!keepGoing)
            {
                return;
            }
        }
    }

    private async Task HandleConnectAsync(BufferedReader reader, Stream stream, HttpHead head)
    {
        if (!TrySplitAuthority(head.Target, 443, out var host, out var port))
        {
            await RefuseUnreadAsync(stream, 400, "Bad Request", "CONNECT needs host:port").ConfigureAwait(false);
            return;
        }

        host = HostName.Normalize(host);
        if (HostName.TryParseIpLiteral(host) is not null || !HostName.IsValidDnsName(host))
        {
            // No tunnel to an address or a malformed name: refuse in plain text (there is no TLS yet).
            var decision = _proxy.Policy.Current.Evaluate(new EgressRequest("CONNECT", "https", host, port, "/", string.Empty, []));
            LogRefusal("CONNECT", "https", host, port, "/", false, Refusal.Of(decision), 403);
            _linger = true;
            await Responses.WriteRefusalAsync(stream, "CONNECT", $"{host}:{port}", decision.Denial!.Value.ToString(), decision.Message, [], close: true, _proxy.Stopping).ConfigureAwait(false);
            return;
        }

        if (!await ConnectTargetPassesDlpAsync(stream, host, port).ConfigureAwait(false))
        {
            return;
        }

        await stream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), _proxy.Stopping).ConfigureAwait(false);

        // Bytes the client sent after the CONNECT head (e.g. an eager ClientHello) are still in the reader.
        var inner = new ReaderStream(reader, stream);
        var ssl = new SslStream(inner, leaveInnerStreamOpen: true);
        await using (ssl.ConfigureAwait(false))
        {
            using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(_proxy.Stopping);
            handshakeTimeout.CancelAfter(Options.HeadTimeout);
            var connectHost = host;
            await ssl.AuthenticateAsServerAsync(
                (_, hello, _, _) =>
                {
                    var sni = string.IsNullOrEmpty(hello.ServerName) ? connectHost : HostName.Normalize(hello.ServerName);
                    if (!sni.Equals(connectHost, StringComparison.Ordinal))
                    {
                        // SNI names a different host than the tunnel: no certificate, handshake fails.
                        throw new AuthenticationExceptionWithReason($"TLS SNI '{sni}' does not match the CONNECT host '{connectHost}'");
                    }

                    return ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = _proxy.LeafFor(connectHost),
                        ApplicationProtocols = [SslApplicationProtocol.Http11],
                        ClientCertificateRequired = false,
                        AllowRenegotiation = false, // TLS 1.2 renegotiation is never needed here and is refused (hardening)
                        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                    });
                },
                null,
                handshakeTimeout.Token).ConfigureAwait(false);

            using var tlsReader = new BufferedReader(ssl);
            await ServeAsync(tlsReader, ssl, new Tunnel(host, port)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// DLP on the <c>CONNECT</c> target before the tunnel exists (issue 16): a name a route allows (the route lists it,
    /// e.g. <c>&lt;hex blob&gt;.example.com</c>) is scanned as the host of a <c>CONNECT</c> request, exactly as
    /// <c>bot-bottle egress check</c> scans <c>CONNECT https://host:port/</c> (<c>host-encoded-data</c>, tokens and
    /// known secrets in the name), and the route's <c>outbound_on_match</c> applies: <c>block</c> (and <c>redact</c>: a
    /// name cannot be redacted) refuse with 403 and the DLP reasons, in plain text, before any TLS handshake, leaf
    /// certificate or upstream connection; <c>supervise</c> holds the tunnel for the operator. The TLS SNI inside the
    /// tunnel must equal this host (checked in the handshake), so it is covered too. Targets no route allows are left
    /// to the per-request policy decision inside the tunnel, as before.
    /// </summary>
    /// <returns><see langword="true"/> when the tunnel may be opened; otherwise the refusal has been written.</returns>
    private async Task<bool> ConnectTargetPassesDlpAsync(Stream stream, string host, int port)
    {
        var decision = _proxy.Policy.Current.Evaluate(new EgressRequest("CONNECT", "https", host, port, "/", string.Empty, []));
        if (!decision.Allowed || decision.Route is not { } route)
        {
            return true;
        }

        var authority = port == 443 ? host : $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
        var request = new InspectedRequest("CONNECT", authority, "/", [], ReadOnlyMemory<byte>.Empty, null);
        var inspection = _proxy.Inspector.InspectRequest(request, route);
        if (inspection.Verdict == InspectionVerdict.Supervise && _proxy.Supervisor is { } supervisor)
        {
            var (approved, _) = await supervisor.HoldAsync(request, inspection, _proxy.Stopping).ConfigureAwait(false);
            if (approved)
            {
                inspection = _proxy.Inspector.InspectRequest(request, route);
            }
        }

        if (inspection.Verdict is not (InspectionVerdict.Block or InspectionVerdict.Supervise or InspectionVerdict.Redact))
        {
            return true;
        }

        var verdict = inspection.Verdict == InspectionVerdict.Supervise ? "supervise" : "block";
        var why = string.Join("; ", inspection.Reasons.Select(r => $"{r.Detector}/{r.Rule} in {r.Location}: {r.Message}"));
        _proxy.Log.Request(new EgressLogEntry
        {
            Decision = verdict, Method = "CONNECT", Scheme = "https", Host = RedactedHost(host, inspection), Port = port, Path = "/", HasQuery = false, Status = 403,
            Reasons = inspection.Reasons, Client = _client,
        });
        _linger = true;
        await Responses.WriteRefusalAsync(stream, "CONNECT", authority, "Dlp", $"the tunnel's host name looks like it carries data ({why}); no tunnel was opened.",
            inspection.Reasons, close: true, _proxy.Stopping, verdict).ConfigureAwait(false);
        return false;
    }

    /// <summary>Handles one request; returns <see langword="true"/> when the client connection can carry another.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> HandleRequestAsync(BufferedReader reader, Stream client, HttpHead head, Tunnel? tunnel)
    {
        var started = Stopwatch.GetTimestamp();
        string scheme, host, pathAndQuery;
        int port;
        if (tunnel is not null)
        {
            scheme = "https";
            host = tunnel.Host;
            port = tunnel.Port;
            if (head.Target.StartsWith('/'))
            {
                pathAndQuery = head.Target;
            }
            else if (TrySplitAbsolute(head.Target, out var s, out var h, out var p, out var pq) && s == "https")
            {
                if (!HostName.Normalize(h).Equals(host, StringComparison.Ordinal) || p != port)
                {
                    return await RefuseAsync(reader, client, head, scheme, host, port, head.Target, EgressDenial.HostMismatch,
                        $"the request names {h}:{p} inside a tunnel to {host}:{port}.", null).ConfigureAwait(false);
                }

                pathAndQuery = pq;
            }
            else
            {
                await RefuseUnreadAsync(client, 400, "Bad Request", "inside a CONNECT tunnel, send origin-form request targets").ConfigureAwait(false);
                return false;
            }

            // Domain fronting guard: inside a tunnel the Host header is required (the policy checks that it names the
            // tunnel's authority, as it does for absolute-form requests).
            if (head.Get("Host") is null)
            {
                return await RefuseAsync(reader, client, head, scheme, host, port, pathAndQuery, EgressDenial.HostMismatch,
                    $"a request inside the tunnel to {host} must carry a Host header naming it.", null).ConfigureAwait(false);
            }
        }
        else if (TrySplitAbsolute(head.Target, out var s2, out var h2, out var p2, out var pq2))
        {
            if (s2 != "http")
            {
                await RefuseUnreadAsync(client, 400, "Bad Request", "absolute-form https:// requests are not accepted; use CONNECT").ConfigureAwait(false);
                return false;
            }

            scheme = s2;
            host = HostName.Normalize(h2);
            port = p2;
            pathAndQuery = pq2;
        }
        else if (head.Target.StartsWith('/') && head.Get("Host") is { } localHost && HostName.Normalize(localHost.Split(':')[0]) == LocalHost)
        {
            scheme = "http";
            host = LocalHost;
            port = 80;
            pathAndQuery = head.Target;
        }
        else
        {
            await RefuseUnreadAsync(client, 400, "Bad Request",
                "this is a forward proxy: send absolute-form requests (http://host/path) or CONNECT host:443").ConfigureAwait(false);
            return false;
        }

        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        var query = q < 0 ? string.Empty : pathAndQuery[(q + 1)..];

        if (host == LocalHost)
        {
            return await ServeLocalAsync(reader, client, head, path).ConfigureAwait(false);
        }

        var policy = _proxy.Policy.Current; // one snapshot for the whole request
        var headers = head.AsPairs();
        var decision = policy.Evaluate(new EgressRequest(head.Method, scheme, host, port, path, query, EgressRequest.ForwardedFields(headers))); // judged as forwarded: no hop-by-hop field
        if (!decision.Allowed)
        {
            return await RefuseAsync(reader, client, head, scheme, host, port, path, decision.Denial!.Value, decision.Message, null, q >= 0).ConfigureAwait(false);
        }

        // Forward exactly what the rules matched: the normalised path (RFC 3986 §5.2.4), the query as sent.
        path = decision.Path ?? path;
        pathAndQuery = q < 0 ? path : path + "?" + query;

        var route = decision.Route!;
        var isWebSocket = head.Upgrade is { } up && up.Equals("websocket", StringComparison.OrdinalIgnoreCase);
        if (head.Upgrade is not null && !isWebSocket)
        {
            return await RefuseAsync(reader, client, head, scheme, host, port, path, EgressDenial.NoMatch, $"protocol upgrade to '{head.Upgrade}' is not supported.", route, q >= 0).ConfigureAwait(false);
        }

        // The declared body counts against the shared budget before anything is read (or 100 Continue sent).
        if (!head.Chunked && !_reservation.TryReserve(Math.Min(head.ContentLength ?? 0, Options.MaxBodyBytes + 1)))
        {
            return await BusyAsync(client, head, scheme, host, port, path, q >= 0).ConfigureAwait(false);
        }

        try
        {
            return await HandleBodyAsync(reader, client, head, scheme, host, port, path, pathAndQuery, q, query, headers, route, isWebSocket, started).ConfigureAwait(false);
        }
        catch (BodyBudgetExceededException)
        {
            // The part of the body read so far is dropped: its reservation goes back before the refusal is written, so
            // a client that has read the 503 sees the budget it may retry against.
            _reservation.ReleaseAll();
            return await BusyAsync(client, head, scheme, host, port, path, q >= 0).ConfigureAwait(false);
        }
        finally
        {
            _reservation.ReleaseAll();
        }
    }

    private async Task<bool> BusyAsync(Stream client, HttpHead head, string scheme, string host, int port, string path, bool hasQuery)
    {
        const string why = "the proxy is holding as many request bodies as its memory budget allows; retry shortly";
        LogRefusal(head.Method, scheme, host, port, path, hasQuery, new Refusal("ProxyBusy", "body", why), 503);
        _linger = true;
        await Responses.WriteAsync(client, 503, "Service Unavailable", "text/plain; charset=utf-8", Encoding.UTF8.GetBytes($"BotBottle egress proxy: {why}\n"),
            [(Responses.ReasonHeader, "ProxyBusy"), ("Retry-After", "1")], close: true, _proxy.Stopping).ConfigureAwait(false);
        return false;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> HandleBodyAsync(BufferedReader reader, Stream client, HttpHead head, string scheme, string host, int port, string path, string pathAndQuery, int q, string query,
        IReadOnlyList<KeyValuePair<string, string>> headers, EgressRoute route, bool isWebSocket, long started)
    {
        if (head.ExpectContinue)
        {
            await client.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), _proxy.Stopping).ConfigureAwait(false);
        }

        PooledBody? body;
        {
            var bodyDeadline = Deadline(Options.IdleTimeout);
            try
            {
                body = await HttpBody.ReadRequestBodyAsync(reader, head, Options.MaxBodyBytes, bodyDeadline, head.Chunked ? _reserve : null).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_proxy.Stopping.IsCancellationRequested)
            {
                await RefuseUnreadAsync(client, 408, "Request Timeout", "the request body did not arrive in time").ConfigureAwait(false);
                return false;
            }
            catch (EndOfStreamException)
            {
                return false;
            }
        }

        if (body is null)
        {
            var tooLarge = $"request bodies over {Options.MaxBodyBytes} bytes cannot be inspected and are refused";
            // Logged before the answer, like every refusal: the lingering close after it may take a while.
            LogRefusal(head.Method, scheme, host, port, path, q >= 0, new Refusal("BodyTooLarge", "body", tooLarge), 413);
            await RefuseUnreadAsync(client, 413, "Content Too Large", tooLarge).ConfigureAwait(false);
            return false;
        }

        using (body)
        {
            // Every content coding is undone before DLP and the decoded body is what goes upstream; past the limit, or
            // for a coding that cannot be undone, the request is refused, never forwarded unscanned.
            var requestBody = body.Memory;
            // Only a body can carry a coding: a GET (no body) or a head without Content-Encoding skips the header walk
            // (the profile of GET 1 KiB showed ContentCodings.Of at 1.1 % of the sidecar's CPU, its LINQ and list included).
            if (body.Length > 0 && head.Get("Content-Encoding") is not null && ContentCodings.Of(headers) is { } codings)
            {
                var problem = ContentCodings.TryDecode(body.Memory, codings, Options.MaxDecodedBodyBytes, out var decoded, out var codingError);
                if (problem != ContentCodingProblem.None)
                {
                    var (status, why) = problem == ContentCodingProblem.TooLarge
                        ? (413, $"the request body decodes to more than {Options.MaxDecodedBodyBytes} bytes and cannot be inspected")
                        : (415, $"the request body's Content-Encoding '{codings}' cannot be undone for inspection ({codingError}; the sidecar undoes {ContentCodings.Supported}, at most {ContentCodings.MaxLayers} layers); send it uncompressed or with one of those codings");
                    LogRefusal(head.Method, scheme, host, port, path, q >= 0,
                        new Refusal(problem == ContentCodingProblem.TooLarge ? "BodyTooLarge" : "UnsupportedContentEncoding", "header:Content-Encoding", why), status);
                    await Responses.WriteErrorAsync(client, status, Responses.Reason(status), why, close: true, _proxy.Stopping).ConfigureAwait(false);
                    return false;
                }

                requestBody = decoded;
                headers = ContentCodings.Without(headers);
            }

            // Content inspection (DLP) on the allowed route.
            var request = new InspectedRequest(head.Method, host, pathAndQuery, headers, requestBody, head.Get("Content-Type"));
            // A route that scans nothing (outbound_detectors: []) has no long work to move: the hop to a worker would only
            // cost a wake-up (POST 64 KiB on such a route: 3 futex calls per request, all of them from this hop).
            if (EventThread.ShouldLeave(requestBody.Length) && route.Dlp.OutboundDetectors.ToDlpDetectors() != DlpDetectors.None)
            {
                await Task.Yield();
            }

            var inspection = _proxy.Inspector.InspectRequest(request, route);
            if (inspection.Verdict == InspectionVerdict.Supervise && _proxy.Supervisor is { } supervisor)
            {
                // Hold the request until the operator decides (an egress-token-allow proposal); fail closed.
                var (approved, notes) = await supervisor.HoldAsync(request, inspection, _proxy.Stopping).ConfigureAwait(false);
                if (approved)
                {
                    inspection = _proxy.Inspector.InspectRequest(request, route);
                }
                else
                {
                    var held = string.Join("; ", inspection.Reasons.Select(r => $"{r.Detector}/{r.Rule} in {r.Location}: {r.Message}"));
                    _proxy.Log.Request(new EgressLogEntry
                    {
                        Decision = "block", Method = head.Method, Scheme = scheme, Host = RedactedHost(host, inspection), Port = port, Path = RedactedPath(path, inspection), HasQuery = q >= 0,
                        Status = 403, Reasons = inspection.Reasons, RequestBytes = body.Length, Milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds, Client = _client,
                    });
                    await Responses.WriteRefusalAsync(client, head.Method, $"{scheme}://{host}{path}", "Dlp",
                        $"outbound data looks like a credential ({held}); the request was held for the operator, who did not approve it: {notes}", inspection.Reasons, close: !head.KeepAlive, _proxy.Stopping, "supervise").ConfigureAwait(false);
                    return head.KeepAlive;
                }
            }

            switch (inspection.Verdict)
            {
                case InspectionVerdict.Block:
                case InspectionVerdict.Supervise:
                    var verdict = inspection.Verdict == InspectionVerdict.Block ? "block" : "supervise";
                    var why = string.Join("; ", inspection.Reasons.Select(r => $"{r.Detector}/{r.Rule} in {r.Location}: {r.Message}"));
                    var message = inspection.Verdict == InspectionVerdict.Supervise
                        ? $"outbound data looks like a credential ({why}). The route's policy is 'supervise', but this sidecar cannot hold requests for the operator yet, so it blocks instead."
                        : $"outbound data looks like a credential ({why}); the route's policy is 'block'.";
                    _proxy.Log.Request(new EgressLogEntry
                    {
                        Decision = verdict, Method = head.Method, Scheme = scheme, Host = RedactedHost(host, inspection), Port = port, Path = RedactedPath(path, inspection), HasQuery = q >= 0,
                        Status = 403, Reasons = inspection.Reasons, RequestBytes = body.Length, Milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds, Client = _client,
                    });
                    await Responses.WriteRefusalAsync(client, head.Method, $"{scheme}://{host}{path}", "Dlp", message, inspection.Reasons, close: !head.KeepAlive, _proxy.Stopping, verdict).ConfigureAwait(false);
                    return head.KeepAlive;
                case InspectionVerdict.Redact when inspection.Rewritten is { } rewritten:
                    request = rewritten;
                    break;
            }

            return await ForwardAsync(reader, client, head, request, scheme, host, port, path, q >= 0, route, isWebSocket, inspection, started).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ForwardAsync(BufferedReader clientReader, Stream client, HttpHead head, InspectedRequest request, string scheme, string host, int port, string path, bool hasQuery,
        EgressRoute route, bool isWebSocket, InspectionResult inspection, long started)
    {
        string? authValue = null, authHeader = null;
        if (route.Auth is { } auth)
        {
            if (!Options.Secrets.TryGetValue(auth.TokenRef, out var token) || string.IsNullOrEmpty(token))
            {
                await Responses.WriteErrorAsync(client, 502, "Bad Gateway",
                    $"the route for {host} injects the credential '{auth.TokenRef}', but the sidecar was not given a value for it; ask the operator to set it and restart the bottle.", close: !head.KeepAlive, _proxy.Stopping).ConfigureAwait(false);
                _proxy.Log.Event("auth-missing", $"route {RedactedHost(host, inspection)} needs token_ref {auth.TokenRef} which the sidecar does not have");
                return head.KeepAlive;
            }

            // Whatever the agent sent in that header (a placeholder, any letter case, repeated) is dropped below.
            authHeader = auth.HeaderName;
            authValue = auth.HeaderValue(token);
        }

        using var upstreamHead = new HeadBuilder();
        upstreamHead.Append(request.Method).Append(" ").Append(request.PathAndQuery).Line(" HTTP/1.1");
        // The Host field is generated from the target the policy judged, never relayed (RFC 9112 §3.2.2).
        if (port == EgressRoute.DefaultPort(scheme))
        {
            upstreamHead.Header("Host", host);
        }
        else
        {
            upstreamHead.Append("Host: ").Append(host).Append(":").Append(port).Crlf();
        }

        for (var i = 0; i < request.Headers.Count; i++) // indexed: foreach over the interface allocates an enumerator
        {
            var (name, value) = request.Headers[i];
            if (head.IsHopByHop(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Expect", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Host", StringComparison.OrdinalIgnoreCase)

                // WebSocket extensions are not offered upstream: DLP reads every message as sent, so nothing may be
                // compressed (permessage-deflate, RFC 7692) or otherwise transformed on the wire.
                || (isWebSocket && name.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase))
                // On a route that injects a credential, the agent's own Authorization and the other well-known
                // credential fields go too, whatever the scheme (PRODUCT.md §1.4): a `header` route (x-api-key) must
                // not carry a placeholder, a stray Bearer or another account's key upstream.
                || (route.Auth?.DropsField(name) ?? false))
            {
                continue;
            }

            upstreamHead.Header(name, value);
        }

        if (authValue is not null)
        {
            upstreamHead.Header(authHeader!, authValue);
        }

        if (isWebSocket)
        {
            upstreamHead.Header("Connection", "Upgrade").Header("Upgrade", head.Upgrade!);
        }
        else if (request.Body.Length > 0 || head.ContentLength is not null || head.Chunked)
        {
            upstreamHead.Header("Content-Length", request.Body.Length);
        }

        upstreamHead.Crlf();

        // A small body goes out with its head: one write, one TLS record.
        var bodyCoalesced = !isWebSocket && request.Body.Length is > 0 and <= CoalesceLimit;
        if (bodyCoalesced)
        {
            upstreamHead.AppendBytes(request.Body.Span);
        }

        UpstreamConnection upstream;
        HttpHead response;
        var attempt = 0;
        while (true)
        {
            try
            {
                upstream = await _proxy.Upstreams.AcquireAsync(UpstreamKey(scheme == "https", host, port), scheme == "https", host, port, route.AllowPrivate, _proxy.Stopping).ConfigureAwait(false);
            }
            catch (UpstreamRefusedException ex)
            {
                var status = ex.Denial == EgressDenial.ResolutionFailed ? 502 : 403;
                LogRefusal(head.Method, scheme, host, port, path, hasQuery, Refusal.Of(EgressDecision.Deny(ex.Denial, ex.Message, route)), status);
                if (status == 403)
                {
                    await Responses.WriteRefusalAsync(client, head.Method, $"{scheme}://{host}{path}", ex.Denial.ToString(), ex.Message, [], close: !head.KeepAlive, _proxy.Stopping).ConfigureAwait(false);
                }
                else
                {
                    await Responses.WriteErrorAsync(client, 502, "Bad Gateway", ex.Message, close: !head.KeepAlive, _proxy.Stopping).ConfigureAwait(false);
                }

                return head.KeepAlive;
            }
            catch (IOException ex)
            {
                await Responses.WriteErrorAsync(client, 502, "Bad Gateway", ex.Message, close: !head.KeepAlive, _proxy.Stopping).ConfigureAwait(false);
                LogOutcome(head.Method, scheme, host, port, path, hasQuery, 502, inspection, request.Body.Length, 0, started);
                return head.KeepAlive;
            }

            try
            {
                // A body written apart from its head goes in the same send (the corked connection sends both on the flush).
                var separateBody = !bodyCoalesced && !isWebSocket && request.Body.Length > 0;
                if (separateBody)
                {
                    upstream.Connection.Cork();
                }

                try
                {
                    await upstream.Stream.WriteAsync(upstreamHead.Memory, _proxy.Stopping).ConfigureAwait(false);
                    if (separateBody)
                    {
                        await upstream.Stream.WriteAsync(request.Body, _proxy.Stopping).ConfigureAwait(false);
                    }

                    await upstream.Stream.FlushAsync(_proxy.Stopping).ConfigureAwait(false);
                }
                finally
                {
                    upstream.Connection.Uncork();
                }

                response = await ReadResponseHeadAsync(upstream).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or SocketException && upstream.Reused && attempt++ == 0)
            {
                // A pooled connection the upstream had closed: retry once on a fresh one (nothing was received).
                await upstream.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or SocketException or HttpParseException or OperationCanceledException && !_proxy.Stopping.IsCancellationRequested)
            {
                await upstream.DisposeAsync().ConfigureAwait(false);
                var msg = ex is OperationCanceledException ? "the upstream did not answer in time" : $"the upstream connection failed: {ex.Message}";
                await Responses.WriteErrorAsync(client, ex is OperationCanceledException ? 504 : 502, ex is OperationCanceledException ? "Gateway Timeout" : "Bad Gateway", msg, close: true, _proxy.Stopping).ConfigureAwait(false);
                LogOutcome(head.Method, scheme, host, port, path, hasQuery, 502, inspection, request.Body.Length, 0, started);
                return false;
            }
        }

        if (isWebSocket && response.StatusCode == 101 && response.Get("Sec-WebSocket-Extensions") is not null)
        {
            // An extension we did not offer (RFC 6455 §9.1: the client must fail the connection).
            await upstream.DisposeAsync().ConfigureAwait(false);
            await Responses.WriteErrorAsync(client, 502, "Bad Gateway", "the upstream negotiated a WebSocket extension that was not offered", close: true, _proxy.Stopping).ConfigureAwait(false);
            return false;
        }

        if (isWebSocket && response.StatusCode == 101)
        {
            await RelayResponseHeadAsync(client, response, chunked: false, close: false, extra: null).ConfigureAwait(false);
            LogOutcome(head.Method, scheme, host, port, path, hasQuery, 101, inspection, request.Body.Length, 0, started);
            await using (upstream.ConfigureAwait(false))
            {
                using var relay = new WebSocketRelay(_proxy, route, host);
                await relay.RunAsync(new ReaderStream(clientReader, client), upstream).ConfigureAwait(false);
            }

            return false;
        }

        var noBody = head.Method == "HEAD" || response.StatusCode is 204 or 304 || (response.StatusCode is >= 100 and < 200);
        var delimitedByClose = !noBody && !response.Chunked && response.ContentLength is null;
        var keepClient = head.KeepAlive && !delimitedByClose && !isWebSocket;

        if (route.Dlp.InboundDetectors.Length > 0 && !noBody)
        {
            using var fullBody = await HttpBody.ReadResponseBodyAsync(upstream.Reader, response, noBody, Options.MaxInspectedResponseBytes, _proxy.Stopping).ConfigureAwait(false);
            if (fullBody is null)
            {
                await upstream.DisposeAsync().ConfigureAwait(false);
                await Responses.WriteErrorAsync(client, 502, "Bad Gateway", $"the response is larger than {Options.MaxInspectedResponseBytes} bytes and this route scans responses", close: true, _proxy.Stopping).ConfigureAwait(false);
                return false;
            }

            if (EventThread.ShouldLeave(fullBody.Length))
            {
                await Task.Yield();
            }

            var inbound = _proxy.Inspector.InspectResponse(host, fullBody.Memory, response.Get("Content-Type"), route);
            var upstreamReusable = !delimitedByClose && response.KeepAlive;
            if (upstreamReusable)
            {
                _proxy.Upstreams.Return(upstream);
            }
            else
            {
                await upstream.DisposeAsync().ConfigureAwait(false);
            }

            if (inbound.Verdict == InspectionVerdict.Block)
            {
                var why = string.Join("; ", inbound.Reasons.Select(r => $"{r.Detector}/{r.Rule}: {r.Message}"));
                _proxy.Log.Request(new EgressLogEntry
                {
                    Decision = "block", Method = head.Method, Scheme = scheme, Host = RedactedHost(host, inspection), Port = port, Path = RedactedPath(path, inspection), HasQuery = hasQuery,
                    Status = 403, Reasons = inbound.Reasons, RequestBytes = request.Body.Length, ResponseBytes = fullBody.Length, Milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds, Client = _client,
                });
                await Responses.WriteRefusalAsync(client, head.Method, $"{scheme}://{host}{path}", "Injection",
                    $"the response from {host} was withheld: it looks like a prompt-injection attempt ({why}).", inbound.Reasons, close: !head.KeepAlive, _proxy.Stopping).ConfigureAwait(false);
                return head.KeepAlive;
            }

            if (inbound.Reasons.Count > 0)
            {
                _proxy.Log.Event("injection-suspected", $"{RedactedHost(host, inspection)}{RedactedPath(path, inspection)}: {string.Join("; ", inbound.Reasons.Select(r => r.Message))}");
            }

            // Head and body records in one send.
            _cork?.Cork();
            try
            {
                await RelayResponseHeadAsync(client, response, chunked: false, close: !head.KeepAlive, extra: ("Content-Length", fullBody.Length.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
                await client.WriteAsync(fullBody.Memory, _proxy.Stopping).ConfigureAwait(false);
                await client.FlushAsync(_proxy.Stopping).ConfigureAwait(false);
            }
            finally
            {
                _cork?.Uncork();
            }

            LogOutcome(head.Method, scheme, host, port, path, hasQuery, response.StatusCode, inspection, request.Body.Length, fullBody.Length, started);
            return head.KeepAlive;
        }

        // The body bytes that arrived with the head (a Content-Length body) go out with it: one write, so one TLS record
        // and one send instead of two. A body that arrived whole is then done. The client connection stays corked until
        // the response is complete: the relay flushes whenever the upstream has nothing more for now (never holding a
        // streamed body back) and at the end, so the head and as many body records as are there go out in one send.
        var withHead = !noBody && !response.Chunked && response.ContentLength is { } cl ? (int)Math.Min(upstream.Reader.BufferedCount, cl) : 0;
        var cork = noBody || response.ContentLength == withHead ? null : _cork; // one write needs no cork (and no copy)
        cork?.Cork();
        try
        {
            using (var b = new HeadBuilder())
            {
                BuildResponseHead(b, response, chunked: response.Chunked && !noBody, close: !keepClient, extra: null);
                b.AppendBytes(upstream.Reader.Buffered[..withHead]);
                upstream.Reader.Consume(withHead);
                await b.WriteToAsync(client, _proxy.Stopping).ConfigureAwait(false);
            }

            _responseBytes = withHead;
            bool upstreamReusable;
            if (noBody || response.ContentLength == withHead)
            {
                await client.FlushAsync(_proxy.Stopping).ConfigureAwait(false);
                upstreamReusable = response.KeepAlive;
            }
            else
            {
                try
                {
                    var complete = await HttpBody.RelayResponseBodyAsync(upstream.Reader, response, noBody, client, _countResponseBytes, Deadline(Options.ResponseTimeout), withHead).ConfigureAwait(false);
                    upstreamReusable = complete && response.KeepAlive;
                }
                catch (Exception ex) when (ex is IOException or EndOfStreamException or SocketException or HttpParseException or OperationCanceledException && !_proxy.Stopping.IsCancellationRequested)
                {
                    await upstream.DisposeAsync().ConfigureAwait(false);
                    LogOutcome(head.Method, scheme, host, port, path, hasQuery, response.StatusCode, inspection, request.Body.Length, _responseBytes, started);
                    return false; // the client saw a partial response; closing is the only honest signal
                }
            }

            if (upstreamReusable)
            {
                _proxy.Upstreams.Return(upstream);
            }
            else
            {
                await upstream.DisposeAsync().ConfigureAwait(false);
            }

            LogOutcome(head.Method, scheme, host, port, path, hasQuery, response.StatusCode, inspection, request.Body.Length, _responseBytes, started);
            return keepClient;
        }
        finally
        {
            cork?.Uncork();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpHead> ReadResponseHeadAsync(UpstreamConnection upstream)
    {
        var deadline = Deadline(Options.ResponseTimeout);
        while (true)
        {
            var length = await upstream.Reader.ReadHeadAsync(Options.MaxHeadBytes, deadline).ConfigureAwait(false);
            if (length == 0)
            {
                throw new EndOfStreamException("the upstream closed the connection without answering");
            }

            if (length < 0)
            {
                throw new HttpParseException(502, "the upstream's response head is too large");
            }

            var head = HttpHead.ParseResponse(upstream.Reader.Buffered[..length]);
            upstream.Reader.Consume(length);
            if (head.StatusCode is >= 100 and < 200 and not 101)
            {
                continue; // 100 Continue and other interim responses: we already answered Expect ourselves
            }

            return head;
        }
    }

    private async Task RelayResponseHeadAsync(Stream client, HttpHead response, bool chunked, bool close, (string Name, string Value)? extra)
    {
        using var b = new HeadBuilder();
        BuildResponseHead(b, response, chunked, close, extra);
        await b.WriteToAsync(client, _proxy.Stopping).ConfigureAwait(false);
        if (response.StatusCode == 101 || response.ContentLength == 0)
        {
            await client.FlushAsync(_proxy.Stopping).ConfigureAwait(false);
        }
    }

    /// <summary>The response head as relayed to the client: hop-by-hop fields dropped, <paramref name="extra"/> replacing a field of its name.</summary>
    private static void BuildResponseHead(HeadBuilder b, HttpHead response, bool chunked, bool close, (string Name, string Value)? extra)
    {
        b.Append("HTTP/1.1 ").Append(response.StatusCode).Append(" ").Line(response.ReasonPhrase.Length > 0 ? response.ReasonPhrase : Responses.Reason(response.StatusCode));
        foreach (var h in response.Headers)
        {
            if (response.StatusCode == 101 && (h.Name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || h.Name.Equals("Connection", StringComparison.OrdinalIgnoreCase)))
            {
                b.Header(h.Name, h.Value);
                continue;
            }

            if (response.IsHopByHop(h.Name) || (extra is { } e && h.Name.Equals(e.Name, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            b.Header(h.Name, h.Value);
        }

        if (extra is { } x)
        {
            b.Header(x.Name, x.Value);
        }

        if (chunked)
        {
            b.Header("Transfer-Encoding", "chunked");
        }

        if (close && response.StatusCode != 101)
        {
            b.Header("Connection", "close");
        }

        b.Crlf();
    }

    private async Task<bool> RefuseAsync(BufferedReader reader, Stream client, HttpHead head, string scheme, string host, int port, string path, EgressDenial denial, string message, EgressRoute? route, bool hasQuery = false)
    {
        var decision = EgressDecision.Deny(denial, message, route);
        LogRefusal(head.Method, scheme, host, port, path, hasQuery, Refusal.Of(decision), 403);
        // Keep the connection only if the unread body is small enough to skip and arrives in time.
        var canContinue = head.KeepAlive && !head.ExpectContinue && await DiscardBodyAsync(reader, head, 1024 * 1024).ConfigureAwait(false);
        _linger |= !canContinue && HasBody(head);
        await Responses.WriteRefusalAsync(client, head.Method, $"{scheme}://{host}{path}", denial.ToString(), message, [], close: !canContinue, _proxy.Stopping).ConfigureAwait(false);
        return canContinue;
    }

    private async Task<bool> ServeLocalAsync(BufferedReader reader, Stream client, HttpHead head, string path)
    {
        // A body the local endpoints never read: skipped when small and prompt, else the connection closes after the answer.
        var keep = head.KeepAlive && await DiscardBodyAsync(reader, head, 64 * 1024).ConfigureAwait(false);
        _linger |= !keep && HasBody(head);
        if (head.Method == "GET" && path == "/allowlist")
        {
            var json = AllowlistJson(_proxy.Policy.Current.Policy, _proxy.Policy.Generation);
            await Responses.WriteAsync(client, 200, "OK", "application/json", json, [], close: !keep, _proxy.Stopping).ConfigureAwait(false);
            return keep;
        }

        await Responses.WriteErrorAsync(client, 404, "Not Found", $"{LocalHost} serves GET /allowlist only", close: !keep, _proxy.Stopping).ConfigureAwait(false);
        return keep;
    }

    /// <summary>
    /// Writes an error response that closes the connection, sent before the request was read to its end: the session
    /// then ends with a lingering close (<see cref="_linger"/>).
    /// </summary>
    private Task RefuseUnreadAsync(Stream stream, int status, string reasonPhrase, string message)
    {
        _linger = true;
        return Responses.WriteErrorAsync(stream, status, reasonPhrase, message, close: true, _proxy.Stopping);
    }

    /// <summary>True when the request announces a body (chunked, a non-zero <c>Content-Length</c>, or <c>Expect: 100-continue</c>).</summary>
    private static bool HasBody(HttpHead head) => head.Chunked || (head.ContentLength ?? 0) > 0 || head.ExpectContinue;

    /// <summary>
    /// Reads and drops a refused request's body of at most <paramref name="limit"/> bytes so the connection can carry the
    /// next request; <see langword="false"/> (close after the answer) when it is larger, chunked, or does not arrive
    /// within the idle timeout — a client that announces a body and sends none cannot hold the connection's slot.
    /// </summary>
    private async ValueTask<bool> DiscardBodyAsync(BufferedReader reader, HttpHead head, long limit)
    {
        try
        {
            return await HttpBody.DiscardRequestBodyAsync(reader, head, limit, Deadline(Options.IdleTimeout)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_proxy.Stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The route table as JSON, without secret values (a route's <c>auth</c> shows its scheme and the name of its token reference only).</summary>
    internal static byte[] AllowlistJson(EgressPolicy policy, int generation)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("generation", generation);
            w.WriteNumber("log", (int)policy.Log);
            w.WritePropertyName("routes");
            RouteJson.WriteRoutes(w, policy.Routes);
            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    /// <summary>
    /// Why a request was refused before DLP gave a verdict, as the log's <c>policy</c> reason: the policy's denial at
    /// <c>url</c> (<c>method</c> for an unregistered method), or a body that cannot be inspected under the name the
    /// offline check gives it (<c>BodyTooLarge</c>, <c>UnsupportedContentEncoding</c> at <c>header:Content-Encoding</c>)
    /// or the proxy's own state (<c>ProxyBusy</c> at <c>body</c>).
    /// </summary>
    private readonly record struct Refusal(string Rule, string Location, string Message)
    {
        public static Refusal Of(EgressDecision decision) =>
            new(decision.Denial?.ToString() ?? "Allowed", decision.Denial == EgressDenial.UnregisteredMethod ? "method" : "url", decision.Message);
    }

    private void LogRefusal(string method, string scheme, string host, int port, string path, bool hasQuery, Refusal refusal, int status)
    {
        // A refused request was never scanned for its verdict, but its host and path go to the log: a secret in them
        // (a token as the path to an unlisted host) is left out, the policy's message (which may quote both) with it,
        // and the findings are recorded beside the refusal (the operator sees what the agent tried to send).
        var found = _proxy.Inspector.InspectRefusedTarget(host, path);
        var hostHeld = found.Any(r => r.Location == "host");
        var pathHeld = found.Any(r => r.Location != "host");
        var message = hostHeld || pathHeld ? $"{refusal.Rule}: the message is left out because the request's {(hostHeld ? pathHeld ? "host and path hold" : "host holds" : "path holds")} a DLP finding" : refusal.Message;
        _proxy.Log.Request(new EgressLogEntry
        {
            // A refused request's method may be of the agent's making, the secret itself: only registered ones are logged as sent.
            Decision = "block", Method = HttpMethods.ForLog(method), Scheme = scheme, Host = hostHeld ? Redacted : host, Port = port, Path = pathHeld ? RedactedPathText : path,
            HasQuery = hasQuery, Status = status, Client = _client,
            Reasons = [("policy", refusal.Rule, refusal.Location, message),
                .. found.Select(r => (r.Detector, r.Rule, r.Location, "in a refused request (not sent): " + r.Message))],
        });
    }

    /// <summary>What the egress log records in place of a host that holds a DLP finding.</summary>
    private const string Redacted = "[redacted]";

    /// <summary>What the egress log records in place of a path that holds a DLP finding (still a path: audit lines read <c>https://host/[redacted]</c>).</summary>
    private const string RedactedPathText = "/" + Redacted;

    private void LogOutcome(string method, string scheme, string host, int port, string path, bool hasQuery, int status, InspectionResult inspection, long requestBytes, long responseBytes, long started)
    {
        if (inspection.Verdict != InspectionVerdict.Redact && !_proxy.Log.RecordsAllowed)
        {
            return; // an "allow" entry the log would drop: not built at all
        }

        _proxy.Log.Request(new EgressLogEntry
        {
            Decision = inspection.Verdict == InspectionVerdict.Redact ? "redact" : "allow", Method = method, Scheme = scheme, Host = RedactedHost(host, inspection), Port = port,
            Path = RedactedPath(path, inspection), HasQuery = hasQuery, Status = status, Reasons = inspection.Reasons, RequestBytes = requestBytes, ResponseBytes = responseBytes,
            Milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds, Client = _client,
        });
    }

    private static string RedactedPath(string path, InspectionResult inspection) =>
        inspection.Reasons.Any(r => r.Location.StartsWith("path", StringComparison.Ordinal)) ? RedactedPathText : path;

    /// <summary>A host that holds a DLP finding (a wildcard route's subdomain carrying data) is logged as <see cref="Redacted"/>.</summary>
    private static string RedactedHost(string host, InspectionResult inspection) =>
        inspection.Reasons.Any(r => r.Location == "host") ? Redacted : host;

    /// <summary>Splits <c>host:port</c> (or <c>[v6]:port</c>); port defaults to <paramref name="defaultPort"/>.</summary>
    internal static bool TrySplitAuthority(string authority, int defaultPort, out string host, out int port) =>
        CompiledEgressPolicy.TrySplitAuthority(authority, defaultPort, out host, out port);

    /// <summary>Splits an absolute-form target <c>scheme://authority/path?query</c>. Userinfo is refused.</summary>
    internal static bool TrySplitAbsolute(string target, out string scheme, out string host, out int port, out string pathAndQuery)
    {
        scheme = host = pathAndQuery = string.Empty;
        port = 0;
        var sep = target.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0)
        {
            return false;
        }

        scheme = target[..sep].ToLowerInvariant();
        if (scheme is not ("http" or "https"))
        {
            return false;
        }

        var rest = target[(sep + 3)..];
        var slash = rest.IndexOfAny(['/', '?']);
        var authority = slash < 0 ? rest : rest[..slash];
        pathAndQuery = slash < 0 ? "/" : rest[slash] == '?' ? "/" + rest[slash..] : rest[slash..];
        return TrySplitAuthority(authority, scheme == "https" ? 443 : 80, out host, out port);
    }

    public ValueTask DisposeAsync()
    {
        _timeout?.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed record Tunnel(string Host, int Port);

    private sealed class AuthenticationExceptionWithReason(string message) : System.Security.Authentication.AuthenticationException(message);
}
