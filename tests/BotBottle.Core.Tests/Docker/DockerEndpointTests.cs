using BotBottle.Backends.Docker.Engine;
using BotBottle.Errors;

namespace BotBottle.Tests.Docker;

public class DockerEndpointTests
{
    private static DockerEndpoint Resolve(Dictionary<string, string> env, params string[] existing) =>
        DockerEndpoint.Resolve(k => env.GetValueOrDefault(k), p => existing.Contains(p));

    [Fact]
    public void DockerHost_unix_socket_is_used_as_is()
    {
        var ep = Resolve(new() { ["DOCKER_HOST"] = "unix:///run/user/1000/docker.sock", ["HOME"] = "/home/u" });
        Assert.Equal(DockerEndpointKind.Unix, ep.Kind);
        Assert.Equal("/run/user/1000/docker.sock", ep.Path);
        Assert.Equal("DOCKER_HOST", ep.Source);
    }

    [Fact]
    public void DockerHost_tcp_with_tls_verify_uses_cert_path_and_default_tls_port()
    {
        var ep = Resolve(new() { ["DOCKER_HOST"] = "tcp://build.example:2376", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = "/certs", ["HOME"] = "/h" });
        Assert.Equal(DockerEndpointKind.Tcp, ep.Kind);
        Assert.Equal("build.example", ep.Host);
        Assert.Equal(2376, ep.Port);
        Assert.True(ep.UseTls);
        Assert.True(ep.VerifyTls);
        Assert.Equal("/certs", ep.CertPath);
    }

    [Fact]
    public void DockerHost_tcp_without_tls_defaults_to_2375()
    {
        var ep = Resolve(new() { ["DOCKER_HOST"] = "tcp://10.0.0.5", ["HOME"] = "/h" });
        Assert.Equal(2375, ep.Port);
        Assert.False(ep.UseTls);
    }

    [Fact]
    public void DockerTls_without_verify_encrypts_but_does_not_verify()
    {
        var ep = Resolve(new() { ["DOCKER_HOST"] = "tcp://h:1234", ["DOCKER_TLS"] = "1", ["HOME"] = "/h" });
        Assert.True(ep.UseTls);
        Assert.False(ep.VerifyTls);
        Assert.Equal(1234, ep.Port);
    }

    [Fact]
    public void DockerHost_ssh_keeps_user_host_and_port()
    {
        var ep = Resolve(new() { ["DOCKER_HOST"] = "ssh://builder@box.example:2222", ["HOME"] = "/h" });
        Assert.Equal(DockerEndpointKind.Ssh, ep.Kind);
        Assert.Equal("builder", ep.User);
        Assert.Equal("box.example", ep.Host);
        Assert.Equal(2222, ep.Port);
    }

    [Fact]
    public void Named_pipe_is_parsed()
    {
        var ep = DockerEndpoint.Parse("npipe:////./pipe/docker_engine", "DOCKER_HOST", false, false, null);
        Assert.Equal(DockerEndpointKind.NamedPipe, ep.Kind);
        Assert.Equal(".", ep.Host);
        Assert.Equal("docker_engine", ep.Path);
    }

    [Theory]
    [InlineData("docker.sock")]
    [InlineData("ftp://host")]
    [InlineData("unix://relative.sock")]
    [InlineData("npipe://docker_engine")]
    public void Malformed_endpoints_are_rejected_with_DockerHostInvalid(string uri)
    {
        var ex = Assert.Throws<BotBottleException>(() => DockerEndpoint.Parse(uri, "DOCKER_HOST", false, false, null));
        Assert.Equal("DockerHostInvalid", ex.ErrorId);
        Assert.Contains("DOCKER_HOST", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_prefers_the_first_existing_socket()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var ep = Resolve(new() { ["HOME"] = "/home/u" }, "/home/u/.docker/run/docker.sock");
        Assert.Equal("/home/u/.docker/run/docker.sock", ep.Path);
        Assert.Equal("default", ep.Source);

        var none = Resolve(new() { ["HOME"] = "/home/u" });
        Assert.Equal("/var/run/docker.sock", none.Path);
    }

    [Fact]
    public void Selected_context_is_read_from_the_docker_config()
    {
        using var dir = new TempDirectory();
        var config = dir.Combine("docker");
        dir.WriteFile("docker/config.json", """{"currentContext":"remote"}""");
        var id = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("remote"u8)).ToLowerInvariant();
        dir.WriteFile($"docker/contexts/meta/{id}/meta.json", """{"Name":"remote","Endpoints":{"docker":{"Host":"tcp://remote.example:2376","SkipTLSVerify":false}}}""");
        dir.WriteFile($"docker/contexts/tls/{id}/docker/ca.pem", "x");

        var ep = DockerEndpoint.Resolve(k => k switch { "DOCKER_CONFIG" => config, "HOME" => dir.Path, _ => null }, File.Exists);

        Assert.Equal(DockerEndpointKind.Tcp, ep.Kind);
        Assert.Equal("remote.example", ep.Host);
        Assert.Equal("context 'remote'", ep.Source);
        Assert.True(ep.VerifyTls);
        Assert.EndsWith(Path.Combine(id, "docker"), ep.CertPath, StringComparison.Ordinal);
    }

    [Fact]
    public void A_selected_context_that_does_not_exist_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<BotBottleException>(() =>
            DockerEndpoint.Resolve(k => k switch { "DOCKER_CONTEXT" => "ghost", "DOCKER_CONFIG" => dir.Path, "HOME" => dir.Path, _ => null }, File.Exists));
        Assert.Equal("DockerHostInvalid", ex.ErrorId);
        Assert.Contains("ghost", ex.Message, StringComparison.Ordinal);
    }
}
