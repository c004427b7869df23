using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BotBottle.Configuration;

namespace BotBottle.Backends.Docker.Images;

/// <summary>
/// Diagnoses the usual reason image builds fail behind a corporate network: a TLS-intercepting proxy whose CA the
/// host trusts but BotBottle's images (Debian's <c>ca-certificates</c>, Mozilla's roots) do not. Two uses:
/// recognising a certificate-verification failure in build output (<see cref="BuildAdvice"/>), and comparing the
/// host's trust bundle with Debian's Mozilla set for <c>bot-bottle doctor</c> (<see cref="Compare"/>).
/// </summary>
public static class CaTrust
{
    /// <summary>
    /// Texts the tools our recipes run print when TLS verification fails: npm/Node.js error codes
    /// (SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_GET_ISSUER_CERT_LOCALLY, UNABLE_TO_VERIFY_LEAF_SIGNATURE, DEPTH_ZERO_SELF_SIGNED_CERT,
    /// CERT_UNTRUSTED; https://nodejs.org/api/tls.html#x509-certificate-error-codes), curl and git
    /// ("SSL certificate problem"), OpenSSL ("certificate verify failed"), Python ssl / pip (CERTIFICATE_VERIFY_FAILED),
    /// apt's GnuTLS transport ("Certificate verification failed", "server certificate verification failed"), and Go
    /// ("x509: certificate signed by unknown authority").
    /// </summary>
    private static readonly string[] Signatures =
    [
        "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "DEPTH_ZERO_SELF_SIGNED_CERT",
        "CERT_UNTRUSTED", "SSL certificate problem", "certificate verify failed", "CERTIFICATE_VERIFY_FAILED",
        "Certificate verification failed", "server certificate verification failed", "x509: certificate signed by unknown authority",
    ];

    /// <summary>Debian's (and Ubuntu's) copy of Mozilla's root programme, from the <c>ca-certificates</c> package.</summary>
    public const string DebianMozillaDirectory = "/usr/share/ca-certificates/mozilla";

    /// <summary>
    /// When <paramref name="buildOutput"/> shows a certificate-verification failure, what to set so images trust the
    /// CA; otherwise <see langword="null"/>.
    /// </summary>
    /// <param name="buildOutput">The build's error and its last output lines.</param>
    /// <param name="home">The BotBottle home (for its <c>ca-certificates/</c> folder).</param>
    /// <param name="extras">The extra CAs the build already had.</param>
    public static string? BuildAdvice(string buildOutput, BotBottleHome home, ExtraCertificates extras)
    {
        ArgumentNullException.ThrowIfNull(buildOutput);
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(extras);
        // The engine streams build output in chunks that need not end at line ends, so a message can arrive split
        // across "lines": look in the text with the breaks removed too.
        var joined = buildOutput.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);
        var hit = Signatures.FirstOrDefault(s => buildOutput.Contains(s, StringComparison.Ordinal) || joined.Contains(s, StringComparison.Ordinal));
        if (hit is null)
        {
            return null;
        }

        var had = extras.Certificates.Count == 0
            ? "The build had no extra CA."
            : $"The build had {extras.Certificates.Count} extra CA(s) from {string.Join(", ", extras.Sources)}; none of them signed this certificate.";
        return $"A TLS certificate was not trusted inside the build ({hit}). Behind a TLS-intercepting (corporate) proxy the image needs that proxy's CA: " +
            $"set {ExtraCertificates.TrustHostVariable}=1 to give images this host's CA bundle, or {ExtraCertificates.FileVariable}=<ca.pem>, " +
            $"or copy the CA's PEM into {Path.Combine(home.Root, "ca-certificates")}/. {had} 'bot-bottle doctor' compares the host's CAs with the images'.";
    }

    /// <summary>The host's trust bundle compared with Debian's Mozilla roots and the operator's extra CAs.</summary>
    /// <param name="Bundle">The host bundle read (<c>$SSL_CERT_FILE</c>, else <c>/etc/ssl/certs/ca-certificates.crt</c>).</param>
    /// <param name="HostOnly">Host CAs that are not in Debian's Mozilla set (locally added, or injected by a proxy).</param>
    /// <param name="Uncovered">Those of <paramref name="HostOnly"/> the extra CAs do not provide: images would not trust them.</param>
    public sealed record Comparison(string Bundle, IReadOnlyList<X509Certificate2> HostOnly, IReadOnlyList<X509Certificate2> Uncovered);

    /// <summary>
    /// Compares the host bundle with Debian's Mozilla set; <see langword="null"/> when this host has no such reference
    /// (not a Debian-family Linux, or no bundle), so nothing can be said.
    /// </summary>
    /// <param name="extras">The operator's extra CAs (they are installed into every image).</param>
    /// <param name="getEnv">Environment lookup (default: the process environment).</param>
    /// <param name="mozillaDirectory">The reference set (default <see cref="DebianMozillaDirectory"/>).</param>
    public static Comparison? Compare(ExtraCertificates extras, Func<string, string?>? getEnv = null, string mozillaDirectory = DebianMozillaDirectory)
    {
        ArgumentNullException.ThrowIfNull(extras);
        getEnv ??= Environment.GetEnvironmentVariable;
        var bundle = getEnv("SSL_CERT_FILE") is { Length: > 0 } s && File.Exists(s) ? s : "/etc/ssl/certs/ca-certificates.crt";
        if (!File.Exists(bundle) || !Directory.Exists(mozillaDirectory))
        {
            return null;
        }

        var reference = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(mozillaDirectory, "*.crt"))
        {
            foreach (var c in Read(file))
            {
                reference.Add(c.Thumbprint);
            }
        }

        var provided = extras.Certificates.Select(c => c.Thumbprint).ToHashSet(StringComparer.Ordinal);
        var hostOnly = Read(bundle).Where(c => !reference.Contains(c.Thumbprint)).DistinctBy(c => c.Thumbprint).ToList();
        return new Comparison(bundle, hostOnly, [.. hostOnly.Where(c => !provided.Contains(c.Thumbprint))]);
    }

    private static X509Certificate2Collection Read(string pemFile)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(pemFile);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // An unreadable file says nothing either way.
        }

        return collection;
    }
}
