using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BotBottle.Backends.Docker.Engine;

namespace BotBottle.Tests.Docker;

/// <summary>The TLS pieces Docker.DotNet.Enhanced does not decide for us: which certificates <c>tcp://</c> presents and accepts.</summary>
public class DockerConnectionTests
{
    [Fact]
    public void The_server_must_chain_to_ca_pem_and_match_the_host_name()
    {
        using var dir = new TempDirectory();
        using var ca = NewCa("bb-test-ca");
        using var otherCa = NewCa("bb-other-ca");
        File.WriteAllText(dir.Combine("ca.pem"), ca.ExportCertificatePem());
        using var leaf = NewLeaf(ca, "docker.test");
        using var stranger = NewLeaf(otherCa, "docker.test");

        var check = DockerConnection.ServerValidation(dir.Combine("ca.pem"));
        Assert.True(check(this, leaf, null, SslPolicyErrors.None));
        Assert.True(check(this, leaf, null, SslPolicyErrors.RemoteCertificateChainErrors)); // the system store does not know our CA: ca.pem decides
        Assert.False(check(this, leaf, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(check(this, stranger, null, SslPolicyErrors.None));
        Assert.False(check(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void Credentials_carry_the_client_certificate_and_verify_unless_told_not_to()
    {
        using var dir = new TempDirectory();
        using var ca = NewCa("bb-test-ca");
        using var client = NewLeaf(ca, "client");
        File.WriteAllText(dir.Combine("ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(dir.Combine("cert.pem"), client.ExportCertificatePem());
        File.WriteAllText(dir.Combine("key.pem"), client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        using var stranger = NewLeaf(NewCa("bb-other-ca"), "docker.test");

        var verify = DockerConnection.CreateCredentials(DockerEndpoint.Parse("tcp://docker.test:2376", "test", true, true, dir.Path));
        Assert.True(verify.TlsEnabled);
        Assert.NotNull(verify.ServerCertificateValidationCallback);
        Assert.False(verify.ServerCertificateValidationCallback!(this, stranger, null, SslPolicyErrors.None));

        // DOCKER_TLS without DOCKER_TLS_VERIFY: encrypted, any server certificate (the Docker CLI's behaviour).
        var noVerify = DockerConnection.CreateCredentials(DockerEndpoint.Parse("tcp://docker.test:2376", "test", true, false, dir.Path));
        Assert.True(noVerify.ServerCertificateValidationCallback!(this, stranger, null, SslPolicyErrors.RemoteCertificateChainErrors));

        // Verification without a ca.pem falls back to the platform's own check (no callback).
        File.Delete(dir.Combine("ca.pem"));
        Assert.Null(DockerConnection.CreateCredentials(DockerEndpoint.Parse("tcp://docker.test:2376", "test", true, true, dir.Path)).ServerCertificateValidationCallback);
    }

    private static X509Certificate2 NewCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 NewLeaf(X509Certificate2 ca, string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(8);
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), serial);
        return signed.CopyWithPrivateKey(key);
    }
}
