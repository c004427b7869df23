using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace BotBottle.Sidecar.Http;

/// <summary>Builds HTTP/1.1 heads into pooled buffers (Latin-1, CRLF line endings) and writes them.</summary>
internal sealed class HeadBuilder : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(2048);
    private int _length;

    public HeadBuilder Append(string text)
    {
        Ensure(text.Length);
        _length += Encoding.Latin1.GetBytes(text, 0, text.Length, _buffer, _length);
        return this;
    }

    /// <summary>Appends <paramref name="value"/> in decimal (invariant culture), formatted in place.</summary>
    public HeadBuilder Append(long value)
    {
        Ensure(20);
        value.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
        return this;
    }

    public HeadBuilder Line(string text) => Append(text).Crlf();

    public HeadBuilder Header(string name, string value) => Append(name).Append(": ").Append(value).Crlf();

    /// <summary>Appends a field whose value is a decimal number (<c>Content-Length</c>).</summary>
    public HeadBuilder Header(string name, long value) => Append(name).Append(": ").Append(value).Crlf();

    /// <summary>Appends raw bytes (a small body coalesced with its head into one write and one TLS record).</summary>
    public HeadBuilder AppendBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
        return this;
    }

    public HeadBuilder Crlf()
    {
        Ensure(2);
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
        return this;
    }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    public ValueTask WriteToAsync(Stream stream, CancellationToken cancellationToken) => stream.WriteAsync(Memory, cancellationToken);

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        Buffer.BlockCopy(_buffer, 0, bigger, 0, _length);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        var b = _buffer;
        _buffer = [];
        if (b.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}

/// <summary>A growable pooled byte buffer for message bodies.</summary>
internal sealed class PooledBody : IDisposable
{
    private byte[] _buffer;

    public PooledBody(int capacity) => _buffer = capacity == 0 ? [] : ArrayPool<byte>.Shared.Rent(capacity);

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public Memory<byte> GetWritable(int sizeHint)
    {
        if (Length + sizeHint > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(_buffer.Length * 2, Length + sizeHint), 4096));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, Length);
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = bigger;
        }

        return _buffer.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    public void Dispose()
    {
        var b = _buffer;
        _buffer = [];
        if (b.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}

/// <summary>The proxy's shared body budget (<see cref="MemoryBudget"/>) has no room for this request now.</summary>
internal sealed class BodyBudgetExceededException() : Exception("the proxy's body budget is exhausted");

/// <summary>
/// Bytes several connections may hold together (request bodies being inspected). Thread-safe; a reservation that
/// would go past the capacity is refused, so a flood makes requests fail rather than the process run out of memory.
/// </summary>
internal sealed class MemoryBudget(long capacity)
{
    private long _used;

    /// <summary>Bytes all reservations together may hold.</summary>
    public long Capacity => capacity;

    /// <summary>Bytes reserved now.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Reserves <paramref name="bytes"/>; <see langword="false"/> (nothing reserved) when that would exceed the capacity.</summary>
    public bool TryReserve(long bytes)
    {
        while (true)
        {
            var used = Interlocked.Read(ref _used);
            if (used + bytes > capacity)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _used, used + bytes, used) == used)
            {
                return true;
            }
        }
    }

    /// <summary>Returns <paramref name="bytes"/> reserved earlier.</summary>
    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}

/// <summary>Reading and relaying HTTP/1.1 message bodies (RFC 9112 §6–7).</summary>
internal static class HttpBody
{
    private const int MaxChunkLine = 4096;

