using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BotBottle.Errors;

namespace BotBottle.Egress;

/// <summary>
/// A bottle's own certificate authority, used by the sidecar to intercept TLS: it mints a leaf certificate per SNI
/// host, and the bottle trusts the CA. ECDSA P-256 throughout (fast to mint, accepted by every TLS 1.2/1.3 client).
/// The CA is created when a bottle is prepared; its private key file is readable only by its owner (0600) and never
/// enters the agent's container or VM — only the certificate does.
/// Certificate profile per RFC 5280 (basicConstraints CA:true pathlen 0, keyCertSign/cRLSign; leaves carry SAN,
/// serverAuth EKU, digitalSignature) and the CA/Browser Forum baseline where clients check it.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    /// <summary>File name of the CA certificate (PEM) in a CA folder.</summary>
    public const string CertificateFileName = "ca.crt";

    /// <summary>File name of the CA private key (PKCS#8 PEM, mode 0600) in a CA folder.</summary>
    public const string KeyFileName = "ca.key";

    /// <summary>Leaf certificates are valid from one hour ago (clock skew) for this long, capped at the CA's own expiry.</summary>
    public static readonly TimeSpan LeafValidity = TimeSpan.FromDays(30);

    private readonly ECDsa _key;

    private CertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate as PEM, for installing into a trust store.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>Creates a new CA.</summary>
    /// <param name="commonName">Subject CN, e.g. <c>BotBottle CA for claude-x1y2z</c>.</param>
    /// <param name="validity">Lifetime; default two years.</param>
    public static CertificateAuthority Create(string commonName, TimeSpan? validity = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(commonName);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName($"CN={Escape(commonName)}, O=BotBottle");
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        var ski = new X509SubjectKeyIdentifierExtension(req.PublicKey, false);
        req.CertificateExtensions.Add(ski);
        var now = DateTimeOffset.UtcNow;
        using var withKey = req.CreateSelfSigned(now.AddHours(-1), now.Add(validity ?? TimeSpan.FromDays(730)));
        // Keep the public certificate and the key separately: the key is used explicitly for signing leaves.
        var publicOnly = FromDer(withKey.RawData);
        return new CertificateAuthority(publicOnly, key);
    }

    /// <summary>Loads a CA from <paramref name="directory"/> (<see cref="CertificateFileName"/> and <see cref="KeyFileName"/>).</summary>
    /// <exception cref="BotBottleException">A file is missing or unreadable (<c>CertificateAuthorityInvalid</c>).</exception>
    public static CertificateAuthority Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var certPath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);
        try
        {
            var cert = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(keyPath));
            return new CertificateAuthority(cert, key);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new BotBottleException("CertificateAuthorityInvalid", BotBottleErrorCategory.InvalidData,
                $"The bottle CA in {directory} could not be loaded ({ex.Message}). Expected {CertificateFileName} (PEM certificate) and {KeyFileName} (PEM PKCS#8 EC key).", ex)
            { TargetObject = directory };
        }
    }

    /// <summary>
    /// Writes <see cref="CertificateFileName"/> (0644) and <see cref="KeyFileName"/> (0600, created with that mode so it
    /// is never briefly world-readable) into <paramref name="directory"/>, creating it (0700) if needed.
    /// </summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            Directory.CreateDirectory(directory);
        }

        WriteFile(Path.Combine(directory, KeyFileName), _key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteFile(Path.Combine(directory, CertificateFileName), CertificatePem,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>The private key as PKCS#8 PEM bytes, for writing into an owner-only file. Handle as a secret.</summary>
    public byte[] ExportKeyPem() => System.Text.Encoding.ASCII.GetBytes(_key.ExportPkcs8PrivateKeyPem());

    /// <summary>
    /// Leaves for a TLS server (Kestrel's <c>ServerCertificateSelector</c>, an <c>SslStream</c> callback): one leaf per
    /// SNI name minted by this CA on first use. Used by the local stand-in upstreams (the demo, the tests' model API and
    /// upstream servers); the sidecar's interception keeps its own cache of
    /// <see cref="System.Net.Security.SslStreamCertificateContext"/>.
    /// </summary>
    /// <param name="defaultHost">The name to mint for when the client sends no SNI (RFC 6066 §3 makes it optional).</param>
    /// <returns>A thread-safe set; dispose it with the server to release the leaves and their key.</returns>
    public MintedLeaves CreateLeaves(string defaultHost = "localhost") => new(this, defaultHost);

    /// <summary>
    /// Mints a leaf certificate for <paramref name="host"/> (SAN dNSName), signed by this CA, carrying
    /// <paramref name="leafKey"/>'s public key, returned with that private key attached for use as a TLS server
    /// certificate.
    /// </summary>
    /// <param name="host">DNS host name.</param>
    /// <param name="leafKey">The leaf key pair; one key may serve all leaves of a process.</param>
    public X509Certificate2 MintLeaf(string host, ECDsa leafKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(leafKey);
        var req = new CertificateRequest(new X500DistinguishedName($"CN={Escape(host)}"), leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        if (System.Net.IPAddress.TryParse(host, out var ip))
        {
            san.AddIpAddress(ip);
        }
        else
        {
            san.AddDnsName(host);
        }

        req.CertificateExtensions.Add(san.Build(critical: false));
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = DateTimeOffset.UtcNow;
        var notAfter = now.Add(LeafValidity);
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // positive INTEGER
        var generator = X509SignatureGenerator.CreateForECDsa(_key);
        using var cert = req.Create(Certificate.SubjectName, generator, now.AddHours(-1), notAfter, serial);
        return cert.CopyWithPrivateKey(leafKey);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }

    private static X509Certificate2 FromDer(byte[] der) =>
#if NET9_0_OR_GREATER
        X509CertificateLoader.LoadCertificate(der);
#else
        new(der);
#endif

    private static string Escape(string value) => value.Replace("\"", string.Empty, StringComparison.Ordinal).Replace(",", " ", StringComparison.Ordinal).Replace("=", " ", StringComparison.Ordinal);

    private static void WriteFile(string path, string content, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using (var fs = new FileStream(path, options))
        using (var w = new StreamWriter(fs))
        {
            w.Write(content);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode); // the file may have existed with a wider mode
        }
    }
}

/// <summary>
/// The leaves a <see cref="CertificateAuthority"/> mints for a TLS server, one per SNI name (compared without case),
/// all carrying one P-256 key made for this set. Created by <see cref="CertificateAuthority.CreateLeaves"/>.
/// </summary>
public sealed class MintedLeaves : IDisposable
{
    private readonly CertificateAuthority _ca;
    private readonly string _defaultHost;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, X509Certificate2> _leaves = new(StringComparer.OrdinalIgnoreCase);

    internal MintedLeaves(CertificateAuthority ca, string defaultHost)
    {
        ArgumentException.ThrowIfNullOrEmpty(defaultHost);
        _ca = ca;
        _defaultHost = defaultHost;
    }

    /// <summary>The leaf for <paramref name="serverName"/> (the client's SNI; the default host when it sent none), with its private key.</summary>
    public X509Certificate2 Select(string? serverName) =>
        _leaves.GetOrAdd(string.IsNullOrEmpty(serverName) ? _defaultHost : serverName, host => _ca.MintLeaf(host, _key));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var leaf in _leaves.Values)
        {
            leaf.Dispose();
        }

        _leaves.Clear();
        _key.Dispose();
    }
}
