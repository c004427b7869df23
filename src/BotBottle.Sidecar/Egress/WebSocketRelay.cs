using System.Buffers;
using System.Buffers.Binary;
using BotBottle.Policy;

namespace BotBottle.Sidecar.Egress;

/// <summary>
/// Relays an upgraded WebSocket connection (RFC 6455). No extension is negotiated (the proxy strips the client's
/// <c>Sec-WebSocket-Extensions</c> offer), so every payload is plain. Client → upstream frames are parsed: the frames
/// of each data message are held until the message is complete (bounded), its unmasked payload is inspected with the
/// same outbound DLP as HTTP requests, and the original frames are forwarded only when it is clean; otherwise the
/// connection is closed with status 1008 (policy violation). Control frames must follow RFC 6455 §5.5 (final, at most
/// 125 bytes) and are inspected too; reserved bits (no extension defines them, §5.2) and unknown opcodes close the
/// connection with 1002 (protocol error). Upstream → client bytes pass through unchanged.
/// </summary>
internal sealed class WebSocketRelay(EgressProxy proxy, EgressRoute route, string host)
{
    private const int MaxMessageBytes = 16 * 1024 * 1024;

    public async Task RunAsync(Stream client, UpstreamConnection upstream)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(proxy.Stopping);
        var down = PumpDownAsync(upstream, client, cts.Token);
        var up = PumpUpAsync(client, upstream.Stream, cts.Token);
        var first = await Task.WhenAny(down, up).ConfigureAwait(false);
        if (first == up && up.IsCompletedSuccessfully)
        {
            // The client sent Close (or we closed for policy): let the upstream's Close reply reach the client.
            await Task.WhenAny(down, Task.Delay(TimeSpan.FromSeconds(5), cts.Token)).ConfigureAwait(false);
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

    private static async Task PumpDownAsync(UpstreamConnection upstream, Stream client, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while ((n = await upstream.Reader.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await client.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                await client.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

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
                await CloseAsync(client, upstream, 1002, rsv != 0 ? "reserved bits set without a negotiated extension" : "unknown opcode", ct).ConfigureAwait(false);
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
                await CloseAsync(client, upstream, 1002, "control frames are final and at most 125 bytes (RFC 6455 section 5.5)", ct).ConfigureAwait(false);
                return;
            }

            if (!masked || len > MaxMessageBytes)
            {
                await CloseAsync(client, upstream, 1008, masked ? "message too large to inspect" : "client frames must be masked", ct).ConfigureAwait(false);
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
                    await CloseAsync(client, upstream, 1008, "BotBottle DLP: outbound control frame carries a credential", ct).ConfigureAwait(false);
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
                await CloseAsync(client, upstream, 1008, "message too large to inspect", ct).ConfigureAwait(false);
                return;
            }

            if (!fin)
            {
                continue;
            }

            var result = proxy.Inspector.InspectWebSocketMessage(host, message.GetBuffer().AsMemory(0, (int)message.Length), route);
            if (result.Verdict != InspectionVerdict.Allow)
            {
                proxy.Log.Request(new EgressLogEntry { Decision = "block", Method = "WS", Scheme = "wss", Host = host, Path = "(websocket message)", Status = 1008, Reasons = result.Reasons });
                await CloseAsync(client, upstream, 1008, "BotBottle DLP: outbound message carries a credential", ct).ConfigureAwait(false);
                return;
            }

            await upstream.WriteAsync(pendingFrames.GetBuffer().AsMemory(0, (int)pendingFrames.Length), ct).ConfigureAwait(false);
            await upstream.FlushAsync(ct).ConfigureAwait(false);
            pendingFrames.SetLength(0);
            message.SetLength(0);
        }
    }

    /// <summary>Sends a close frame to the client (unmasked, server role) and to the upstream (masked, client role).</summary>
    private static async Task CloseAsync(Stream client, Stream upstream, ushort code, string reason, CancellationToken ct)
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

        try
        {
            await client.WriteAsync(toClient, ct).ConfigureAwait(false);
            await client.FlushAsync(ct).ConfigureAwait(false);
            await upstream.WriteAsync(toUpstream, ct).ConfigureAwait(false);
            await upstream.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
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