    /// <summary>
    /// Reads a request body completely (de-chunked). Returns <see langword="null"/> when it exceeds <paramref name="maxBytes"/>.
    /// Memory grows as bytes arrive (a declared <c>Content-Length</c> is never allocated up front); each chunk of a
    /// chunked body is first offered to <paramref name="reserve"/>, and a refusal throws <see cref="BodyBudgetExceededException"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<PooledBody?> ReadRequestBodyAsync(BufferedReader reader, HttpHead head, long maxBytes, CancellationToken ct, Func<long, bool>? reserve = null)
    {
        if (head.Chunked)
        {
            var body = new PooledBody(8192);
            try
            {
                while (true)
                {
                    var size = await ReadChunkSizeAsync(reader, null, ct).ConfigureAwait(false);
                    if (size == 0)
                    {
                        await SkipTrailersAsync(reader, null, ct).ConfigureAwait(false);
                        return body;
                    }

                    if (body.Length + size > maxBytes)
                    {
                        body.Dispose();
                        return null;
                    }

                    if (reserve is not null && !reserve(size))
                    {
                        throw new BodyBudgetExceededException();
                    }

                    var dest = body.GetWritable((int)size);
                    await reader.ReadExactlyAsync(dest[..(int)size], ct).ConfigureAwait(false);
                    body.Advance((int)size);
                    await ExpectCrlfAsync(reader, ct).ConfigureAwait(false);
                }
            }
            catch
            {
                body.Dispose();
                throw;
            }
        }

        var length = head.ContentLength ?? 0;
        if (length > maxBytes)
        {
            return null;
        }

        var fixedBody = new PooledBody((int)Math.Min(length, 64 * 1024));
        if (length > 0)
        {
            try
            {
                while (fixedBody.Length < length)
                {
                    var want = (int)Math.Min(length - fixedBody.Length, 64 * 1024);
                    await reader.ReadExactlyAsync(fixedBody.GetWritable(want)[..want], ct).ConfigureAwait(false);
                    fixedBody.Advance(want);
                }
            }
            catch
            {
                fixedBody.Dispose();
                throw;
            }
        }

        return fixedBody;
    }

