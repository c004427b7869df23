using System.Net;
using System.Net.Sockets;

namespace BotBottle.Sidecar.Http;

/// <summary>
/// A TCP listener for the sidecar's small HTTP services (supervise MCP, git gate): binds on construction, accepts
/// once <see cref="Start"/> is called, serves each connection on the thread pool, and on dispose stops accepting,
/// cancels <see cref="Stopping"/> and waits for the accept loop. Connection errors a client can cause (resets,
/// timeouts, malformed input) end that connection quietly; anything else is reported to the owner.
/// </summary>
internal sealed class ConnectionListener : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _slots;
    private Task _accept = Task.CompletedTask;

    /// <summary>Binds and listens on <paramref name="endpoint"/> (port 0: any free port, see <see cref="Endpoint"/>).</summary>
    /// <param name="endpoint">Where to listen.</param>
    /// <param name="maxConnections">Connections served at once; more are answered <c>503</c> and closed.</param>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public ConnectionListener(IPEndPoint endpoint, int maxConnections = 64)
    {
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
        _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(endpoint);
        _listener.Listen(128);
    }

    /// <summary>The bound address.</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Cancelled when the listener is disposed; connection handlers stop on it.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts accepting: each connection is passed to <paramref name="serve"/> and closed when it returns.</summary>
    /// <param name="serve">Handles one connection.</param>
    /// <param name="unexpected">Told of any exception other than the connection-level ones a client can cause.</param>
    public void Start(Func<Socket, Task> serve, Action<Exception> unexpected) => _accept = AcceptAsync(serve, unexpected);

    private async Task AcceptAsync(Func<Socket, Task> serve, Action<Exception> unexpected)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (!_slots.Wait(0))
            {
                _ = RefuseBusyAsync(client, _stopping.Token);
                continue;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await serve(client).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException or InvalidDataException)
                    {
                    }
                    catch (Exception ex)
                    {
                        unexpected(ex);
                    }
                    finally
                    {
                        _slots.Release();
                    }
                }
            });
        }
    }

    private static async Task RefuseBusyAsync(Socket client, CancellationToken stopping)
    {
        using (client)
        {
            try
            {
                const string body = "too many connections; retry shortly\n";
                await client.SendAsync(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: {body.Length}\r\n\r\n{body}"), SocketFlags.None, stopping).ConfigureAwait(false);
                await LingeringClose.DrainAsync(client, stopping).ConfigureAwait(false); // the request the client already sent is unread
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _slots.Dispose();
        _listener.Dispose();
        try
        {
            await _accept.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }
}
