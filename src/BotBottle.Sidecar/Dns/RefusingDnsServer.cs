using System.Net;
using System.Net.Sockets;

namespace BotBottle.Sidecar.Dns;

/// <summary>
/// The bottle's upstream DNS server: answers every query with REFUSED (RFC 1035 §4.1.1, RCODE 5) and forwards
/// nothing. The agent container's resolver points here (Docker's embedded DNS still answers the bottle's own
/// container names), so a name outside the bottle never leaves as a DNS query — the agent reaches the world only by
/// name through the egress proxy, which resolves on its side.
/// </summary>
internal sealed class RefusingDnsServer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RefusingDnsServer(IPEndPoint endpoint)
    {
        _socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(endpoint);
        _loop = RunAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Queries answered so far.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    private long _refused;

    private async Task RunAsync()
    {
        var buffer = new byte[512];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (BuildRefusal(buffer.AsSpan(0, r.ReceivedBytes)) is { } answer)
            {
                Interlocked.Increment(ref _refused);
                try
                {
                    await _socket.SendToAsync(answer, SocketFlags.None, r.RemoteEndPoint, _stop.Token).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                }
            }
        }
    }

    /// <summary>The REFUSED answer to <paramref name="query"/> (header and question echoed), or null when it is not a query.</summary>
    internal static byte[]? BuildRefusal(ReadOnlySpan<byte> query)
    {
        if (query.Length < 12 || (query[2] & 0x80) != 0)
        {
            return null; // too short, or already a response
        }

        // Echo the question section when it parses; otherwise answer with the header alone.
        var end = 12;
        var qdcount = (query[4] << 8) | query[5];
        if (qdcount == 1)
        {
            var i = 12;
            while (i < query.Length && query[i] != 0 && (query[i] & 0xC0) == 0)
            {
                i += query[i] + 1;
            }

            if (i + 5 <= query.Length && query[i] == 0)
            {
                end = i + 5;
            }
        }

        var answer = query[..end].ToArray();
        answer[2] = (byte)(0x80 | (query[2] & 0x79)); // QR=1, keep opcode and RD
        answer[3] = 0x05; // RA=0, RCODE=REFUSED
        answer[4] = 0;
        answer[5] = (byte)(end > 12 ? 1 : 0);
        answer[6] = answer[7] = answer[8] = answer[9] = answer[10] = answer[11] = 0;
        return answer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
