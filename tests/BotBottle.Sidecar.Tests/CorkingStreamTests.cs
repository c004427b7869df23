using System.Net;
using System.Net.Sockets;
using BotBottle.Sidecar.Http;

namespace BotBottle.Tests;

/// <summary>
/// <see cref="CorkingStream"/> over a real loopback TCP connection: corked writes become one write to the connection
/// on flush, uncorked writes pass through, held bytes are never lost or reordered, reading ahead returns the bytes sent.
/// </summary>
public sealed class CorkingStreamTests : IAsyncLifetime
{
    private Socket _a = null!;
    private Socket _b = null!;

    public async Task InitializeAsync()
    {
        // Buffers large enough for every test's bytes, so a write never waits for the peer to read.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1 << 20 };
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _a = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = 1 << 20 };
        var accept = listener.AcceptAsync();
        await _a.ConnectAsync(listener.LocalEndPoint!);
        _b = await accept;
    }

    public Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Corked_writes_go_out_as_one_write_on_flush_in_order()
    {
        var counting = new CountingStream(new NetworkStream(_a, ownsSocket: false));
        await using var cork = new CorkingStream(counting);
        cork.Cork();
        var sent = new List<byte>();
        for (var i = 0; i < 5; i++)
        {
            var part = Enumerable.Range(0, 16_413).Select(j => (byte)(i * 31 + j)).ToArray();
            await cork.WriteAsync(part);
            sent.AddRange(part);
        }

        Assert.Equal(0, counting.Writes);
        Assert.Equal(sent.Count, cork.HeldCount);
        await cork.FlushAsync();
        Assert.Equal(1, counting.Writes);
        Assert.Equal(0, cork.HeldCount);
        Assert.Equal(sent, await ReceiveAsync(sent.Count));
    }

    [Fact]
    public async Task Uncorked_writes_pass_through_after_what_was_held()
    {
        var counting = new CountingStream(new NetworkStream(_a, ownsSocket: false));
        await using var cork = new CorkingStream(counting);
        await cork.WriteAsync("a"u8.ToArray());
        Assert.Equal(1, counting.Writes);
        cork.Cork();
        await cork.WriteAsync("b"u8.ToArray());
        cork.Uncork();
        Assert.Equal(1, counting.Writes);
        await cork.WriteAsync("c"u8.ToArray()); // the held "b" goes first
        Assert.Equal(3, counting.Writes);
        Assert.Equal("abc"u8.ToArray(), await ReceiveAsync(3));
    }

    [Fact]
    public async Task Past_the_capacity_held_bytes_are_sent_and_nothing_is_lost()
    {
        var counting = new CountingStream(new NetworkStream(_a, ownsSocket: false));
        await using var cork = new CorkingStream(counting);
        cork.Cork();
        var total = new List<byte>();
        var big = Enumerable.Range(0, CorkingStream.Capacity - 10).Select(j => (byte)j).ToArray();
        await cork.WriteAsync(big);
        total.AddRange(big);
        var overflow = Enumerable.Range(0, 100).Select(j => (byte)(j + 7)).ToArray();
        var receive = ReceiveAsync(big.Length + overflow.Length + 1);
        await cork.WriteAsync(overflow); // would not fit: the held bytes go, the new ones are held
        total.AddRange(overflow);
        Assert.Equal(1, counting.Writes);
        Assert.Equal(overflow.Length, cork.HeldCount);
        await cork.WriteAsync(new byte[] { 1 });
        total.Add(1);
        await cork.FlushAsync();
        Assert.Equal(2, counting.Writes);
        Assert.Equal(total, await receive);
    }

    [Fact]
    public async Task Reading_ahead_returns_every_byte_in_order_with_fewer_reads()
    {
        var sent = Enumerable.Range(0, 200_000).Select(j => (byte)(j % 251)).ToArray();
        using (var writer = new NetworkStream(_a, ownsSocket: false))
        {
            await writer.WriteAsync(sent);
        }

        _a.Shutdown(SocketShutdown.Send);
        var counting = new CountingStream(new NetworkStream(_b, ownsSocket: false));
        await using var stream = new CorkingStream(counting, readAhead: 64 * 1024);
        var got = new List<byte>();
        var small = new byte[16 * 1024];
        var smallReads = 0;
        while (true)
        {
            // Like SslStream: a zero-byte readiness read, then a read of a record's worth.
            Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
            var n = await stream.ReadAsync(small);
            if (n == 0)
            {
                break;
            }

            smallReads++;
            got.AddRange(small.AsSpan(0, n).ToArray());
        }

        Assert.Equal(sent, got);
        Assert.True(counting.Reads < smallReads, $"{counting.Reads} reads of the connection for {smallReads} reads of 16 KiB");
    }

    private async Task<byte[]> ReceiveAsync(int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await _b.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return buffer[..read];
    }

    /// <summary>A pass-through stream that counts the reads and writes that reach the connection.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public int Writes { get; private set; }

        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            return inner.Read(buffer, offset, count);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.Length > 0)
            {
                Reads++;
            }

            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
