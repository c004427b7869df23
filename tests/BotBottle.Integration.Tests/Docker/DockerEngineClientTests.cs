using System.Formats.Tar;
using BotBottle.Backends.Docker.Engine;
using Docker.DotNet.Models;

namespace BotBottle.Tests.Docker;

[Collection(EngineCollection.Name)]
public class DockerEngineClientTests(EngineFixture fx)
{
    private static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private CreateContainerParameters Sleeper(string? network = null) => new()
    {
        Image = fx.BaseImage,
        Cmd = ["sleep", "600"],
        Labels = fx.Labels,
        StopTimeout = TimeSpan.FromSeconds(1),
        HostConfig = new HostConfig { NetworkMode = network ?? string.Empty, Init = true },
    };

    [Fact]
    public async Task Negotiates_an_api_version_within_our_range_and_the_engines()
    {
        var v = await fx.Engine.NegotiateAsync(Timeout());
        Assert.InRange(v.ApiVersion, DockerEngineClient.MinApiVersion, DockerEngineClient.MaxApiVersion);
        Assert.True(v.ApiVersion <= v.EngineApiVersion);

        var version = await fx.Engine.GetVersionAsync(Timeout());
        Assert.False(string.IsNullOrEmpty(version.Version));
        var info = await fx.Engine.GetInfoAsync(Timeout());
        Assert.Equal("linux", info.OSType);
    }