    /// <summary>Discards a request body we refused (so the connection can be reused), up to a limit; <see langword="false"/> when it is too big to bother.</summary>
    public static async ValueTask<bool> DiscardRequestBodyAsync(BufferedReader reader, HttpHead head, long limit, CancellationToken ct)
    {
        if (head.Chunked || (head.ContentLength ?? 0) > limit)
        {
            return false;
        }

        var remaining = head.ContentLength ?? 0;
        var scratch = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            while (remaining > 0)
            {
                var n = await reader.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, remaining)), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    return false;
                }

                remaining -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        return true;
    }

    /// <summary>
    /// Relays a response body from <paramref name="reader"/> to <paramref name="destination"/> as framed by
    /// <paramref name="head"/>. Chunked bodies are relayed chunk by chunk with their framing. Returns
    /// <see langword="false"/> when the body was delimited by connection close (the upstream connection is done).
    /// <paramref name="alreadyRelayed"/> bytes of a <c>Content-Length</c> body were sent before (with the head).
    /// <para>
    /// <paramref name="destination"/> is flushed whenever a read from <paramref name="reader"/> has to wait (see
    /// <see cref="BufferedReader.FlushBeforeWait"/>) and at the end, so a corked destination (<see cref="CorkingStream"/>)
    /// sends what the upstream has given so far before waiting for more: a streamed response (server-sent events, a
    /// chunked or slow body) reaches the client as it arrives, and a response that is all there goes out in one write.
    /// </para>
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<bool> RelayResponseBodyAsync(BufferedReader reader, HttpHead head, bool noBody, Stream destination, Action<long>? onBytes, CancellationToken ct, long alreadyRelayed = 0)
    {
        if (noBody)
        {
            return true;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var flushBefore = reader.FlushBeforeWait;
        reader.FlushBeforeWait = destination;
        try
        {
            if (head.Chunked)
            {
                while (true)
                {
                    var size = await ReadChunkSizeAsync(reader, destination, ct).ConfigureAwait(false);
                    if (size == 0)
                    {
                        await SkipTrailersAsync(reader, destination, ct).ConfigureAwait(false);
                        await destination.FlushAsync(ct).ConfigureAwait(false);
                        return true;
                    }

                    await CopyExactlyAsync(reader, destination, size + 2, buffer, onBytes, ct).ConfigureAwait(false);
                }
            }

            if (head.ContentLength is { } length)
            {
                await CopyExactlyAsync(reader, destination, length - alreadyRelayed, buffer, onBytes, ct).ConfigureAwait(false);
                await destination.FlushAsync(ct).ConfigureAwait(false);
                return true;
            }

            // Delimited by close.
            int n;
            while ((n = await reader.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                onBytes?.Invoke(n);
            }

            await destination.FlushAsync(ct).ConfigureAwait(false);
            return false;
        }
        finally
        {
            reader.FlushBeforeWait = flushBefore;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a whole response body (de-chunked) for inbound scanning; <see langword="null"/> past the limit.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<PooledBody?> ReadResponseBodyAsync(BufferedReader reader, HttpHead head, bool noBody, long maxBytes, CancellationToken ct)
    {
        if (noBody)
        {
            return new PooledBody(0);
        }

        if (head.Chunked || head.ContentLength is not null)
        {
            return await ReadRequestBodyAsync(reader, head, maxBytes, ct).ConfigureAwait(false);
        }

        var body = new PooledBody(8192);
        while (true)
        {
            var n = await reader.ReadAsync(body.GetWritable(8192), ct).ConfigureAwait(false);
            if (n == 0)
            {
                return body;
            }

            body.Advance(n);
            if (body.Length > maxBytes)
            {
                body.Dispose();
                return null;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask CopyExactlyAsync(BufferedReader reader, Stream destination, long count, byte[] buffer, Action<long>? onBytes, CancellationToken ct)
    {
        while (count > 0)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EndOfStreamException("The upstream closed in the middle of a body.");
            }

            await destination.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            onBytes?.Invoke(n);
            count -= n;
        }
    }

    /// <summary>Reads a chunk-size line (extensions ignored); echoes it to <paramref name="echo"/> when relaying.</summary>
    private static async ValueTask<long> ReadChunkSizeAsync(BufferedReader reader, Stream? echo, CancellationToken ct)
    {
        var len = await reader.ReadLineAsync(MaxChunkLine, ct).ConfigureAwait(false);
        if (len < 0)
        {
            throw new HttpParseException(400, "chunk-size line too long");
        }

        var line = reader.Buffered[..len];
        if (len < 2 || line[len - 2] != '\r')
        {
            throw new HttpParseException(400, "chunk-size line must end with CRLF");
        }

        var content = line[..(len - 2)];
        var semi = content.IndexOf((byte)';');
        var hex = (semi >= 0 ? content[..semi] : content).TrimEnd(" \t"u8);
        if (hex.Length is 0 or > 15)
        {
            throw new HttpParseException(400, "invalid chunk size");
        }

        long size = 0;
        foreach (var b in hex)
        {
            int d = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                throw new HttpParseException(400, "invalid chunk size");
            }

            size = (size << 4) | (uint)d;
        }

        if (echo is not null)
        {
            await echo.WriteAsync(reader.BufferedMemory[..len], ct).ConfigureAwait(false);
        }

        reader.Consume(len);
        return size;
    }

    private static async ValueTask ExpectCrlfAsync(BufferedReader reader, CancellationToken ct)
    {
        var len = await reader.ReadLineAsync(2, ct).ConfigureAwait(false);
        if (len != 2 || reader.Buffered[0] != '\r')
        {
            throw new HttpParseException(400, "chunk data must be followed by CRLF");
        }

        reader.Consume(2);
    }

    private static async ValueTask SkipTrailersAsync(BufferedReader reader, Stream? echo, CancellationToken ct)
    {
        for (var i = 0; i < 64; i++)
        {
            var len = await reader.ReadLineAsync(MaxChunkLine, ct).ConfigureAwait(false);
            if (len < 0)
            {
                throw new HttpParseException(400, "trailer line too long");
            }

            var isEnd = len == 2 && reader.Buffered[0] == '\r';
            if (echo is not null && isEnd)
            {
                // Trailers are not forwarded (we may have rewritten the message); only the terminator is.
                await echo.WriteAsync("\r\n"u8.ToArray(), ct).ConfigureAwait(false);
            }

            reader.Consume(len);
            if (isEnd)
            {
                return;
            }
        }

        throw new HttpParseException(400, "too many trailer fields");
    }
}
