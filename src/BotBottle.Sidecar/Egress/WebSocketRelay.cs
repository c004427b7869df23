using System.Buffers;
using System.Buffers.Binary;
using BotBottle.Policy;
using BotBottle.Sidecar.Http;

namespace BotBottle.Sidecar.Egress;

/// <summary>
/// Relays an upgraded WebSocket connection (RFC 6455). No extension is negotiated (the proxy strips the client's
/// <c>Sec-WebSocket-Extensions</c> offer), so every payload is plain. Client → upstream frames are parsed: the frames
/// of each data message are held until the message is complete (bounded), its unmasked payload is inspected with the
/// same outbound DLP as HTTP requests, and the original frames are forwarded only when it is clean; otherwise the
/// connection is closed with status 1008 (policy violation). Control frames must follow RFC 6455 §5.5 (final, at most
/// 125 bytes) and are inspected too; reserved bits (no extension defines them, §5.2) and unknown opcodes close the
/// connection with 1002 (protocol error). Upstream → client frames pass through unchanged, one whole frame at a time.
/// </summary>
/// <remarks>
/// Two tasks write to the client: the downstream pump (upstream frames) and the upstream pump (a Close the proxy sends
/// for policy). Every client write holds <see cref="_clientWrite"/>, and the downstream pump holds it for a whole frame,
/// so a Close is never written into the middle of a relayed frame and two writes never overlap on an
/// <see cref="System.Net.Security.SslStream"/> (which refuses concurrent writes). After a Close has gone to the client
/// nothing else is sent to it (RFC 6455 §5.5.1). When the proxy closes, it then reads the client's Close reply before
/// the connection is closed: closing a TCP socket with unread received data makes the kernel send a reset, which can
/// destroy the Close frame before the client has read it.
/// </remarks>
internal sealed class WebSocketRelay(EgressProxy proxy, EgressRoute route, string host) : IDisposable
{
    private const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>How long a closing side waits for the other side's Close (and for a frame in flight to finish).</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    /// <summary>Serialises writes to the client; the downstream pump holds it for a whole frame.</summary>
    private readonly SemaphoreSlim _clientWrite = new(1, 1);

    /// <summary>A Close frame has been written to the client; guarded by <see cref="_clientWrite"/>.</summary>
    private bool _closeSentToClient;

    /// <summary>
    /// The proxy's own Close for the client, set before the Close goes to the upstream: the upstream's Close reply can
    /// then reach the downstream pump before <see cref="CloseAsync"/> holds the lock, and the pump writes this first.
    /// </summary>
    private byte[]? _pendingClose;

    public async Task RunAsync(Stream client, UpstreamConnection upstream)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(proxy.Stopping);
        var down = PumpDownAsync(upstream.Reader, client, cts.Token);
        var up = PumpUpAsync(client, upstream.Stream, cts.Token);
        var first = await Task.WhenAny(down, up).ConfigureAwait(false);
        if (first == up && up.IsCompletedSuccessfully)
        {
            // The client sent Close (or we closed for policy): let the upstream's Close reply reach the client.
            await Task.WhenAny(down, Task.Delay(CloseGrace, cts.Token)).ConfigureAwait(false);
        }
        else if (first == down && Volatile.Read(ref _closeSentToClient))
        {
            // A Close went to the client (the upstream's, or ours for policy): its Close reply is read before the
            // connection closes, so no reset can overtake what was sent.
            await Task.WhenAny(up, Task.Delay(CloseGrace, cts.Token)).ConfigureAwait(false);
        }

        await cts.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(down, up).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <inheritdoc />
    public void Dispose() => _clientWrite.Dispose();

