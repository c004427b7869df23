using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CliWrap;
using Docker.DotNet;
using Docker.DotNet.NativeHttp;
using Docker.DotNet.NPipe;
using Docker.DotNet.Unix;
using Docker.DotNet.X509;

namespace BotBottle.Backends.Docker.Engine;

/// <summary>
/// Builds the Docker.DotNet.Enhanced <see cref="DockerClient"/> that reaches a <see cref="DockerEndpoint"/>: the
/// library's Unix-socket and named-pipe transports as they are, its native HTTP transport for <c>tcp://</c> (with our
/// TLS setup from <c>DOCKER_CERT_PATH</c> or the context's folder: client certificate, and a server check against
/// <c>ca.pem</c> that also requires the host name to match) and for <c>ssh://</c>, which the library refuses
/// (<c>SshDockerEndpointNotSupportedException</c>): there every connection is a <c>docker system dial-stdio</c> over
/// ssh, as the Docker CLI does it.
/// </summary>
internal static class DockerConnection
{
    /// <summary>Connect timeout for TCP, named pipes and ssh.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A client for <paramref name="endpoint"/> that asks for <paramref name="apiVersion"/> (<see langword="null"/>: unversioned paths).</summary>
    public static DockerClient Create(DockerEndpoint endpoint, Version? apiVersion)
    {
        ArgumentNullException.ThrowIfNull(endpoint);

        // Requests are bounded by the callers' cancellation tokens; builds and waits run long.
        var builder = new DockerClientBuilder().WithApiVersion(apiVersion).WithTimeout(Timeout.InfiniteTimeSpan);
        switch (endpoint.Kind)
        {
            case DockerEndpointKind.Unix:
                return builder.WithEndpoint(new Uri("unix://" + endpoint.Path)).WithTransportOptions(new UnixSocketTransportOptions()).Build();
            case DockerEndpointKind.NamedPipe:
                return builder.WithEndpoint(new Uri($"npipe://{endpoint.Host ?? "."}/pipe/{endpoint.Path}"))
                    .WithTransportOptions(new NPipeTransportOptions { ConnectTimeout = ConnectTimeout }).Build();
            case DockerEndpointKind.Tcp:
                // The native transport picks https when the auth provider says TLS; Docker.DotNet.X509's
                // CertificateCredentials carries the client certificate and our server check.
                return builder.WithEndpoint(new UriBuilder(endpoint.UseTls ? "https" : "http", endpoint.Host, endpoint.Port).Uri)
                    .WithAuthProvider(endpoint.UseTls ? CreateCredentials(endpoint) : null)
                    .WithTransportOptions(new NativeHttpTransportOptions { ConfigureHandler = Configure }).Build();
            case DockerEndpointKind.Ssh:
                return builder.WithEndpoint(new Uri("http://docker.engine/"))
                    .WithTransportOptions(new NativeHttpTransportOptions
                    {
                        ConfigureHandler = h =>
                        {
                            Configure(h);
                            h.ConnectCallback = (_, _) => ValueTask.FromResult<Stream>(SshDialStdioStream.Start(endpoint));
                        },
                    }).Build();
            default:
                throw new UnreachableException();
        }
    }

    private static void Configure(SocketsHttpHandler handler)
    {
        handler.ConnectTimeout = ConnectTimeout;
        handler.UseProxy = false;
        handler.AllowAutoRedirect = false;

        // Streaming calls (build, exec) hold a connection each; leave room for them.
        handler.MaxConnectionsPerServer = 64;
    }

    /// <summary>
    /// TLS for <c>tcp://</c>, as the Docker CLI does it: the client certificate <c>cert.pem</c> + <c>key.pem</c> when
    /// present; with verification, the server must chain to <c>ca.pem</c> (or the system store when absent) and match
    /// the host name; without (<c>DOCKER_TLS</c> alone), encrypt but accept any server certificate.
    /// </summary>
    internal static CertificateCredentials CreateCredentials(DockerEndpoint endpoint)
    {
        var dir = endpoint.CertPath;
        X509Certificate2? clientCert = null;
        if (dir is not null && File.Exists(Path.Combine(dir, "cert.pem")) && File.Exists(Path.Combine(dir, "key.pem")))
        {
            clientCert = DockerTlsCertificates.LoadCertificateFromPemFiles(Path.Combine(dir, "cert.pem"), Path.Combine(dir, "key.pem"));
        }

        var credentials = new CertificateCredentials(clientCert);
        if (!endpoint.VerifyTls)
        {
#pragma warning disable CA5359 // DOCKER_TLS without DOCKER_TLS_VERIFY means "encrypt, do not verify", exactly as the Docker CLI.
            credentials.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
            return credentials;
        }

        var caFile = dir is null ? null : Path.Combine(dir, "ca.pem");
        if (caFile is not null && File.Exists(caFile))
        {
            credentials.ServerCertificateValidationCallback = ServerValidation(caFile);
        }

        return credentials;
    }

    /// <summary>Accepts a server certificate that chains to the roots in <paramref name="caFile"/> and matches the host name.</summary>
    internal static RemoteCertificateValidationCallback ServerValidation(string caFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
    }

    /// <summary>
    /// One connection to a remote engine over SSH, as the Docker CLI makes it: <c>ssh … host -- docker system dial-stdio</c>,
    /// run through CliWrap, with the HTTP connection carried over the child's stdin and stdout (two in-memory pipes
    /// between this stream and CliWrap's pipe source and target). Disposing the stream ends ssh (its process tree).
    /// </summary>
    private sealed class SshDialStdioStream : Stream
    {
        private readonly Pipe _toSsh = new();
        private readonly Pipe _fromSsh = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Stream _read;
        private readonly Stream _write;

        private SshDialStdioStream(DockerEndpoint endpoint)
        {
            _read = _fromSsh.Reader.AsStream();
            _write = _toSsh.Writer.AsStream();
            _ = RunAsync(endpoint);
        }

        public static SshDialStdioStream Start(DockerEndpoint endpoint) => new(endpoint);

        /// <summary>The ssh argument vector: connect timeout, no TTY, user and port when given, then the remote command.</summary>
        internal static IReadOnlyList<string> Arguments(DockerEndpoint endpoint) =>
        [
            "-o", "ConnectTimeout=" + (int)ConnectTimeout.TotalSeconds, "-T",
            .. endpoint.User is { } user ? new[] { "-l", user } : [],
            .. endpoint.Port > 0 ? new[] { "-p", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) } : [],
            "--", endpoint.Host!, "docker", "system", "dial-stdio",
        ];

        private async Task RunAsync(DockerEndpoint endpoint)
        {
            Exception? failure = null;
            try
            {
                await Cli.Wrap("ssh").WithArguments(Arguments(endpoint))
                    .WithValidation(CommandResultValidation.None)
                    .WithStandardInputPipe(PipeSource.FromStream(_toSsh.Reader.AsStream()))
                    .WithStandardOutputPipe(PipeTarget.ToStream(_fromSsh.Writer.AsStream()))
                    .ExecuteAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                failure = new IOException("ssh could not be started: " + ex.Message, ex);
            }
            finally
            {
                // ssh is gone: readers see the end of the stream (or why it never started).
                await _fromSsh.Writer.CompleteAsync(failure).ConfigureAwait(false);
            }
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => _write.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _write.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => _read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _read.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => _write.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _write.WriteAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _toSsh.Writer.Complete();
                _stop.Cancel();
                _stop.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
