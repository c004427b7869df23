using BotBottle.Backends.Docker.Images;
using BotBottle.Configuration;
using BotBottle.Egress;

namespace BotBottle.Tests.Docker;

public class CaTrustTests
{
    [Theory]
    // Shapes as the tools print them (npm: Node.js error codes; curl; pip/requests; apt's GnuTLS transport; Go).
    [InlineData("npm error code SELF_SIGNED_CERT_IN_CHAIN\nnpm error errno SELF_SIGNED_CERT_IN_CHAIN")]
    [InlineData("curl: (60) SSL certificate problem: unable to get local issuer certificate")]
    [InlineData("ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain")]
    [InlineData("Err:1 https://deb.example.org bookworm InRelease\n  Certificate verification failed: The certificate is NOT trusted.")]
    [InlineData("x509: certificate signed by unknown authority")]
    public void A_certificate_failure_gets_advice_naming_every_CA_setting(string output)
    {
        var home = new BotBottleHome("/home/op/.bot-bottle");
        var advice = CaTrust.BuildAdvice("The command '/bin/sh -c npm install' returned a non-zero code: 1\n" + output, home, ExtraCertificates.None);
        Assert.NotNull(advice);
        Assert.Contains("BOT_BOTTLE_TRUST_HOST_CA=1", advice, StringComparison.Ordinal);
        Assert.Contains("BOT_BOTTLE_EXTRA_CA_FILE=", advice, StringComparison.Ordinal);
        Assert.Contains("/home/op/.bot-bottle/ca-certificates/", advice, StringComparison.Ordinal);
        Assert.Contains("The build had no extra CA.", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_split_across_streamed_chunks_is_still_recognised()
    {
        // As seen from a real build: the engine's stream split curl's message mid-word.
        Assert.NotNull(CaTrust.BuildAdvice("curl: (60) SSL certificate pro\nblem: self-signed certificate\nMore details here", new BotBottleHome("/h"), ExtraCertificates.None));
    }

    [Theory]
    [InlineData("E: Unable to locate package nodejs")]
    [InlineData("npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/nope")]
    [InlineData("curl: (6) Could not resolve host: example.invalid")]
    public void Other_failures_get_no_CA_advice(string output) =>
        Assert.Null(CaTrust.BuildAdvice(output, new BotBottleHome("/h"), ExtraCertificates.None));

    [Fact]
    public void The_host_bundle_is_compared_with_the_reference_set_and_the_extra_CAs()
    {
        using var dir = new TempDirectory();
        using var publicRoot = CertificateAuthority.Create("Public Root (in the reference set)");
        using var proxy = CertificateAuthority.Create("Corp Proxy CA (host only)");
        using var other = CertificateAuthority.Create("Local CA (host only, given as an extra CA)");
        dir.WriteFile("mozilla/Public_Root.crt", publicRoot.CertificatePem);
        var bundle = dir.WriteFile("bundle.crt", publicRoot.CertificatePem + "\n" + proxy.CertificatePem + "\n" + other.CertificatePem);
        var extra = ExtraCertificates.FromFiles([dir.WriteFile("extra.pem", other.CertificatePem)]);

        var c = CaTrust.Compare(extra, name => name == "SSL_CERT_FILE" ? bundle : null, dir.Combine("mozilla"))!;
        Assert.Equal(bundle, c.Bundle);
        Assert.Equal(2, c.HostOnly.Count);
        Assert.Equal(["CN=Corp Proxy CA (host only), O=BotBottle"], c.Uncovered.Select(x => x.Subject));

        // With the proxy CA given too, nothing is left uncovered; without a reference set, nothing can be said.
        var all = ExtraCertificates.FromFiles([dir.WriteFile("all.pem", proxy.CertificatePem + "\n" + other.CertificatePem)]);
        Assert.Empty(CaTrust.Compare(all, name => name == "SSL_CERT_FILE" ? bundle : null, dir.Combine("mozilla"))!.Uncovered);
        Assert.Null(CaTrust.Compare(all, name => name == "SSL_CERT_FILE" ? bundle : null, dir.Combine("no-such-folder")));
    }
}