    /// <summary>
    /// Upstream → client, frame by frame: each frame's header and payload are written while holding
    /// <see cref="_clientWrite"/> (small frames in one write). Frames after a Close to the client are read and dropped.
    /// </summary>
    private async Task PumpDownAsync(BufferedReader upstream, Stream client, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var headerLen = await ReadFrameHeaderAsync(upstream, buffer, ct).ConfigureAwait(false);
                if (headerLen == 0)
                {
                    return;
                }

                var opcode = buffer[0] & 0x0f;
                var remaining = PayloadLength(buffer);
                if (remaining < 0)
                {
                    throw new IOException("the upstream sent a WebSocket frame length with the most significant bit set (RFC 6455 section 5.2)");
                }
                await _clientWrite.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    if (!_closeSentToClient && Volatile.Read(ref _pendingClose) is { } pending)
                    {
                        _closeSentToClient = true;
                        await client.WriteAsync(pending, ct).ConfigureAwait(false);
                        await client.FlushAsync(ct).ConfigureAwait(false);
                    }

                    var forward = !_closeSentToClient;
                    var filled = headerLen;
                    do
                    {
                        // The header goes out with the first payload bytes; later reads are written as they arrive.
                        if (remaining > 0)
                        {
                            var n = await upstream.ReadAsync(buffer.AsMemory(filled, (int)Math.Min(remaining, buffer.Length - filled)), ct).ConfigureAwait(false);
                            if (n == 0)
                            {
                                throw new EndOfStreamException("the upstream closed the connection in the middle of a WebSocket frame");
                            }

                            filled += n;
                            remaining -= n;
                        }

                        if (forward)
                        {
                            await client.WriteAsync(buffer.AsMemory(0, filled), ct).ConfigureAwait(false);
                        }

                        filled = 0;
                    }
                    while (remaining > 0);

                    if (forward)
                    {
                        await client.FlushAsync(ct).ConfigureAwait(false);
                        _closeSentToClient = opcode == 8;
                    }
                }
                finally
                {
                    _clientWrite.Release();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads one frame header (RFC 6455 §5.2: 2 bytes, the 16- or 64-bit extended length, the 4-byte mask key when the
    /// mask bit is set) into the start of <paramref name="buffer"/>; returns its length, or 0 at a clean end of stream.
    /// </summary>
    private static async Task<int> ReadFrameHeaderAsync(BufferedReader reader, byte[] buffer, CancellationToken ct)
    {
        if (await reader.ReadAsync(buffer.AsMemory(0, 1), ct).ConfigureAwait(false) == 0)
        {
            return 0;
        }

        await reader.ReadExactlyAsync(buffer.AsMemory(1, 1), ct).ConfigureAwait(false);
        var extra = (buffer[1] & 0x7f) switch { 126 => 2, 127 => 8, _ => 0 } + ((buffer[1] & 0x80) != 0 ? 4 : 0);
        if (extra > 0)
        {
            await reader.ReadExactlyAsync(buffer.AsMemory(2, extra), ct).ConfigureAwait(false);
        }

        return 2 + extra;
    }

    /// <summary>The payload length of the frame header at the start of <paramref name="header"/>.</summary>
    private static long PayloadLength(byte[] header) => (header[1] & 0x7f) switch
    {
        126 => BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2)),
        127 => (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(2)),
        var n => n,
    };

    private async Task PumpUpAsync(Stream client, Stream upstream, CancellationToken ct)
    {
        var pendingFrames = new MemoryStream();
        var message = new MemoryStream();
        var header = new byte[14];
        while (true)
        {
            if (!await ReadExactAsync(client, header.AsMemory(0, 2), ct).ConfigureAwait(false))
            {
                return;
            }

            var fin = (header[0] & 0x80) != 0;
            var rsv = header[0] & 0x70;
            var opcode = header[0] & 0x0f;
            if (rsv != 0 || opcode is (>= 3 and <= 7) or >= 11)
            {
                await CloseAsync(client, upstream, 1002, rsv != 0 ? "reserved bits set without a negotiated extension" : "unknown opcode", atFrameBoundary: false, ct).ConfigureAwait(false);
                return;
            }

            var masked = (header[1] & 0x80) != 0;
            long len = header[1] & 0x7f;
            var headerLen = 2;
            if (len == 126)
            {
                await ReadExactOrThrowAsync(client, header.AsMemory(2, 2), ct).ConfigureAwait(false);
                len = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
                headerLen = 4;
            }
            else if (len == 127)
            {
                await ReadExactOrThrowAsync(client, header.AsMemory(2, 8), ct).ConfigureAwait(false);
                len = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(2));
                headerLen = 10;
            }

            if (opcode >= 8 && (!fin || len > 125))
            {
                await CloseAsync(client, upstream, 1002, "control frames are final and at most 125 bytes (RFC 6455 section 5.5)", atFrameBoundary: false, ct).ConfigureAwait(false);
                return;
            }

            if (!masked || len > MaxMessageBytes)
            {
                await CloseAsync(client, upstream, 1008, masked ? "message too large to inspect" : "client frames must be masked", atFrameBoundary: false, ct).ConfigureAwait(false);
                return;
            }

            await ReadExactOrThrowAsync(client, header.AsMemory(headerLen, 4), ct).ConfigureAwait(false);
            var key = header.AsMemory(headerLen, 4).ToArray();
            headerLen += 4;
            var payload = new byte[len];
            await ReadExactOrThrowAsync(client, payload, ct).ConfigureAwait(false);

            var isControl = opcode >= 8;
            if (isControl)
            {
                var plain = (byte[])payload.Clone();
                for (var i = 0; i < plain.Length; i++)
                {
                    plain[i] ^= key[i & 3];
                }

                if (plain.Length > 0 && proxy.Inspector.InspectWebSocketMessage(host, plain, route).Verdict != InspectionVerdict.Allow)
                {
                    proxy.Log.Request(new EgressLogEntry { Decision = "block", Method = "WS", Scheme = "wss", Host = host, Path = "(websocket control frame)", Status = 1008 });
                    await CloseAsync(client, upstream, 1008, "BotBottle DLP: outbound control frame carries a credential", atFrameBoundary: true, ct).ConfigureAwait(false);
                    return;
                }

                await upstream.WriteAsync(header.AsMemory(0, headerLen), ct).ConfigureAwait(false);
                await upstream.WriteAsync(payload, ct).ConfigureAwait(false);
                await upstream.FlushAsync(ct).ConfigureAwait(false);
                if (opcode == 8)
                {
                    return;
                }

                continue;
            }

            pendingFrames.Write(header, 0, headerLen);
            pendingFrames.Write(payload);
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= key[i & 3];
            }

