using System.Formats.Tar;
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

    [Theory]
    [InlineData("1.41", "1.41")]
    [InlineData("1.44", "1.44")]
    [InlineData("1.47", "1.47")]
    [InlineData("1.51", "1.47")]
    [InlineData("2.0", "1.47")]
    public void The_api_version_is_the_engines_clamped_to_the_newest_we_ask_for(string engine, string expected)
    {
        using var client = new DockerEngineClient(DockerEndpoint.Parse("unix:///nonexistent.sock", "test", false, false, null));
        var chosen = client.Clamp(DockerEngineClient.ParseApiVersion(engine)!);
        Assert.Equal(expected, chosen.ApiVersion.ToString());
        Assert.Equal(engine, chosen.EngineApiVersion.ToString());
    }

    [Fact]
    public void An_engine_older_than_the_oldest_we_support_is_refused_with_what_to_do()
    {
        using var client = new DockerEngineClient(DockerEndpoint.Parse("unix:///nonexistent.sock", "test", false, false, null));
        var ex = Assert.Throws<DockerEngineUnavailableException>(() => client.Clamp(new Version(1, 40)));
        Assert.Contains("1.40", ex.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade the engine", ex.Message, StringComparison.Ordinal);
        Assert.Null(DockerEngineClient.ParseApiVersion("not-a-version"));
    }

    [Theory]
    [InlineData("{\"message\":\"No such container: x\"}\n", "No such container: x")]
    [InlineData("plain text error", "plain text error")]
    [InlineData("{\"other\":1}", "{\"other\":1}")]
    [InlineData("", "NotFound")]
    public void The_engines_error_message_is_taken_from_its_body(string body, string expected)
    {
        Assert.Equal(expected, DockerEngineClient.EngineMessage(body, System.Net.HttpStatusCode.NotFound));
    }

    public static TheoryData<string, Exception, string?> FailureChains => new()
    {
        // A broken pipe two levels down, as the library's handler raises it when the engine closes an upload early.
        { "pipe two deep", new HttpRequestException("Error while copying content to a stream.", new InvalidOperationException("copy failed", new IOException("Broken pipe", new System.Net.Sockets.SocketException(32)))), "Broken pipe" },
        { "refused", new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (localhost:2375)", new System.Net.Sockets.SocketException(111)), new System.Net.Sockets.SocketException(111).Message },
        { "bare socket", new System.Net.Sockets.SocketException(2), new System.Net.Sockets.SocketException(2).Message },
        { "tls", new HttpRequestException(HttpRequestError.SecureConnectionError, "SSL failed", new System.Security.Authentication.AuthenticationException("remote certificate rejected")), "remote certificate rejected" },
        { "cancelled", new TaskCanceledException("cancelled", new IOException("Broken pipe")), null },
        { "missing file", new FileNotFoundException("no such file", "/x"), null },
        { "a bug", new InvalidOperationException("not a transport failure"), null },
    };

    [Theory]
    [MemberData(nameof(FailureChains))]
    public void A_transport_failure_anywhere_in_the_chain_means_the_engine_is_unreachable_and_its_innermost_message_is_kept(string name, Exception failure, string? expected)
    {
        var cause = DockerEngineClient.UnreachableCause(failure);
        Assert.True(expected == cause?.Message, $"{name}: expected '{expected}', got '{cause?.Message}'");
    }

    [Fact]
    public async Task An_engine_that_drops_the_connection_mid_request_is_reported_unreachable_naming_the_operation()
    {
        // A real listener that reads the request head and closes with a reset, as a dying engine or a broken tunnel does.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                using var socket = await listener.AcceptSocketAsync();
                var buffer = new byte[4096];
                await socket.ReceiveAsync(buffer);
                socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
                socket.Close();
            }
        });

        using var client = new DockerEngineClient(DockerEndpoint.Parse($"tcp://127.0.0.1:{port}", "test", false, false, null));
        var ex = await Assert.ThrowsAsync<DockerEngineUnavailableException>(() => client.GetVersionAsync(CancellationToken.None));
        Assert.Contains("GET /version failed", ex.Message, StringComparison.Ordinal);
        listener.Stop();
    }

    [Fact]
    public void Build_output_relayed_a_character_at_a_time_in_colour_codes_is_kept_as_whole_lines()
    {
        // What the legacy builder sends for a RUN step's stderr (seen from Docker 20.10 with curl's error): one stream
        // message per character, each wrapped in SGR red (ESC[91m … ESC[0m), then the step's error.
        var lines = new List<string>();
        var sink = new DockerEngineClient.MessageSink("probe", new SyncProgress<ImageProgress>(p => lines.Add(p.Message)));
        sink.Report(new global::Docker.DotNet.Models.JSONMessage { Stream = " ---> Running in ff6a9e2c81bf\n" });
        foreach (var c in "curl: (60) SSL certificate problem: unable to get local issuer certificate\nMore details here\r\n")
        {
            sink.Report(new global::Docker.DotNet.Models.JSONMessage { Stream = $"\u001b[91m{c}\u001b[0m" });
        }

        sink.Report(new global::Docker.DotNet.Models.JSONMessage { Stream = "no line end yet" });
        sink.Report(new global::Docker.DotNet.Models.JSONMessage { Error = new global::Docker.DotNet.Models.JSONError { Message = "The command returned a non-zero code: 60" } });

        Assert.Equal([" ---> Running in ff6a9e2c81bf", "curl: (60) SSL certificate problem: unable to get local issuer certificate", "More details here"], lines);
        var failed = Assert.Throws<DockerBuildException>(sink.ThrowIfFailed);
        Assert.Equal("The command returned a non-zero code: 60", failed.EngineMessage);
        Assert.Equal(" ---> Running in ff6a9e2c81bf\ncurl: (60) SSL certificate problem: unable to get local issuer certificate\nMore details here\nno line end yet", failed.OutputTail);
    }

    [Fact]
    public void A_build_keeps_only_its_last_lines()
    {
        var sink = new DockerEngineClient.MessageSink("probe", null);
        for (var i = 0; i < 50; i++)
        {
            sink.Report(new global::Docker.DotNet.Models.JSONMessage { Stream = $"line {i}\n" });
        }

        Assert.Equal(DockerEngineClient.MessageSink.TailLines, sink.Tail.Count);
        Assert.Equal("line 49", sink.Tail[^1]);
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
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
}