    [Fact]
    public async Task An_endpoint_where_nothing_listens_is_BackendUnavailable_naming_the_endpoint()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nothing-{Guid.NewGuid():N}.sock");
        using var client = new DockerEngineClient(DockerEndpoint.Parse("unix://" + path, "test", false, false, null));
        var ex = await Assert.ThrowsAsync<DockerEngineUnavailableException>(() => client.GetVersionAsync(Timeout(10)));
        Assert.Equal("BackendUnavailable", ex.ErrorId);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("DOCKER_HOST", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_objects_are_null_on_inspect_and_typed_errors_with_the_engines_message_otherwise()
    {
        var name = fx.Name("missing");
        Assert.Null(await fx.Engine.InspectContainerAsync(name, Timeout()));
        Assert.Null(await fx.Engine.InspectNetworkAsync(name, Timeout()));
        Assert.Null(await fx.Engine.InspectImageAsync(name + ":none", Timeout()));
        Assert.Null(await fx.Engine.InspectVolumeAsync(name, Timeout()));

        var ex = await Assert.ThrowsAsync<DockerNotFoundException>(() => fx.Engine.StartContainerAsync(name, Timeout()));
        Assert.Equal("DockerObjectNotFound", ex.ErrorId);
        Assert.Contains("No such container", ex.EngineMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("/start", ex.Message, StringComparison.Ordinal);

        // ignoreMissing makes teardown idempotent.
        await fx.Engine.RemoveContainerAsync(name, true, true, ignoreMissing: true, Timeout());
        await fx.Engine.RemoveNetworkAsync(name, ignoreMissing: true, Timeout());
        await fx.Engine.RemoveVolumeAsync(name, true, ignoreMissing: true, Timeout());
    }

    [Fact]
    public async Task Container_lifecycle_exec_and_archive_round_trip()
    {
        var name = fx.Name("life");
        var id = await fx.Engine.CreateContainerAsync(name, Sleeper(), Timeout());
        var conflict = await Assert.ThrowsAsync<DockerConflictException>(() => fx.Engine.CreateContainerAsync(name, Sleeper(), Timeout()));
        Assert.Contains(name, conflict.EngineMessage, StringComparison.Ordinal);

        await fx.Engine.StartContainerAsync(id, Timeout());
        var inspect = await fx.Engine.InspectContainerAsync(name, Timeout());
        Assert.True(inspect!.State!.Running);
        Assert.Equal(fx.RunId, inspect.Config!.Labels![EngineFixture.TestLabelKey]);

        var streamed = new List<ExecOutputChunk>();
        var r = await fx.Engine.ExecAsync(id, new ContainerExecCreateParameters { Cmd = ["sh", "-c", "echo out-line; echo err-line >&2; exit 3"] }, c => streamed.Add(c), Timeout());
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out-line\n", r.StdOut);
        Assert.Equal("err-line\n", r.StdErr);
        Assert.Contains(streamed, c => c.Stream == ExecStream.StdErr);

        var tar = new TarBuilder().AddFile("drop/hello.txt", "hi from the host\n", uid: 1000, gid: 1000).ToStream();
        await fx.Engine.PutArchiveAsync(id, "/tmp", tar, Timeout());
        var cat = await fx.Engine.ExecAsync(id, new ContainerExecCreateParameters { Cmd = ["stat", "-c", "%u %n", "/tmp/drop/hello.txt"] }, null, Timeout());
        Assert.Equal("1000 /tmp/drop/hello.txt\n", cat.StdOut);

        await using (var back = await fx.Engine.GetArchiveAsync(id, "/tmp/drop/hello.txt", Timeout()))
        {
            using var reader = new TarReader(back);
            var entry = reader.GetNextEntry();
            Assert.NotNull(entry);
            Assert.Equal("hello.txt", entry!.Name);
            Assert.Equal("hi from the host\n", new StreamReader(entry.DataStream!).ReadToEnd());
        }

        await fx.Engine.StopContainerAsync(id, 1, Timeout());
        await fx.Engine.StopContainerAsync(id, 1, Timeout()); // already stopped: 304 is success
        Assert.False((await fx.Engine.InspectContainerAsync(id, Timeout()))!.State!.Running);
        await fx.Engine.RemoveContainerAsync(id, force: false, removeVolumes: true, ignoreMissing: false, Timeout());
        Assert.Null(await fx.Engine.InspectContainerAsync(id, Timeout()));
    }

    [Theory]
    [InlineData(1)] // one tar block: the engine has read it all before it answers
    [InlineData(8 * 1024 * 1024)] // the engine answers 404 and closes long before the body is sent: a broken pipe
    public async Task An_archive_into_a_missing_folder_is_the_engines_not_found_whatever_its_size(int bytes)
    {
        // The guest provisioner relies on this answer to create the folder and try again.
        var id = await fx.Engine.CreateContainerAsync(fx.Name($"nofolder-{bytes}"), Sleeper(), Timeout());
        try
        {
            await fx.Engine.StartContainerAsync(id, Timeout());
            var tar = new TarBuilder().AddFile("payload.bin", new byte[bytes], (UnixFileMode)0b110_100_100, 0, 0).ToStream();
            var missing = await Assert.ThrowsAsync<DockerNotFoundException>(() => fx.Engine.PutArchiveAsync(id, "/no/such/folder", tar, Timeout()));
            Assert.Contains("/no/such/folder", missing.EngineMessage, StringComparison.Ordinal);

            // Control: the same archive into a folder that exists arrives whole.
            tar = new TarBuilder().AddFile("payload.bin", new byte[bytes], (UnixFileMode)0b110_100_100, 0, 0).ToStream();
            await fx.Engine.PutArchiveAsync(id, "/tmp", tar, Timeout());
            var size = await fx.Engine.ExecAsync(id, new ContainerExecCreateParameters { Cmd = ["stat", "-c", "%s", "/tmp/payload.bin"] }, null, Timeout());
            Assert.Equal($"{bytes}\n", size.StdOut);
        }
        finally
        {
            await fx.Engine.RemoveContainerAsync(id, true, true, ignoreMissing: true, Timeout());
        }
    }

    [Fact]
    public async Task Exec_output_larger_than_one_frame_arrives_whole()
    {
        var id = await fx.Engine.CreateContainerAsync(fx.Name("big"), Sleeper(), Timeout());
        await fx.Engine.StartContainerAsync(id, Timeout());
        var r = await fx.Engine.ExecAsync(id, new ContainerExecCreateParameters { Cmd = ["sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x"] }, null, Timeout());
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(3_000_000, r.StdOut.Length);
        Assert.All(r.StdOut, c => Assert.Equal('x', c));
    }

    [Fact]
    public async Task Internal_network_has_no_route_beyond_the_host_and_is_listed_by_label()
    {
        var netName = fx.Name("internal");
        var netId = await fx.Engine.CreateNetworkAsync(new NetworksCreateParameters { Name = netName, Internal = true, Labels = fx.Labels }, Timeout());
        var net = await fx.Engine.InspectNetworkAsync(netId, Timeout());
        Assert.True(net!.Internal);
        Assert.Contains(await fx.Engine.ListNetworksAsync([fx.TestLabel], Timeout()), n => n.ID == netId);

        // The target is an address beyond the host that this machine really reaches: the NuGet source the suite was
        // restored from (nuget.config), port 443. (1.1.1.1 would be unreachable on any offline host, proving nothing.)
        // Only traffic beyond the host is in question: on some engines an internal network still reaches the host's
        // own addresses, which is why the agent gets its own firewall (DockerSandboxEscapeTests covers that).
        var target = (await System.Net.Dns.GetHostAddressesAsync("api.nuget.org")).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        var probe = new ContainerExecCreateParameters { Cmd = ["bash", "-c", $"timeout 5 bash -c 'exec 3<>/dev/tcp/{target}/443' && echo CONNECTED || echo REFUSED"] };

        // Positive control: from the default bridge the same probe connects, so a REFUSED below is the network's doing.
        var open = await fx.Engine.CreateContainerAsync(fx.Name("control"), Sleeper(), Timeout());
        await fx.Engine.StartContainerAsync(open, Timeout());
        var control = await fx.Engine.ExecAsync(open, probe, null, Timeout());
        await fx.Engine.RemoveContainerAsync(open, true, true, false, Timeout());
        Assert.True(control.StdOut == "CONNECTED\n", $"control: a container on the default bridge could not reach {target}:443 ({control.StdOut.Trim()}); this test needs an address beyond the host that the machine reaches");

        var id = await fx.Engine.CreateContainerAsync(fx.Name("isolated"), Sleeper(netName), Timeout());
        await fx.Engine.StartContainerAsync(id, Timeout());
        var r = await fx.Engine.ExecAsync(id, probe, null, Timeout());
        Assert.Equal("REFUSED\n", r.StdOut);

        await fx.Engine.RemoveContainerAsync(id, true, true, false, Timeout());
        await fx.Engine.RemoveNetworkAsync(netId, false, Timeout());
        Assert.Null(await fx.Engine.InspectNetworkAsync(netId, Timeout()));
    }

    [Fact]
    public async Task Build_streams_progress_returns_the_image_id_and_reports_failures_with_the_engines_message()
    {
        var tag = $"bbtest/{fx.RunId}:ok";
        var context = new TarBuilder().AddFile("Dockerfile", """
            ARG BASE_IMAGE=debian:bookworm-slim
            FROM ${BASE_IMAGE}
            RUN echo built-by-test > /built.txt
            """).ToStream();
        var progress = new List<string>();
        var id = await fx.Engine.BuildImageAsync(new ImageBuildRequest
        {
            Tags = [tag],
            BuildArgs = new Dictionary<string, string> { ["BASE_IMAGE"] = fx.BaseImage },
            Labels = fx.Labels,
        }, context, new SyncProgress<ImageProgress>(p => progress.Add(p.Message)), Timeout(300));

        Assert.StartsWith("sha256:", id, StringComparison.Ordinal);
        Assert.Contains(progress, l => l.Contains("RUN echo built-by-test", StringComparison.Ordinal));
        var image = await fx.Engine.InspectImageAsync(tag, Timeout());
        Assert.Equal(id, image!.ID);
        Assert.Equal(fx.RunId, image.Config!.Labels![EngineFixture.TestLabelKey]);

        var failing = new TarBuilder().AddFile("Dockerfile", $"FROM {fx.BaseImage}\nRUN echo about-to-fail && exit 7\n").ToStream();
        var ex = await Assert.ThrowsAsync<DockerBuildException>(() => fx.Engine.BuildImageAsync(
            new ImageBuildRequest { Tags = [$"bbtest/{fx.RunId}:bad"], Labels = fx.Labels }, failing, null, Timeout(300)));
        Assert.Equal("ImageBuildFailed", ex.ErrorId);
        Assert.Contains("returned a non-zero code: 7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("about-to-fail", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Volumes_are_created_listed_by_label_and_removed()
    {
        var name = fx.Name("vol");
        var v = await fx.Engine.CreateVolumeAsync(new VolumesCreateParameters { Name = name, Labels = fx.Labels }, Timeout());
        Assert.Equal(name, v.Name);
        Assert.Contains(await fx.Engine.ListVolumesAsync([fx.TestLabel], Timeout()), x => x.Name == name);
        await fx.Engine.RemoveVolumeAsync(name, false, false, Timeout());
        Assert.Null(await fx.Engine.InspectVolumeAsync(name, Timeout()));
    }

    [Fact]
    public async Task Logs_are_demultiplexed()
    {
        var id = await fx.Engine.CreateContainerAsync(fx.Name("logs"), new CreateContainerParameters
        {
            Image = fx.BaseImage,
            Cmd = ["sh", "-c", "echo to-stdout; echo to-stderr >&2"],
            Labels = fx.Labels,
        }, Timeout());
        await fx.Engine.StartContainerAsync(id, Timeout());
        Assert.Equal(0, await fx.Engine.WaitContainerAsync(id, Timeout()));
        var logs = await fx.Engine.GetContainerLogsAsync(id, 100, Timeout());
        Assert.Contains("to-stdout\n", logs, StringComparison.Ordinal);
        Assert.Contains("to-stderr\n", logs, StringComparison.Ordinal);
    }

    /// <summary>An IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool and can lose ordering).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
