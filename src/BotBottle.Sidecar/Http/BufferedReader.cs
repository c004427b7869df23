using System.Buffers;
using System.Runtime.CompilerServices;

namespace BotBottle.Sidecar.Http;

/// <summary>
/// A read buffer over a connection stream for HTTP/1.1: finds message heads (up to a size limit) without copying,
/// then serves body reads from what is already buffered before touching the stream. One per connection; not
/// thread-safe. The buffer is pooled and returned on dispose.
/// </summary>
internal sealed class BufferedReader : IDisposable
{
    private static readonly byte[] HeadTerminator = "\r\n\r\n"u8.ToArray();
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _scanned;

    public BufferedReader(Stream stream, int initialSize = 16 * 1024)
    {
        Stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    public Stream Stream { get; }

    /// <summary>
    /// A stream flushed before a read from <see cref="Stream"/> has to wait for bytes (the read did not complete at
    /// once), or <see langword="null"/>. A relay sets it to the corked destination (<see cref="CorkingStream"/>), so bytes
    /// held for one send never wait for the source: they go out as soon as the source has nothing more to give now.
    /// </summary>
    public Stream? FlushBeforeWait { get; set; }

    /// <summary>Bytes already read from the stream but not consumed.</summary>
    public int BufferedCount => _end - _start;

    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    /// <summary>The bytes of <see cref="Buffered"/> as memory (valid until the next read or <see cref="Consume"/>).</summary>
    public ReadOnlyMemory<byte> BufferedMemory => _buffer.AsMemory(_start, _end - _start);

    /// <summary>
    /// Reads until a complete head (terminated by CRLF CRLF) is buffered. Returns its length including the
    /// terminator, 0 when the stream ended cleanly before any byte of a new message, or -1 when the head exceeds
    /// <paramref name="maxHeadBytes"/>. Leading empty lines (RFC 9112 §2.2) are skipped.
    /// </summary>
    /// <exception cref="EndOfStreamException">The stream ended in the middle of a head.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadHeadAsync(int maxHeadBytes, CancellationToken cancellationToken)
    {
        _scanned = 0;
        while (true)
        {
            // Skip CRLFs between messages.
            while (_end - _start >= 2 && _buffer[_start] == '\r' && _buffer[_start + 1] == '\n')
            {
                _start += 2;
                _scanned = 0;
            }

            var span = _buffer.AsSpan(_start, _end - _start);
            var from = Math.Max(0, _scanned - 3);
            var idx = span[from..].IndexOf(HeadTerminator);
            if (idx >= 0)
            {
                var length = from + idx + 4;
                return length > maxHeadBytes ? -1 : length;
            }

            _scanned = span.Length;
            if (span.Length >= maxHeadBytes)
            {
                return -1;
            }

            if (!await FillAsync(maxHeadBytes, cancellationToken).ConfigureAwait(false))
            {
                if (_end == _start)
                {
                    return 0;
                }

                throw new EndOfStreamException("The connection closed in the middle of a message head.");
            }
        }
    }

    /// <summary>Reads one CRLF-terminated line (for chunk sizes and trailers); returns its length including CRLF, or -1 past the limit.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadLineAsync(int maxLineBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var idx = span.IndexOf((byte)'\n');
            if (idx >= 0)
            {
                return idx + 1 > maxLineBytes ? -1 : idx + 1;
            }

            if (span.Length >= maxLineBytes)
            {
                return -1;
            }

            if (!await FillAsync(maxLineBytes, cancellationToken).ConfigureAwait(false))
            {
                throw new EndOfStreamException("The connection closed in the middle of a chunked body.");
            }
        }
    }

    /// <summary>Marks <paramref name="count"/> buffered bytes consumed.</summary>
    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Reads body bytes: buffered first, then from the stream. 0 means end of stream.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_end > _start)
        {
            var n = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination.Span);
            Consume(n);
            return n;
        }

        var read = Stream.ReadAsync(destination, cancellationToken);
        if (!read.IsCompleted && FlushBeforeWait is { } flush)
        {
            await flush.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return await read.ConfigureAwait(false);
    }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes.</summary>
    /// <exception cref="EndOfStreamException">The stream ended first.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < destination.Length)
        {
            var n = await ReadAsync(destination[read..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EndOfStreamException("The connection closed in the middle of a body.");
            }

            read += n;
        }
    }

    /// <summary>Ensures at least one more byte is buffered (for peeking); <see langword="false"/> at end of stream.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> FillAsync(int maxBuffered, CancellationToken cancellationToken)
    {
        if (_start > 0 && _end == _buffer.Length)
        {
            // Compact.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _scanned = Math.Max(0, _scanned);
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Math.Min(maxBuffered + 1, 1 << 20)));
            Buffer.BlockCopy(_buffer, _start, bigger, 0, _end - _start);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
            _end -= _start;
            _start = 0;
        }

        var read = Stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (!read.IsCompleted && FlushBeforeWait is { } flush)
        {
            await flush.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var n = await read.ConfigureAwait(false);
        if (n == 0)
        {
            return false;
        }

        _end += n;
        return true;
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
