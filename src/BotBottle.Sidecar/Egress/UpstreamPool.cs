using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using BotBottle.Egress;
using BotBottle.Sidecar.Http;

namespace BotBottle.Sidecar.Egress;

/// <summary>An open connection to an upstream, pinned to the address it was connected to.</summary>
internal sealed class UpstreamConnection : IAsyncDisposable
{
    public UpstreamConnection(string key, IPAddress address, Socket socket, CorkingStream connection, Stream stream, IdleConnections? home = null)
    {
        Key = key;
        Home = home;
        Address = address;
        Socket = socket;
        Connection = connection;
        Stream = stream;
        Reader = new BufferedReader(stream, 16 * 1024);
    }

    public string Key { get; }

    /// <summary>The pool's idle list for <see cref="Key"/>, found once when the connection is made, so a return needs no lookup.</summary>
    internal IdleConnections? Home { get; }

    public IPAddress Address { get; }

    public Socket Socket { get; }

    /// <summary>The TCP connection under <see cref="Stream"/> (under TLS for https): corked while a request is written, reading ahead.</summary>
    public CorkingStream Connection { get; }

    /// <summary>What requests are written to and responses read from (TLS for https).</summary>
    public Stream Stream { get; }

    public BufferedReader Reader { get; }

    public long LastUsedTicks { get; set; } = Environment.TickCount64;

    /// <summary>True when the connection came from the pool (a failure before any response byte may be retried on a fresh one).</summary>
    public bool Reused { get; set; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
        }

        Socket.Dispose();
        Reader.Dispose();
    }
}

/// <summary>
/// The idle connections to one upstream, with their count kept alongside (<see cref="ConcurrentStack{T}.Count"/> walks the
/// whole stack, and the pool asked for it on every return).
/// </summary>
internal sealed class IdleConnections
{
    private readonly ConcurrentStack<UpstreamConnection> _stack = new();
    private int _count;

    /// <summary>Connections held (may be a moment stale while another thread pushes or pops).</summary>
    public int Count => Volatile.Read(ref _count);

    public void Push(UpstreamConnection connection)
    {
        Interlocked.Increment(ref _count);
        _stack.Push(connection);
    }

    public bool TryPop([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out UpstreamConnection connection)
    {
        if (_stack.TryPop(out connection))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }
}

/// <summary>Why the proxy refused to connect upstream.</summary>
internal sealed class UpstreamRefusedException(EgressDenial denial, string message) : Exception(message)
{
    public EgressDenial Denial { get; } = denial;
}

/// <summary>
/// Upstream connections: resolves the name, refuses forbidden addresses (every address the name resolves to must
/// pass <see cref="AddressPolicy"/> — a name that mixes public and private answers is refused, which defeats DNS
/// rebinding), connects to a checked address and keeps the connection pinned to it. Keeps idle connections per
/// scheme/host/port for reuse; on reuse the pinned address is re-checked against the current route.
/// </summary>
internal sealed class UpstreamPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IdleConnections> _idle = new(StringComparer.Ordinal);
    private readonly EgressProxyOptions _options;
    private readonly HostResolver _resolver;
    private readonly UpstreamTrust _trust;
    private readonly Timer _sweeper;

