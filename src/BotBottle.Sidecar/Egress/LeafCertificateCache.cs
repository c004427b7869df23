using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BotBottle.Egress;

namespace BotBottle.Sidecar.Egress;

/// <summary>
/// Mints and caches one TLS server certificate context per host, signed by the bottle CA. All leaves share one
/// ECDSA P-256 key (generated at start, never written anywhere). The cache is bounded; past the bound it is cleared.
/// </summary>
internal sealed class LeafCertificateCache(CertificateAuthority ca, int maxEntries = 4096) : IDisposable
{
    private readonly ECDsa _leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ConcurrentDictionary<string, Lazy<SslStreamCertificateContext>> _cache = new(StringComparer.Ordinal);
    private readonly X509Certificate2Collection _chain = [ca.Certificate];

    public int Count => _cache.Count;

    public SslStreamCertificateContext Get(string host)
    {
        if (_cache.Count > maxEntries)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd(host, h => new Lazy<SslStreamCertificateContext>(() =>
            SslStreamCertificateContext.Create(ca.MintLeaf(h, _leafKey), _chain, offline: true))).Value;
    }

    public void Dispose() => _leafKey.Dispose();
}
