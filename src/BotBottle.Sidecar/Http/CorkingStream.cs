using System.Buffers;
using System.Runtime.CompilerServices;

namespace BotBottle.Sidecar.Http;

/// <summary>
/// A connection stream that can hold writes back and send them together (like Linux <c>TCP_CORK</c>, in user space):
/// while <see cref="Cork"/> is in force, writes are copied into one pooled buffer of <see cref="Capacity"/> bytes and go
/// out as one write on <see cref="FlushAsync(CancellationToken)"/> (or when the buffer would overflow). Under an
/// <see cref="System.Net.Security.SslStream"/>, which writes each TLS record (at most 16 KiB of plaintext) to its inner
/// stream separately, this makes a 64 KiB response one <c>send</c> instead of five. When not corked, writes pass straight
/// through (bytes held from an earlier cork go first), so code that never corks behaves exactly as on the inner stream.
/// Not thread-safe: one reader and one writer at a time, as for any connection stream.
/// <para>
/// Reads can read ahead (<c>readAhead</c> &gt; 0): after a read that filled the caller's buffer (more is likely
/// waiting), a read asking for less than <c>readAhead</c> bytes reads up to that many into a pooled buffer and serves later
/// reads from it. <see cref="System.Net.Security.SslStream"/> reads a TLS record at a time into a buffer of about 16 KiB,
/// often in two reads for one record; reading ahead makes the records of a 64 KiB response two or three <c>recv</c> calls
/// instead of about ten, while a small response (one short read) is read straight into the caller's buffer, without a
/// copy. The buffer is rented only while such a read waits or bytes are left in it, so an idle connection holds none.
/// </para>
/// </summary>
/// <remarks>
/// The owner must flush before it waits for anything that decides when more bytes come (another party's data): held
/// bytes are sent only on a flush, an overflow, or the next uncorked write. <see cref="BufferedReader.FlushBeforeWait"/>
/// does that for a relay.
/// </remarks>
/// <param name="inner">The connection (a <see cref="System.Net.Sockets.NetworkStream"/>); disposed with this stream.</param>
/// <param name="readAhead">Bytes read at once for small reads; 0 passes reads through.</param>
internal sealed class CorkingStream(Stream inner, int readAhead = 0) : Stream
{
    /// <summary>Bytes held at most before they are sent anyway (two 64 KiB bodies with their TLS framing).</summary>
    public const int Capacity = 128 * 1024;

    private byte[]? _held;
    private int _count;
    private byte[]? _ahead;
    private int _aheadStart;
    private int _aheadEnd;
    private bool _reading;
    private bool _lastReadFull;

    /// <summary>True while writes are held back (between <see cref="Cork"/> and <see cref="Uncork"/>).</summary>
    public bool Corked { get; private set; }

    /// <summary>Bytes written but not yet sent.</summary>
    public int HeldCount => _count;

    /// <summary>Bytes read ahead from the connection and not yet read from this stream.</summary>
    public int AheadCount => _aheadEnd - _aheadStart;

    /// <inheritdoc />
    public override bool CanRead => inner.CanRead;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => inner.CanWrite;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Starts holding writes until a flush.</summary>
    public void Cork() => Corked = true;

