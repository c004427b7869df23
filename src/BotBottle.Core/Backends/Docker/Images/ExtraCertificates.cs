using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BotBottle.Configuration;
using BotBottle.Errors;

namespace BotBottle.Backends.Docker.Images;

/// <summary>
/// CA certificates the operator trusts for outbound TLS beyond the public roots — typically a corporate
/// TLS-intercepting proxy's CA. They are installed into every image BotBottle builds (so package installs during
/// the build work) and into the sidecar's trust store (so its upstream connections work). Sources, all optional:
/// <list type="bullet">
/// <item><c>&lt;home&gt;/ca-certificates/*.crt</c> and <c>*.pem</c>;</item>
/// <item><c>$BOT_BOTTLE_EXTRA_CA_FILE</c>: one or more PEM files separated by the path separator;</item>
/// <item><c>$BOT_BOTTLE_TRUST_HOST_CA=1</c>: opt in to the host's whole bundle (<c>$SSL_CERT_FILE</c>, else
/// <c>/etc/ssl/certs/ca-certificates.crt</c>), for hosts whose corporate CA is only there.</item>
/// </list>
/// </summary>
public sealed class ExtraCertificates
{
    /// <summary>Variable naming extra PEM files.</summary>
    public const string FileVariable = "BOT_BOTTLE_EXTRA_CA_FILE";

    /// <summary>Variable that opts in to the host bundle.</summary>
    public const string TrustHostVariable = "BOT_BOTTLE_TRUST_HOST_CA";

    private ExtraCertificates(IReadOnlyList<X509Certificate2> certificates, IReadOnlyList<string> sources)
    {
        Certificates = certificates;
        Sources = sources;
    }

    /// <summary>No extra CAs.</summary>
    public static ExtraCertificates None { get; } = new([], []);

    /// <summary>The certificates, de-duplicated by thumbprint, in a stable order.</summary>
    public IReadOnlyList<X509Certificate2> Certificates { get; }

    /// <summary>The files they came from.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>Collects the extra CAs from the home folder and the environment.</summary>
    /// <exception cref="BotBottleException">A named file is missing or holds no certificate (<c>ExtraCaInvalid</c>).</exception>
    public static ExtraCertificates Load(BotBottleHome home, Func<string, string?>? getEnv = null)
    {
        ArgumentNullException.ThrowIfNull(home);
        getEnv ??= Environment.GetEnvironmentVariable;
        var files = new List<string>();
        var dir = Path.Combine(home.Root, "ca-certificates");
        if (Directory.Exists(dir))
        {
            files.AddRange(Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".crt", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal));
        }

        if (getEnv(FileVariable) is { Length: > 0 } list)
        {
            foreach (var f in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!File.Exists(f))
                {
                    throw new BotBottleException("ExtraCaInvalid", BotBottleErrorCategory.InvalidArgument, $"{FileVariable} names '{f}', which does not exist.") { TargetObject = f };
                }

                files.Add(f);
            }
        }

        if (getEnv(TrustHostVariable) is "1" or "true" or "yes")
        {
            var bundle = getEnv("SSL_CERT_FILE") is { Length: > 0 } s && File.Exists(s) ? s : "/etc/ssl/certs/ca-certificates.crt";
            if (File.Exists(bundle))
            {
                files.Add(bundle);
            }
        }

        return FromFiles(files);
    }

    /// <summary>Reads the given PEM files.</summary>
    public static ExtraCertificates FromFiles(IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var certs = new List<X509Certificate2>();
        var sources = new List<string>();
        foreach (var f in files)
        {
            var collection = new X509Certificate2Collection();
            try
            {
                collection.ImportFromPemFile(f);
            }
            catch (CryptographicException ex)
            {
                throw new BotBottleException("ExtraCaInvalid", BotBottleErrorCategory.InvalidData, $"'{f}' is not a PEM certificate file: {ex.Message}", ex) { TargetObject = f };
            }

            if (collection.Count == 0)
            {
                throw new BotBottleException("ExtraCaInvalid", BotBottleErrorCategory.InvalidData, $"'{f}' holds no PEM certificate.") { TargetObject = f };
            }

            sources.Add(f);
            foreach (var c in collection)
            {
                if (seen.Add(c.Thumbprint))
                {
                    certs.Add(c);
                }
            }
        }

        return new ExtraCertificates(certs, sources);
    }

    /// <summary>One file per certificate, named by thumbprint (<c>&lt;sha1&gt;.crt</c>), as <c>update-ca-certificates</c> expects.</summary>
    public IEnumerable<(string FileName, string Pem)> AsFiles() =>
        Certificates.Select(c => ($"{c.Thumbprint.ToLowerInvariant()}.crt", c.ExportCertificatePem() + "\n"));

    /// <summary>All certificates as one PEM bundle (empty string when none).</summary>
    public string ToPemBundle()
    {
        var sb = new StringBuilder();
        foreach (var c in Certificates)
        {
            sb.Append(c.ExportCertificatePem()).Append('\n');
        }

        return sb.ToString();
    }
}