    public UpstreamPool(EgressProxyOptions options, HostResolver resolver, UpstreamTrust trust)
    {
        _options = options;
        _resolver = resolver;
        _trust = trust;
        _sweeper = new Timer(_ => Sweep(), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// A connection returned to the pool less than this long ago is reused without the liveness <c>poll</c> (one
    /// syscall per request under load). If the upstream closed it in that moment anyway, the request fails before any
    /// response byte and <see cref="ClientSession"/> retries it once on a fresh connection (a reused connection's failure
    /// before the response head), as it does when a close races the check.
    /// </summary>
    internal const long UncheckedReuseMilliseconds = 1000;

    public int IdleCount => _idle.Values.Sum(s => s.Count);

    /// <summary>The pool key of an upstream: <c>scheme://host:port</c>.</summary>
    public static string Key(bool tls, string host, int port) => $"{(tls ? "https" : "http")}://{host}:{port}";

    /// <summary>
    /// A connection to the upstream: a pooled one when one is idle and still fit for the route, else a new one.
    /// <paramref name="key"/> is <see cref="Key"/> of the same scheme, host and port (a caller serving many requests to
    /// one upstream builds it once).
    /// </summary>
    public async ValueTask<UpstreamConnection> AcquireAsync(string key, bool tls, string host, int port, bool allowPrivate, CancellationToken cancellationToken)
    {
        if (_idle.TryGetValue(key, out var stack))
        {
            while (stack.TryPop(out var pooled))
            {
                var idle = Environment.TickCount64 - pooled.LastUsedTicks;
                if (idle < _options.UpstreamIdleTimeout.TotalMilliseconds && AddressPolicy.Refusal(pooled.Address, allowPrivate) is null
                    && (idle < UncheckedReuseMilliseconds || IsAlive(pooled)))
                {
                    pooled.Reused = true;
                    return pooled;
                }

                await pooled.DisposeAsync().ConfigureAwait(false);
            }
        }

        return await ConnectAsync(key, tls, host, port, allowPrivate, cancellationToken).ConfigureAwait(false);
    }

    public void Return(UpstreamConnection connection)
    {
        connection.LastUsedTicks = Environment.TickCount64;
        connection.Reused = false;
        var stack = connection.Home ?? _idle.GetOrAdd(connection.Key, static _ => new IdleConnections());
        if (stack.Count >= _options.MaxIdlePerUpstream || connection.Reader.BufferedCount > 0 || connection.Connection.AheadCount > 0)
        {
            _ = connection.DisposeAsync().AsTask();
            return;
        }

        stack.Push(connection);
    }

    private async ValueTask<UpstreamConnection> ConnectAsync(string key, bool tls, string host, int port, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = await _resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new UpstreamRefusedException(EgressDenial.ResolutionFailed, $"{host} does not resolve.");
        }

        foreach (var a in addresses)
        {
            if (AddressPolicy.Refusal(a, allowPrivate) is { } why)
            {
                throw new UpstreamRefusedException(EgressDenial.ForbiddenAddress, $"{host} resolves to {why}; refused.");
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        Exception? last = null;
        foreach (var address in addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0))
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token).ConfigureAwait(false);
                // Reading ahead 64 KiB: the TLS records of a response come in one or two recv calls, not one or two each.
                var connection = new CorkingStream(new NetworkStream(socket, ownsSocket: false), readAhead: 64 * 1024);
                Stream stream = connection;
                if (tls)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false, _trust.Validate);
                    try
                    {
                        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                        {
                            TargetHost = host,
                            AllowRenegotiation = false, // the proxy presents no client certificate, so a renegotiation could not succeed anyway
                            ApplicationProtocols = [SslApplicationProtocol.Http11],
                            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                        }, timeout.Token).ConfigureAwait(false);
                    }
                    catch (AuthenticationException ex)
                    {
                        await ssl.DisposeAsync().ConfigureAwait(false);
                        socket.Dispose();
                        throw new UpstreamRefusedException(EgressDenial.UpstreamNotTrusted,
                            $"the TLS certificate of {host} is not trusted ({ex.Message}). If a corporate proxy re-signs TLS, give the sidecar its CA.");
                    }

                    stream = ssl;
                }

                return new UpstreamConnection(key, address, socket, connection, stream, _idle.GetOrAdd(key, static _ => new IdleConnections()));
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                last = ex;
            }
        }

        throw new IOException($"could not connect to {host}:{port}: {last?.Message ?? "timed out"}", last);
    }

    /// <summary>A pooled connection the upstream has closed shows as readable with 0 bytes available.</summary>
    private static bool IsAlive(UpstreamConnection c)
    {
        try
        {
            return !(c.Socket.Poll(0, SelectMode.SelectRead) && c.Socket.Available == 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var (_, stack) in _idle)
        {
            var keep = new List<UpstreamConnection>();
            while (stack.TryPop(out var c))
            {
                if (now - c.LastUsedTicks < _options.UpstreamIdleTimeout.TotalMilliseconds)
                {
                    keep.Add(c);
                }
                else
                {
                    _ = c.DisposeAsync().AsTask();
                }
            }

            for (var i = keep.Count - 1; i >= 0; i--)
            {
                stack.Push(keep[i]);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        foreach (var (_, stack) in _idle)
        {
            while (stack.TryPop(out var c))
            {
                await c.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
