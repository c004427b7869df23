using System.Diagnostics;
using System.IO.Pipes;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace BotBottle.Backends.Docker.Engine;

/// <summary>Builds the <see cref="HttpMessageHandler"/> and base address that reach a <see cref="DockerEndpoint"/>.</summary>
internal static class DockerTransport
{
    /// <summary>Connect timeout for sockets, pipes and TCP.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public static (HttpMessageHandler Handler, Uri BaseAddress) Create(DockerEndpoint endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            // Streaming endpoints (build, events, exec) hold a connection each; leave room for them.
            MaxConnectionsPerServer = 64,
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        switch (endpoint.Kind)
        {
            case DockerEndpointKind.Unix:
                var socketPath = endpoint.Path!;
                handler.ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                };
                return (handler, new Uri("http://docker.engine/"));
            case DockerEndpointKind.NamedPipe:
                var server = endpoint.Host ?? ".";
                var pipe = endpoint.Path!;
                handler.ConnectCallback = async (_, ct) =>
                {
                    var stream = new NamedPipeClientStream(server, pipe, PipeDirection.InOut, PipeOptions.Asynchronous);
                    try
                    {
                        await stream.ConnectAsync((int)ConnectTimeout.TotalMilliseconds, ct).ConfigureAwait(false);
                        return stream;
                    }
                    catch
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                };
                return (handler, new Uri("http://docker.engine/"));
            case DockerEndpointKind.Tcp:
                if (endpoint.UseTls)
                {
                    handler.SslOptions = CreateTlsOptions(endpoint);
                }

                return (handler, new UriBuilder(endpoint.UseTls ? "https" : "http", endpoint.Host, endpoint.Port).Uri);
            case DockerEndpointKind.Ssh:
                handler.ConnectCallback = (_, ct) => ValueTask.FromResult<Stream>(SshDialStdioStream.Start(endpoint));
                return (handler, new Uri("http://docker.engine/"));
            default:
                throw new UnreachableException();
        }
    }

    private static SslClientAuthenticationOptions CreateTlsOptions(DockerEndpoint endpoint)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = endpoint.Host };
        var dir = endpoint.CertPath;
        if (dir is not null)
        {
            var cert = Path.Combine(dir, "cert.pem");
            var key = Path.Combine(dir, "key.pem");
            if (File.Exists(cert) && File.Exists(key))
            {
                var clientCert = X509Certificate2.CreateFromPemFile(cert, key);
                if (OperatingSystem.IsWindows())
                {
                    // SChannel needs a persisted key; re-import the PKCS#12 form.
#pragma warning disable SYSLIB0057 // X509Certificate2(byte[]) is the documented way to re-import on .NET 8.
                    clientCert = new X509Certificate2(clientCert.Export(X509ContentType.Pkcs12));
#pragma warning restore SYSLIB0057
                }

                options.ClientCertificates = [clientCert];
            }
        }

        if (!endpoint.VerifyTls)
        {
#pragma warning disable CA5359 // DOCKER_TLS without DOCKER_TLS_VERIFY means "encrypt, do not verify", exactly as the Docker CLI.
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
            return options;
        }

        var caFile = dir is null ? null : Path.Combine(dir, "ca.pem");
        if (caFile is not null && File.Exists(caFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null)
                {
                    return false;
                }

                if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
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

        return options;
    }

    /// <summary>
    /// One connection to a remote engine over SSH, as the Docker CLI makes it: <c>ssh … host -- docker system dial-stdio</c>,
    /// with the HTTP connection carried over the child's stdin and stdout.
    /// </summary>
    private sealed class SshDialStdioStream : Stream
    {
        private readonly Process _process;
        private readonly Stream _read;
        private readonly Stream _write;

        private SshDialStdioStream(Process process)
        {
            _process = process;
            _read = process.StandardOutput.BaseStream;
            _write = process.StandardInput.BaseStream;
        }

        public static SshDialStdioStream Start(DockerEndpoint endpoint)
        {
            var psi = new ProcessStartInfo("ssh")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = false,
            };
            psi.ArgumentList.Add("-o");
            psi.ArgumentList.Add("ConnectTimeout=" + (int)ConnectTimeout.TotalSeconds);
            psi.ArgumentList.Add("-T");
            if (endpoint.User is not null)
            {
                psi.ArgumentList.Add("-l");
                psi.ArgumentList.Add(endpoint.User);
            }

            if (endpoint.Port > 0)
            {
                psi.ArgumentList.Add("-p");
                psi.ArgumentList.Add(endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(endpoint.Host!);
            psi.ArgumentList.Add("docker");
            psi.ArgumentList.Add("system");
            psi.ArgumentList.Add("dial-stdio");
            var process = Process.Start(psi) ?? throw new IOException("ssh could not be started.");
            return new SshDialStdioStream(process);
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
                try
                {
                    if (!_process.HasExited)
                    {
                        _process.Kill(entireProcessTree: true);
                    }
                }
                catch (InvalidOperationException)
                {
                }

                _process.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