            message.Write(payload);
            if (message.Length > MaxMessageBytes)
            {
                await CloseAsync(client, upstream, 1008, "message too large to inspect", atFrameBoundary: true, ct).ConfigureAwait(false);
                return;
            }

            if (!fin)
            {
                continue;
            }

            if (EventThread.ShouldLeave(message.Length))
            {
                await Task.Yield();
            }

            var result = proxy.Inspector.InspectWebSocketMessage(host, message.GetBuffer().AsMemory(0, (int)message.Length), route);
            if (result.Verdict != InspectionVerdict.Allow)
            {
                proxy.Log.Request(new EgressLogEntry { Decision = "block", Method = "WS", Scheme = "wss", Host = host, Path = "(websocket message)", Status = 1008, Reasons = result.Reasons });
                await CloseAsync(client, upstream, 1008, "BotBottle DLP: outbound message carries a credential", atFrameBoundary: true, ct).ConfigureAwait(false);
                return;
            }

            await upstream.WriteAsync(pendingFrames.GetBuffer().AsMemory(0, (int)pendingFrames.Length), ct).ConfigureAwait(false);
            await upstream.FlushAsync(ct).ConfigureAwait(false);
            pendingFrames.SetLength(0);
            message.SetLength(0);
        }
    }

    /// <summary>
    /// Closes for a protocol or policy violation: a Close frame with <paramref name="code"/> to the upstream (masked,
    /// client role) and then to the client (unmasked, server role), after any frame the downstream pump is relaying,
    /// written by whichever of the two holds the lock first, and not at all when a Close already went to the client. At
    /// a frame boundary of the client's stream, the client's frames are then read and dropped until its Close reply (or
    /// end of stream), within <see cref="CloseGrace"/>, so the connection is not closed with unread data (a reset).
    /// Failures of either peer end the close quietly.
    /// </summary>
    private async Task CloseAsync(Stream client, Stream upstream, ushort code, string reason, bool atFrameBoundary, CancellationToken ct)
    {
        var reasonBytes = System.Text.Encoding.UTF8.GetBytes(reason.Length > 120 ? reason[..120] : reason);
        var payload = new byte[2 + reasonBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        reasonBytes.CopyTo(payload, 2);
        var toClient = new byte[2 + payload.Length];
        toClient[0] = 0x88;
        toClient[1] = (byte)payload.Length;
        payload.CopyTo(toClient, 2);
        var mask = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4);
        var toUpstream = new byte[6 + payload.Length];
        toUpstream[0] = 0x88;
        toUpstream[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(toUpstream, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            toUpstream[6 + i] = (byte)(payload[i] ^ mask[i & 3]);
        }

        Volatile.Write(ref _pendingClose, toClient);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(ct);
        grace.CancelAfter(CloseGrace);
        try
        {
            // Upstream first: a frame the upstream is in the middle of sending may only finish once it sees the Close.
            await upstream.WriteAsync(toUpstream, grace.Token).ConfigureAwait(false);
            await upstream.FlushAsync(grace.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }

        try
        {
            await _clientWrite.WaitAsync(grace.Token).ConfigureAwait(false);
            try
            {
                // Already sent: by the downstream pump (this Close, pending, or the upstream's own Close).
                if (!_closeSentToClient)
                {
                    _closeSentToClient = true;
                    await client.WriteAsync(toClient, grace.Token).ConfigureAwait(false);
                    await client.FlushAsync(grace.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _clientWrite.Release();
            }

            if (atFrameBoundary)
            {
                await DrainUntilCloseAsync(client, grace.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads and drops the client's frames up to and including a Close frame, or to the end of the stream.</summary>
    /// <exception cref="IOException">The stream failed or ended inside a frame.</exception>
    private static async Task DrainUntilCloseAsync(Stream client, CancellationToken ct)
    {
        var header = new byte[14];
        var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await ReadExactAsync(client, header.AsMemory(0, 2), ct).ConfigureAwait(false))
            {
                var extra = (header[1] & 0x7f) switch { 126 => 2, 127 => 8, _ => 0 };
                await ReadExactOrThrowAsync(client, header.AsMemory(2, extra), ct).ConfigureAwait(false);
                var remaining = PayloadLength(header) + ((header[1] & 0x80) != 0 ? 4 : 0);
                if (remaining > MaxMessageBytes)
                {
                    return;
                }

                while (remaining > 0)
                {
                    var n = await client.ReadAsync(scratch.AsMemory(0, (int)Math.Min(remaining, scratch.Length)), ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        throw new EndOfStreamException();
                    }

                    remaining -= n;
                }

                if ((header[0] & 0x0f) == 8)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static async Task<bool> ReadExactAsync(Stream s, Memory<byte> buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await s.ReadAsync(buffer[read..], ct).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException();
            }

            read += n;
        }

        return true;
    }

    private static async Task ReadExactOrThrowAsync(Stream s, Memory<byte> buffer, CancellationToken ct)
    {
        if (!await ReadExactAsync(s, buffer, ct).ConfigureAwait(false))
        {
            throw new EndOfStreamException();
        }
    }
}