    /// <summary>Stops holding writes. Bytes still held go out with the next write or flush (call <see cref="FlushAsync(CancellationToken)"/>).</summary>
    public void Uncork() => Corked = false;

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Corked && _count + buffer.Length <= Capacity)
        {
            Hold(buffer.Span);
            return default;
        }

        return _count == 0 ? inner.WriteAsync(buffer, cancellationToken) : SendHeldThenWriteAsync(buffer, cancellationToken);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Corked && _count + count <= Capacity)
        {
            Hold(buffer.AsSpan(offset, count));
            return;
        }

        SendHeld();
        inner.Write(buffer, offset, count);
    }

    /// <summary>Sends the bytes held (one write); the cork stays as it is.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _count == 0 ? inner.FlushAsync(cancellationToken) : SendHeldAsync(cancellationToken);

    /// <inheritdoc />
    public override void Flush()
    {
        SendHeld();
        inner.Flush();
    }

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_aheadEnd > _aheadStart)
        {
            return new ValueTask<int>(TakeAhead(buffer.Span));
        }

        // SslStream asks for 0 bytes first when its buffer is empty (a readiness wait: a 1-byte MSG_PEEK on Linux); when
        // more is likely waiting, reading ahead answers that wait and the record reads that follow with one recv.
        if (_lastReadFull && buffer.Length < readAhead)
        {
            return ReadAheadAsync(buffer, cancellationToken);
        }

        return ReadDirect(buffer, cancellationToken);
    }

    /// <summary>
    /// A read into the caller's buffer. One that completes at once and fills it shows more is waiting, so the next one
    /// reads ahead; one that has to wait is not looked at (no extra async step per wait), which leaves the choice as it was.
    /// </summary>
    private ValueTask<int> ReadDirect(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = inner.ReadAsync(buffer, cancellationToken);
        if (readAhead > 0 && buffer.Length > 0 && read.IsCompletedSuccessfully)
        {
            var n = read.Result;
            _lastReadFull = n == buffer.Length && n > 0;
            return new ValueTask<int>(n);
        }

        return read;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_aheadEnd > _aheadStart)
        {
            return TakeAhead(buffer.AsSpan(offset, count));
        }

        return inner.Read(buffer, offset, count);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadAheadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var ahead = _ahead ??= ArrayPool<byte>.Shared.Rent(readAhead);
        int n;
        _reading = true;
        try
        {
            n = await inner.ReadAsync(ahead.AsMemory(0, readAhead), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _reading = false;
            ReturnAhead();
            throw;
        }

        _reading = false;

        _aheadStart = 0;
        _aheadEnd = n;
        _lastReadFull = n == readAhead;
        if (n == 0)
        {
            ReturnAhead();
            return 0;
        }

        return TakeAhead(buffer.Span);
    }

    private int TakeAhead(Span<byte> destination)
    {
        if (_ahead is not { } ahead)
        {
            return 0; // disposed while the read ended
        }

        var n = Math.Min(destination.Length, _aheadEnd - _aheadStart);
        ahead.AsSpan(_aheadStart, n).CopyTo(destination);
        _aheadStart += n;
        if (_aheadStart == _aheadEnd)
        {
            ReturnAhead();
        }

        return n;
    }

    private void ReturnAhead()
    {
        _aheadStart = _aheadEnd = 0;
        if (_ahead is { } ahead)
        {
            _ahead = null;
            ArrayPool<byte>.Shared.Return(ahead);
        }
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    private void Hold(ReadOnlySpan<byte> bytes)
    {
        _held ??= ArrayPool<byte>.Shared.Rent(Capacity);
        bytes.CopyTo(_held.AsSpan(_count));
        _count += bytes.Length;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendHeldThenWriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await SendHeldAsync(cancellationToken).ConfigureAwait(false);
        if (Corked && buffer.Length <= Capacity)
        {
            Hold(buffer.Span);
            return;
        }

        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendHeldAsync(CancellationToken cancellationToken)
    {
        var held = _held!;
        var count = _count;
        _count = 0;
        _held = null;
        try
        {
            await inner.WriteAsync(held.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(held);
        }
    }

    private void SendHeld()
    {
        if (_count == 0)
        {
            return;
        }

        var held = _held!;
        var count = _count;
        _count = 0;
        _held = null;
        try
        {
            inner.Write(held, 0, count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(held);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _held is { } held)
        {
            _held = null;
            _count = 0;
            ArrayPool<byte>.Shared.Return(held);
        }

        // A read still in progress owns the read-ahead buffer (the socket may still write into it); it gives the buffer
        // back when it ends, so it never reaches another connection while in use.
        if (disposing && !_reading)
        {
            ReturnAhead();
        }

        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
