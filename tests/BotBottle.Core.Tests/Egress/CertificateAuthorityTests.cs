using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BotBottle.Egress;

namespace BotBottle.Tests.Egress;

public class CertificateAuthorityTests
{
    [Fact]
    public void Minted_leaves_chain_to_the_ca_and_carry_the_host_as_san()
    {
        using var ca = CertificateAuthority.Create("test CA");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = ca.MintLeaf("api.example.com", key);
        Assert.True(leaf.HasPrivateKey);
        Assert.Contains("api.example.com", leaf.GetNameInfo(X509NameType.DnsName, false), StringComparison.Ordinal);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join(",", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.True(leaf.NotAfter <= ca.Certificate.NotAfter);
    }

    [Fact]
    public void A_servers_leaves_are_minted_once_per_name_without_case_and_the_default_host_serves_clients_without_sni()
    {
        using var ca = CertificateAuthority.Create("test CA");
        using var leaves = ca.CreateLeaves("fallback.test");
        var first = leaves.Select("api.example.com");
        Assert.Same(first, leaves.Select("API.Example.com"));
        Assert.NotSame(first, leaves.Select("other.example.com"));
        Assert.Contains("fallback.test", leaves.Select(null).GetNameInfo(X509NameType.DnsName, false), StringComparison.Ordinal);
        Assert.Same(leaves.Select(null), leaves.Select(string.Empty));
        Assert.True(first.HasPrivateKey);
        Assert.Equal(first.GetPublicKey(), leaves.Select("other.example.com").GetPublicKey()); // one key for the set
    }

    [Fact]
    public void Saved_key_is_owner_only_and_round_trips()
    {
        using var dir = new TempDirectory();
        using (var ca = CertificateAuthority.Create("round trip"))
        {
            ca.Save(dir.Path);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.Combine(CertificateAuthority.KeyFileName)));
        }

        using var loaded = CertificateAuthority.Load(dir.Path);
        Assert.Contains("round trip", loaded.Certificate.Subject, StringComparison.Ordinal);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = loaded.MintLeaf("x.example", key);
        Assert.Equal(loaded.Certificate.Subject, leaf.Issuer);
    }

    [Fact]
    public void Missing_ca_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<BotBottle.Errors.BotBottleException>(() => CertificateAuthority.Load(dir.Path));
        Assert.Equal("CertificateAuthorityInvalid", ex.ErrorId);
    }
}
