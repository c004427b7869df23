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
