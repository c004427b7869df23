using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using BotBottle.Egress;
using BotBottle.Policy;
using BotBottle.Sidecar.Http;

namespace BotBottle.Sidecar.Egress;

/// <summary>
/// The egress proxy: an HTTP/1.1 forward proxy (absolute-form requests and <c>CONNECT</c>, RFC 9110 §9.3.6,
/// RFC 9112) that intercepts TLS with leaf certificates from the bottle CA, applies the live egress policy and
/// content inspection to every request, injects route credentials, and forwards over pooled, address-pinned
/// upstream connections. Only the proxy decides where the bottle's traffic goes: the agent's network has no
/// other route out.
/// </summary>
internal sealed class EgressProxy : IAsyncDisposable
{
    private readonly List<Socket> _listeners = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _slots;
    private readonly List<Task> _acceptLoops = [];
    private int _active;

    public EgressProxy(EgressProxyOptions options, PolicyHolder policy, EgressLog log, IRequestInspector inspector, IRequestSupervisor? supervisor = null)
    {
        Supervisor = supervisor;
        Options = options;
        Policy = policy;
        Log = log;
        Inspector = inspector;
        _slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
        BodyBudget = new Http.MemoryBudget(options.BodyBudgetBytes);
        Ca = CertificateAuthority.Load(options.CaDirectory);
        Leaves = new LeafCertificateCache(Ca);
        Trust = new UpstreamTrust(options.UpstreamCaFiles);
        Upstreams = new UpstreamPool(options, new HostResolver(options.ResolveOverrides), Trust);
        log.Level = policy.Current.Policy.Log;
        policy.Reloaded += p => log.Level = p.Policy.Log;
    }

    public EgressProxyOptions Options { get; }

    /// <summary>Request-body bytes all connections hold together (<see cref="EgressProxyOptions.BodyBudgetBytes"/>).</summary>
    internal Http.MemoryBudget BodyBudget { get; }

    public PolicyHolder Policy { get; }

    public EgressLog Log { get; }

    public IRequestInspector Inspector { get; }

    /// <summary>Holds requests on <c>supervise</c> routes for the operator; without one they are blocked.</summary>
    public IRequestSupervisor? Supervisor { get; }

    public CertificateAuthority Ca { get; }

    public LeafCertificateCache Leaves { get; }

    public UpstreamTrust Trust { get; }

    public UpstreamPool Upstreams { get; }

    /// <summary>Client connections being served.</summary>
    public int ActiveConnections => Volatile.Read(ref _active);

    /// <summary>Where the proxy actually listens (port 0 in the options picks a free port).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints => _listeners.Select(l => (IPEndPoint)l.LocalEndPoint!).ToList();

    internal CancellationToken Stopping => _stopping.Token;

    public void Start()
    {
        foreach (var ep in Options.Listen)
        {
            var s = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (ep.AddressFamily == AddressFamily.InterNetworkV6 && ep.Address.Equals(IPAddress.IPv6Any))
            {
                s.DualMode = true;
            }

            s.Bind(ep);
            s.Listen(1024);
            _listeners.Add(s);
            _acceptLoops.Add(AcceptLoopAsync(s));
        }

        Log.Event("listening", $"egress proxy listening on {string.Join(", ", Endpoints)} with {Policy.Current.Policy.Routes.Length} route(s)");
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            client.NoDelay = true;
            if (!_slots.Wait(0))
            {
                _ = RefuseBusyAsync(client, _stopping.Token);
                continue;
            }

            Interlocked.Increment(ref _active);
            _ = Task.Run(async () =>
            {
                try
                {
                    await using var session = new ClientSession(this, client);
                    await session.RunAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException)
                {
                    // The client went away or the proxy is stopping.
                }
                catch (Exception ex)
                {
                    Log.Event("error", $"unexpected error on a client connection: {ex.GetType().Name}: {ex.Message}");
                }
                finally
                {
                    client.Dispose();
                    Interlocked.Decrement(ref _active);
                    _slots.Release();
                }
            });
        }
    }

    private static async Task RefuseBusyAsync(Socket client, CancellationToken stopping)
    {
        try
        {
            await using var s = new NetworkStream(client, ownsSocket: true);
            const string body = "BotBottle egress proxy: too many connections; retry shortly.\n";
            var bytes = System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: {body.Length}\r\n\r\n{body}");
            await s.WriteAsync(bytes, stopping).ConfigureAwait(false);
            await LingeringClose.DrainAsync(client, stopping).ConfigureAwait(false); // the request the client already sent is unread
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var l in _listeners)
        {
            l.Dispose();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        var sw = Stopwatch.StartNew();
        while (ActiveConnections > 0 && sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync().ConfigureAwait(false);
        }

        await Upstreams.DisposeAsync().ConfigureAwait(false);
        Leaves.Dispose();
        Ca.Dispose();
        _stopping.Dispose();
        _slots.Dispose();
    }

    /// <summary>The leaf certificate context for an SNI host.</summary>
    internal SslStreamCertificateContext LeafFor(string host) => Leaves.Get(host);
}
