using System.Diagnostics;
using System.Net.Sockets;

namespace BotBottle.Sidecar.Http;

/// <summary>
/// Closes a client connection in stages after a response sent before the request was read to its end (a refusal
/// on the request head, a body over the budget or the size limit, a malformed request): half-close, read and discard
/// what the client still sends, then the caller closes.
/// </summary>
/// <remarks>
/// Closing a TCP socket whose receive queue holds unread bytes, or that receives bytes after the close, makes the
/// kernel answer with a reset (RFC 1122 §4.2.2.13). A reset can reach the client while it is still writing the
/// request body, before it has read the response: it then reports "connection reset" or "broken pipe" instead of
/// the 503 or 413 it was sent. RFC 9112 §9.6 (Tear-down) prescribes the cure this class applies: "the server
/// performs a half-close by closing only the write side", "then continues to read from the connection until it
/// receives a corresponding close by the client, or until the server is reasonably certain that its own TCP stack has
/// received the client's acknowledgement", "finally, the server fully closes the connection". The bounds follow
/// nginx's <c>lingering_close</c> (its <c>lingering_timeout</c> and <c>lingering_time</c>), kept shorter: a lingering
/// connection still holds its connection slot.
/// </remarks>
internal static class LingeringClose
{
    /// <summary>The longest wait for the next bytes from the client: 2 s.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The longest time spent draining one connection: 5 s.</summary>
    public static readonly TimeSpan TotalTime = TimeSpan.FromSeconds(5);

    /// <summary>The most bytes drained from one connection: 64 MiB (the default request body limit); past it the close resets.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>
    /// The most connections draining at once: 512. Sessions are bounded by their listener's connection slots, but the
    /// 503 sent to a connection over that limit lingers outside them; past this count a close is immediate, so a
    /// flood of connections cannot hold file descriptors for <see cref="TotalTime"/> each.
    /// </summary>
    public const int MaxConcurrent = 512;

    private static int s_draining;

    /// <summary>
    /// One buffer for every drain: the bytes are thrown away unread, so connections draining at once may overwrite
    /// each other's, and a flood of refused connections costs no memory per connection.
    /// </summary>
    private static readonly byte[] s_discard = GC.AllocateUninitializedArray<byte>(64 * 1024);

    /// <summary>
    /// Half-closes <paramref name="socket"/> (shutdown of the send side: the client reads end-of-stream after the
    /// response) and discards what arrives until the client closes, <see cref="IdleTimeout"/> passes without bytes,
    /// <see cref="TotalTime"/> has passed or <see cref="MaxBytes"/> have been read; returns at once when
    /// <see cref="MaxConcurrent"/> connections are already draining. Never throws for connection errors; the caller
    /// still disposes the socket.
    /// </summary>
    /// <param name="socket">A connected client socket whose response has been written in full.</param>
    /// <param name="stopping">Ends the drain early (the proxy is stopping).</param>
    /// <returns>The number of bytes discarded.</returns>
    public static async Task<long> DrainAsync(Socket socket, CancellationToken stopping)
    {
        long drained = 0;
        if (Interlocked.Increment(ref s_draining) > MaxConcurrent)
        {
            Interlocked.Decrement(ref s_draining);
            return 0;
        }

        try
        {
            socket.Shutdown(SocketShutdown.Send);
            long start = Stopwatch.GetTimestamp();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            while (drained < MaxBytes)
            {
                var left = TotalTime - Stopwatch.GetElapsedTime(start);
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                timeout.CancelAfter(left < IdleTimeout ? left : IdleTimeout);
                int n = await socket.ReceiveAsync(s_discard, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                drained += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client reset or went quiet, or the proxy is stopping: close now.
        }
        finally
        {
            Interlocked.Decrement(ref s_draining);
        }

        return drained;
    }
}
