using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace BotBottle.Sidecar.Egress;

/// <summary>
/// Upstream certificate validation: the system trust store, plus extra CAs the operator configured (corporate
/// TLS-intercepting proxies, private test upstreams). Host name mismatches are never accepted.
/// </summary>
internal sealed class UpstreamTrust
{
    private readonly X509Certificate2Collection _extraRoots = [];

    public UpstreamTrust(IEnumerable<string> pemFiles)
    {
        foreach (var f in pemFiles)
        {
            _extraRoots.ImportFromPemFile(f);
        }
    }

    public int ExtraRootCount => _extraRoots.Count;

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0 || _extraRoots.Count == 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
