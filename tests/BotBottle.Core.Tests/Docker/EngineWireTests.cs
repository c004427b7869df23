using System.Buffers.Binary;
using System.Formats.Tar;
using System.Text;
using BotBottle.Backends.Docker.Engine;

namespace BotBottle.Tests.Docker;

public class EngineWireTests
{
    [Theory]
    [InlineData("debian:bookworm-slim", "debian", "bookworm-slim")]
    [InlineData("debian", "debian", "latest")]
    [InlineData("registry.local:5000/team/img", "registry.local:5000/team/img", "latest")]
    [InlineData("registry.local:5000/team/img:v2", "registry.local:5000/team/img", "v2")]
    public void Image_references_split_into_repository_and_tag(string image, string repo, string tag)
    {
        Assert.Equal((repo, tag), DockerEngineClient.SplitReference(image));
    }

    [Fact]
    public async Task Demuxer_splits_stdout_and_stderr_frames_even_across_reads()
    {
        var ms = new MemoryStream();
        WriteFrame(ms, 1, "hello ");
        WriteFrame(ms, 2, "oops");
        WriteFrame(ms, 1, "world");
        ms.Position = 0;
        var trickle = new TrickleStream(ms, 3);
        var outText = new StringBuilder();
        var errText = new StringBuilder();

        await DockerStreamDemuxer.CopyAsync(trickle, tty: false, c => (c.Stream == ExecStream.StdErr ? errText : outText).Append(Encoding.UTF8.GetString(c.Data.Span)), CancellationToken.None);

        Assert.Equal("hello world", outText.ToString());
        Assert.Equal("oops", errText.ToString());
    }

    [Fact]
    public async Task Demuxer_reports_a_truncated_frame()
    {
        var ms = new MemoryStream();
        WriteFrame(ms, 1, "complete");
        ms.Write([1, 0, 0, 0, 0, 0, 0, 10]);
        ms.Write("abc"u8);
        ms.Position = 0;
        await Assert.ThrowsAsync<IOException>(() => DockerStreamDemuxer.CopyAsync(ms, false, _ => { }, CancellationToken.None));
    }

    [Fact]
    public void Tar_builder_is_deterministic_and_adds_parent_folders()
    {
        static byte[] Build() => new TarBuilder()
            .AddFile("b/c/file.txt", "content", (UnixFileMode)0b111_101_101, uid: 1000, gid: 1000)
            .AddFile("a.txt", "a")
            .ToStream().ToArray();

        var first = Build();
        Assert.Equal(first, Build());

        using var reader = new TarReader(new MemoryStream(first));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } e)
        {
            names.Add(e.Name);
            if (e.Name == "b/c/file.txt")
            {
                Assert.Equal(1000, e.Uid);
                Assert.True(e.Mode.HasFlag(UnixFileMode.UserExecute));
                Assert.Equal("content", new StreamReader(e.DataStream!).ReadToEnd());
            }
        }

        Assert.Equal(["a.txt", "b/", "b/c/", "b/c/file.txt"], names);
    }

    [Fact]
    public void Tar_bytes_do_not_depend_on_the_writing_process()
    {
        // Regression: PAX extended headers are named after the writing process (PaxHeaders.<pid>), which made the
        // same image inputs hash differently in every CLI run and rebuilt images on every start.
        var bytes = new TarBuilder().AddFile("dir/file.txt", "same").AddFile("d/" + new string('n', 140) + ".txt", "long name").ToStream().ToArray();
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        Assert.DoesNotContain("PaxHeaders", text, StringComparison.Ordinal);
        Assert.DoesNotContain($".{Environment.ProcessId}/", text, StringComparison.Ordinal);
        using var reader = new TarReader(new MemoryStream(bytes));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } e)
        {
            names.Add(e.Name);
        }

        Assert.Contains("d/" + new string('n', 140) + ".txt", names); // long names survive (GNU long-name entries)
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("/")]
    public void Tar_builder_refuses_paths_that_escape(string path)
    {
        Assert.Throws<ArgumentException>(() => new TarBuilder().AddFile(path, "x"));
    }

    private static void WriteFrame(Stream s, byte kind, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var header = new byte[8];
        header[0] = kind;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
        s.Write(header);
        s.Write(payload);
    }

    /// <summary>Returns at most <c>max</c> bytes per read, like a slow socket.</summary>
    private sealed class TrickleStream(Stream inner, int max) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, max));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer[..Math.Min(buffer.Length, max)], cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
